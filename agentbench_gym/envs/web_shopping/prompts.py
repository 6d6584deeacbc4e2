"""AgentBench's WebShop prompt, acknowledgement and one-shot demonstration, as constants.

These strings are the protocol (what the agent sees), reproduced verbatim from AgentBench v0.2
(``src/server/tasks/webshop/__init__.py``) so that scores stay comparable. Note the leading
newline of the instruction and the one-shot's quoted observations with JSON-style, elided
"Available Actions", unlike the real turns (Python dict repr, no quotes).
"""

from __future__ import annotations

from typing import Any

INSTRUCTION = (
    "\nYou are web shopping.\n"
    "I will give you instructions about what to do.\n"
    "You have to follow the instructions.\n"
    "Every round I will give you an observation and a list of available actions, "
    "you have to respond an action based on the state and instruction.\n"
    "You can use search action if search is available.\n"
    "You can click one of the buttons in clickables.\n"
    "An action should be of the following structure:\n"
    "search[keywords]\n"
    "click[value]\n"
    "If the action is not valid, perform nothing.\n"
    "Keywords in search are up to you, but the value in click must be a value in the list of available actions.\n"
    "Remember that your keywords in search should be carefully designed.\n"
    "Your response should use the following format:\n"
    "\n"
    "Thought:\n"
    "I think ...\n"
    "\n"
    "Action:\n"
    "click[something]\n"
)
ACKNOWLEDGEMENT = "Ok."

_GOAL = "i need a long lasting 6.76 fl oz bottle of l'eau d'issey, and price lower than 100.00 dollars"
_ITEM = (
    f"Instruction: [SEP] {_GOAL} [SEP] Back to Search [SEP] < Prev [SEP] size [SEP] 2.5 fl oz [SEP] "
    "6.76 fl oz (pack of 1) [SEP] L'eau D'issey By Issey Miyake for MenEau De Toilette Spray, 6.7 Fl Oz "
    "Bottle [SEP] Price: $64.98 [SEP] Rating: N.A. [SEP] Description [SEP] Features [SEP] Reviews [SEP] Buy Now"
)
_RESULTS = (
    f"Instruction: [SEP] {_GOAL} [SEP] Back to Search [SEP] Page 1 (Total results: 50) [SEP] Next > [SEP] "
    "B000VOHH8I [SEP] L'eau D'issey By Issey Miyake for MenEau De Toilette Spray, 6.7 Fl Oz Bottle [SEP] "
    "$64.98 [SEP] B000MJZOPK [SEP] L'eau d'Issey by Issey Miyake for Women 3.3 oz Eau de Toilette Spray "
    "[SEP] $49.98 [SEP] B0012S249E [SEP] L'eau D'issey By Issey Miyake For Women. Shower Cream 6.7-Ounces "
    "[SEP] $31.36 [SEP] B01H8PGKZS [SEP] L'eau D'Issey FOR MEN by Issey Miyake - 6.7 oz EDT Spray [SEP] "
    "$67.97 [SEP] B00G3C8FHE [SEP] L'Eau d'Issey pour Homme - Eau de Toilette 4.2 fl oz [SEP] $51.25 [SEP] "
    "B000R94HRG [SEP] Issey Miyake L'Eau D'Issey Pour Homme Eau De Toilette Natural Spray [SEP] $44.99 "
    "[SEP] B000C214CO [SEP] Issey Miyake L'eau D'issey Eau de Toilette Spray for Men, 4.2 Fl Oz [SEP] "
    "$53.99 [SEP] B0018SBRDC [SEP] Issey Miyake L'eau d'Issey for Women EDT, White, 0.84 Fl Oz [SEP] "
    "$27.04 [SEP] B000XEAZ9Y [SEP] L'eau De Issey By Issey Miyake For Men. Eau De Toilette Spray 6.7 Fl "
    "Oz [SEP] $67.08 [SEP] B079HZR2RX [SEP] L'eau d'Issey Pure by Issey Miyake for Women 3.0 oz Nectar "
    "de Parfum Spray [SEP] $71.49"
)


def _shot(observation: str, search_bar: bool, n_clickables: int) -> str:
    clickables = ", ".join(['"..."'] * n_clickables)
    bar = "true" if search_bar else "false"
    return (f'Observation:\n"{observation}"\n\nAvailable Actions:\n'
            f'{{"has_search_bar": {bar}, "clickables": [{clickables}]}}')


ONE_SHOT: tuple[dict[str, str], ...] = (
    {"role": "user", "content": _shot(f"WebShop [SEP] Instruction: [SEP] {_GOAL} [SEP] Search", True, 1)},
    {"role": "assistant", "content": "Thought:\nI think I should use the search bar to look for the product "
                                     "I need.\n\nAction:\nsearch[l'eau d'issey 6.76 fl oz bottle price < 100.00]"},
    {"role": "user", "content": _shot(_RESULTS, False, 12)},
    {"role": "assistant", "content": "Thought:\nI think I should click on the product I need, which is "
                                     "B000VOHH8I.\n\nAction:\nclick[B000VOHH8I]"},
    {"role": "user", "content": _shot(_ITEM, False, 8)},
    {"role": "assistant", "content": "Thought:\nI think I should click on the '6.76 fl oz (pack of 1)' option "
                                     "to select the size I need.\n\nAction:\nclick[6.76 fl oz (pack of 1)]"},
    {"role": "user", "content": _shot(_ITEM, False, 8)},
    {"role": "assistant", "content": "Thought:\nI think I should click on the 'Buy Now' button to purchase "
                                     "the product.\n\nAction:\nclick[Buy Now]"},
)


def prefix_messages() -> list[dict[str, str]]:
    """The messages before the first real observation: instruction, "Ok.", the one-shot."""
    return [{"role": "user", "content": INSTRUCTION}, {"role": "assistant", "content": ACKNOWLEDGEMENT},
            *(dict(m) for m in ONE_SHOT)]


def turn_message(observation: str, available_actions: dict[str, Any]) -> str:
    """A real turn: the page text and the Python repr of the available actions."""
    return f"Observation:\n{observation}\n\nAvailable Actions:\n{available_actions!r}"
