"""AgentBench's WB prompt text (v0.2 ``data/mind2web/prompt/llm_prompt_cot.json``, Apache-2.0).

The three demonstrations are real Mind2Web training steps that AgentBench puts before every
round's question; the env sends them as ``info["prefix"]``. The question layout is the one of
``format_input_multichoice`` (v0.2 ``src/server/tasks/mind2web/dataloader.py``).
"""

from __future__ import annotations

from agentbench_gym.core import Message

# ruff: noqa: E501

DEMO1_USER = (
    "'''\n"
    "<html> <div> <div> <a tock home page /> <button id=0 book a reservation. toggle open> <span> Book a reservation </span> </button> <button book a reservation. toggle open> </button> </div> <div> <select id=1 type> <option reservations true> Dine in </option> <option pickup> Pickup </option> <option delivery> Delivery </option> <option events> Events </option> <option wineries> Wineries </option> <option all> Everything </option> </select> <div id=2> <p> Celebrating and supporting leading women shaking up the industry. </p> <span> Explore now </span> </div> </div> </div> </html>\n"
    "'''\n"
    "\n"
    "Based on the HTML webpage above, try to complete the following task:\n"
    "Task: Check for pickup restaurant available in Boston, NY on March 18, 5pm with just one guest\n"
    "Previous actions:\n"
    "None\n"
    "What should be the next action? Please select from the following choices (If the correct action is not in the page above, please select A. 'None of the above'):\n"
    "\n"
    "A. None of the above\n"
    "B. <button id=0 book a reservation. toggle open> <span> Book a\n"
    "C. <select id=1 type> <option reservations true> Dine in </option> <option\n"
    "D. <div id=2> <p> Celebrating and supporting leading women shaking up"
)

DEMO1_COT = (
    "Thought: I need to select pickup restaurant first.\n"
    "Answer: C.\n"
    "Action: SELECT\n"
    "Value: Pickup"
)

DEMO2_USER = (
    "'''\n"
    "<html> <div> <main main> <section tabpanel> <div> <ul tablist> <li tab heading level 3 search and> </li> <li id=0 tab heading level 3 search and> <span> Hotel </span> </li> <li tab heading level 3 search and> </li> <li tab heading level 3 search and> </li> </ul> <div tabpanel> <div id=1> <div> <span> Dates* </span> <button button clear dates /> </div> <div> <label> Travelers </label> <div> <p> 1 Adult </p> <button button> 1 Adult </button> <div dialog> <button button travel with a pet. this> <span> Travel with a pet </span> </button> <div> <button button clear all fields> Clear all </button> <button button> </button> </div> </div> </div> </div> </div> </div> </div> </section> </main> <footer contentinfo> <div> <h3> Stay Connected </h3> <ul id=2> <a mobile tools> </a> <a open united's tiktok feed in> </a> <a open united's facebook page in> </a> <a open united's twitter feed in> </a> <a open united's youtube page in> </a> <a open united's instagram feed in> </a> <a open united's linkedin profile in> </a> </ul> </div> </footer> </div> </html>\n"
    "'''\n"
    "\n"
    "Based on the HTML webpage above, try to complete the following task:\n"
    "Task: Compare the fare types to book a 1-adult ticket from Springfiels, IL to Austin, TX for April 29th 2023\n"
    "Previous actions:\n"
    "[combobox]  Enter your departing city, airport name, or airpor... -> TYPE: SPRINGFIELD\n"
    "[button]  Springfield, IL, US (SPI) -> CLICK\n"
    "[combobox]  Enter your destination city, airport name, or airp... -> TYPE: AUSTIN\n"
    "[button]  Austin, TX, US (AUS) -> CLICK\n"
    "What should be the next action? Please select from the following choices (If the correct action is not in the page above, please select A. 'None of the above'):\n"
    "\n"
    "A. None of the above\n"
    "B. <li id=0 tab heading level 3 search and> <span> Hotel\n"
    "C. <div id=1> <div> <span> Dates* </span> <button button clear dates\n"
    "D. <ul id=2> <a mobile tools> </a> <a open united's tiktok"
)

DEMO2_COT = (
    "Thought: There are no elements that allow setting the date or viewing the fare, so there is no correct action.\n"
    "Answer: A."
)

DEMO3_USER = (
    "'''\n"
    "<html> <div> <nav main menu> <ul> <li> <div button> Car Sales </div> <div id=0> <div> <div> <div> Buy A Car </div> <div> Plan Your Purchase </div> </div> <div> <h4> Its Tax Refund Time. Treat Yourself to an Upgrade. </h4> <p> With a variety of options, invest your refund in what you really want - a quality, used vehicle from Enterprise. </p> <a> View Inventory </a> </div> </div> </div> </li> <div id=1> Enterprise Fleet Management </div> </ul> </nav> <div region> <button id=2 selected pick-up date 03/19/2023> <span> <span> 19 </span> <div> <span> Mar </span> <span> 2023 </span> </div> </span> </button> </div> </div> </html>\n"
    "'''\n"
    "\n"
    "Based on the HTML webpage above, try to complete the following task:\n"
    "Task: Find a mini van at Brooklyn City from April 5th to April 8th for a 22 year old renter.\n"
    "Previous actions:\n"
    "[searchbox]  Pick-up & Return Location (ZIP, City or Airport) (... -> TYPE: Brooklyn\n"
    "[option]  Brooklyn, NY, US Select -> CLICK\n"
    "What should be the next action? Please select from the following choices (If the correct action is not in the page above, please select A. 'None of the above'):\n"
    "\n"
    "A. None of the above\n"
    "B. <div id=0> <div> <div> <div> Buy A Car </div> <div>\n"
    "C. <div id=1> Enterprise Fleet Management </div>\n"
    "D. <button id=2 selected pick-up date 03/19/2023> <span> <span> 19 </span>"
)

DEMO3_COT = (
    "Thought: The search has already been set to Brooklyn. Next, I should choose pick-up date.\n"
    "Answer: D.\n"
    "Action: CLICK"
)

QUESTION_HEAD = "Based on the HTML webpage above, try to complete the following task:\n"
QUESTION_TAIL = (
    "What should be the next action? Please select from the following choices "
    "(If the correct action is not in the page above, please select A. 'None of the above'):\n\n"
    "A. None of the above\n"
)
PREVIOUS_K = 5
"""How many of the latest previous actions the question lists."""


def _plain(reply: str) -> str:
    """The non-CoT demo reply: AgentBench's ``llm_prompt.json`` is the CoT file minus the Thought line."""
    return "\n".join(line for line in reply.split("\n") if not line.startswith("Thought: "))


def demo_prefix(cot: bool = True) -> list[Message]:
    """The six demonstration messages that open every round (CoT by default, as v0.2's config)."""
    messages: list[Message] = []
    for user, reply in ((DEMO1_USER, DEMO1_COT), (DEMO2_USER, DEMO2_COT), (DEMO3_USER, DEMO3_COT)):
        messages.append({"role": "user", "content": user})
        messages.append({"role": "assistant", "content": reply if cot else _plain(reply)})
    return messages


def format_question(task: str, previous_actions: tuple[str, ...] | list[str], options: list[str]) -> str:
    """The question under the HTML: task, last five previous actions (or None), lettered options."""
    text = QUESTION_HEAD + f"Task: {task}\n" + "Previous actions:\n"
    recent = list(previous_actions)[-PREVIOUS_K:]
    text += "".join(f"{action}\n" for action in recent) if recent else "None\n"
    text += QUESTION_TAIL
    for index, option in enumerate(options):
        text += f"{chr(66 + index)}. {option}\n"
    return text


def format_query(html: str, question: str) -> str:
    """The round's user message: the pruned HTML between triple quotes, then the question."""
    return f"'''\n{html}\n'''\n\n{question}"
