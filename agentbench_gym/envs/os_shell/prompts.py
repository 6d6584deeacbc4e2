"""AgentBench's OS-interaction text, as the agent sees it (v0.2 ``os_interaction/task.py``).

The strings are reproduced verbatim because the benchmark's scores depend on them, typos
included ("I'will", the trailing space after "answer".).
"""

from __future__ import annotations

INSTRUCTIONS = (
    "You are an assistant that will act like a person, I'will play the role of linux(ubuntu) "
    "operating system. Your goal is to implement the operations required by me or answer to the "
    "question proposed by me. For each of your turn, you should first think what you should do, "
    'and then take exact one of the three actions: "bash", "finish" or "answer". \n'
    "\n"
    "1. If you think you should execute some bash code, take bash action, and you should print "
    "like this:\n"
    "\n"
    "Think: put your thought here.\n"
    "\n"
    "Act: bash\n"
    "\n"
    "```bash\n"
    "# put your bash code here\n"
    "```\n"
    "\n"
    "2. If you think you have finished the task, take finish action, and you should print like "
    "this:\n"
    "\n"
    "Think: put your thought here.\n"
    "\n"
    "Act: finish\n"
    "\n"
    "3. If you think you have got the answer to the question, take answer action, and you should "
    "print like this:\n"
    "\n"
    "Think: put your thought here.\n"
    "\n"
    "Act: answer(Your answer to the question should be put in this pair of parentheses)\n"
    "\n"
    "If the output is too long, I will truncate it. The truncated output is not complete. You "
    "have to deal with the truncating problem by yourself. Attention, your bash code should not "
    "contain any input operation. Once again, you should take only exact one of the three actions "
    "in each turn.\n\n"
)
"""The first user message's instructions (the problem statement is appended to it)."""

PROBLEM_HEADER = "Now, my problem is:\n\n"
"""Appended to the instructions, followed by the one-shot question."""

ONE_SHOT_QUESTION = 'tell me how many files are in the directory "/etc"?'

ONE_SHOT_TURNS: tuple[tuple[str, str], ...] = (
    ("assistant", "Think: To count the files in /etc, I need to print all the files in it.\n"
                  "\n"
                  "Act: bash\n"
                  "\n"
                  "```bash\n"
                  "ls /etc\n"
                  "```"),
    ("user", "The output of the OS:\ncpi cron.hourly fuse.conf iproute2 lvm networkd-dispatcher "
             "protocols selinux tmpfiles.d [truncated because the output is too long]"),
    ("assistant", "Think: The output has been truncated because it is too long, so I need to count "
                  "files by script directly.\n"
                  "\n"
                  "Act: bash\n"
                  "\n"
                  "```bash\n"
                  "ls -1 /etc | wc -l\n"
                  "```"),
    ("user", "The output of the OS:\n220"),
    ("assistant", "Think: Now I get the answer, it is 220.\n\nAct: answer(220)"),
)
"""The one-shot demonstration after the first message (AgentBench's ``agent`` role is ``assistant``)."""

NEW_PROBLEM = "Now, I will start a new problem in a new OS. My problem is:\n\n"
"""Prefix of the observation that carries the sample's description."""

OUTPUT_HEADER = "The output of the OS:\n\n"
EMPTY_OUTPUT = "The output of the OS is empty."
TRUNCATION_LIMIT = 800
TRUNCATED_LENGTH = 780
TRUNCATION_NOTICE = "\n[truncated because the output is too long]"

# Our additions (AgentBench leaves the shell busy on a timeout and says nothing).
TIMEOUT_NOTICE = "\n[The command was stopped: {reason}.]"
SHELL_RESTARTED_NOTICE = "\n[The shell was lost; a new shell was started in the same OS.]"


def prefix_messages() -> list[dict[str, str]]:
    """The chat messages before the problem: instructions + one-shot question, then the demo."""
    first = {"role": "user", "content": INSTRUCTIONS + PROBLEM_HEADER + ONE_SHOT_QUESTION}
    return [first, *({"role": role, "content": text} for role, text in ONE_SHOT_TURNS)]


def problem_message(description: str) -> str:
    """The observation that states the sample's problem."""
    return NEW_PROBLEM + description


def format_output(output: str) -> str:
    """The observation for a bash action's output, truncated as AgentBench does."""
    if len(output) > TRUNCATION_LIMIT:
        output = output[:TRUNCATED_LENGTH] + TRUNCATION_NOTICE
    return OUTPUT_HEADER + output if output else EMPTY_OUTPUT
