# ruff: noqa: E501  (upstream's messages are kept verbatim, long lines included)
"""AgentBench's ALFWorld messages, word for word (v0.2 ``src/server/tasks/alfworld``).

``INSTRUCTION`` is ``ALFWorld.get_task_instruction()``; ``EXAMPLES`` holds the one-shot episodes of
``prompts/alfworld_multiturn_plan_first.json`` (alternating environment / agent messages, starting
with the environment), keyed as upstream keys them; ``EXAMPLE_KEYS`` maps the task-type prefix of a
game to its example, as ``ALFWorld.prefixes`` does.
"""

from __future__ import annotations

INSTRUCTION = "Interact with a household to solve a task. Imagine you are an intelligent agent in a household environment and your target is to perform actions to complete the task goal. At the beginning of your interactions, you will be given the detailed description of the current environment and your goal to accomplish. For each of your turn, you will be given a list of actions which you can choose one to perform in this turn. You should directly output the action in this turn. Your output must strictly follow this format:\"ACTION: your next action\n\". After your each turn, the environment will give you immediate feedback based on which you plan your next few steps. if the environment output \"Nothing happened\", that means the previous action is invalid and you should try more options.\n Reminder: \n1. the action must be chosen from the given available actions. Any actions except provided available actions will be regarded as illegal. \n2. Try to act directly more in the process.\n\n"
"""The first user message (upstream's active instruction text)."""

ACKNOWLEDGEMENT = "OK. I'll follow your instructions and try my best to solve the task."
"""The canned assistant reply after the instruction."""

EXAMPLE_HEADER = "Here is one example.\n"
"""Put in front of the first message of the one-shot example."""

TASK_HEADER = "Here is your task. "
"""Put in front of the game's opening text."""

ACTIONS_HEADER = " AVAILABLE ACTIONS: "
"""Put in front of the newline-joined admissible commands (followed by a final newline)."""

EXAMPLE_KEYS: dict[str, str] = {
    "pick_and_place": "put",
    "pick_clean_then_place": "clean",
    "pick_heat_then_place": "heat",
    "pick_cool_then_place": "cool",
    "look_at_obj": "examine",
    "pick_two_obj": "puttwo",
}
"""Task-type prefix of the game directory -> key of its one-shot example."""

EXAMPLES: dict[str, tuple[str, ...]] = {
    "put": (
        "You are in the middle of a room. Looking quickly around you, you see a cabinet 4, a cabinet 3, a cabinet 2, a cabinet 1, a countertop 1, a garbagecan 1, a handtowelholder 2, a handtowelholder 1, a sinkbasin 2, a sinkbasin 1, a toilet 1, a toiletpaperhanger 1, and a towelholder 1.\nYour task is to: put some spraybottle on toilet.\n",
        "THOUGHT: The task is to put some spraybottle on toilet, so first i need to search the room for some spraybottle. After finding the spraybottle, i need to take it to the toilet. I wil start my search on cabinets.\n ACTION: go to cabinet 1\n",
        "On the cabinet 1, you see a cloth 1, a soapbar 1, a soapbottle 1.\n",
        "ACTION: go to cabinet 2\n",
        "The cabinet 2 is closed.\n",
        "ACTION: open cabinet 2\n",
        "You open the cabinet 2. The cabinet 2 is open. In it, you see a candle 1, and a spraybottle 2.\n",
        "ACTION: take spraybottle 2 from cabinet 2\n",
        "You pick up the spraybottle 2 from the cabinet 2.\n",
        "ACTION: go to toilet 1\n",
        "On the toilet 1, you see a soapbottle 2.\n",
        "ACTION: put spraybottle 2 in/on toilet 1\n",
        "You put the spraybottle 2 in/on the toilet 1.\n",
        "ACTION: Task succeeded.\n",
    ),
    "clean": (
        "You are in the middle of a room. Looking quickly around you, you see a bathtubbasin 1, a garbagecan 1, a handtowelholder 1, a shelf 3, a shelf 2, a shelf 1, a sinkbasin 1, a toilet 1, a toiletpaperhanger 1, and a towelholder 1.\nYour task is to: clean some soapbar and put it in toilet.\n",
        "THOUGHT: The task is to clean some soapbar and put it in toilet, so i need to first find some soapbar, and clean it in a sinkbasin. Soapbar is likely to be found in toilet, so i'll start to search there.\n ACTION: go to toilet 1\n",
        "On the toilet 1, you see a soapbar 4, and a soapbar 3.\n",
        "ACTION: take soapbar 4 from toilet 1\n",
        "You pick up the soapbar 4 from the toilet 1.\n",
        "ACTION: go to sinkbasin 1\n",
        "On the sinkbasin 1, you see nothing.\n",
        "ACTION: clean soapbar 4 with sinkbasin 1\n",
        "You clean the soapbar 4 using the sinkbasin 1.\n",
        "ACTION: go to toilet 1\n",
        "On the toilet 1, you see a soapbar 3.\n",
        "ACTION: put soapbar 4 in/on toilet 1\n",
        "You put the soapbar 4 in/on the toilet 1.\n",
        "ACTION: Task succeeded.\n",
    ),
    "heat": (
        "You are in the middle of a room. Looking quickly around you, you see a cabinet 13, a cabinet 12, a cabinet 11, a cabinet 10, a cabinet 9, a cabinet 8, a cabinet 7, a cabinet 6, a cabinet 5, a cabinet 4, a cabinet 3, a cabinet 2, a cabinet 1, a coffeemachine 1, a countertop 1, a diningtable 1, a drawer 1, a fridge 1, a garbagecan 1, a microwave 1, a shelf 3, a shelf 2, a shelf 1, a sinkbasin 1, a stoveburner 4, a stoveburner 3, a stoveburner 2, a stoveburner 1, and a toaster 1.\nYour task is to: put a hot apple in fridge.\n",
        "THOUGHT: The task is to put a hot apple in fridge. So i need to first find an apple and heat it, i'll start my search on diningtables.\n ACTION: go to diningtable 1\n",
        "On the diningtable 1, you see a apple 1, a bread 1, a fork 3, a fork 2, a fork 1, a mug 2, a peppershaker 3, a plate 2, a pot 1, a soapbottle 3, a spatula 1, a spoon 3, a spoon 2, a spoon 1, a winebottle 3, and a winebottle 2.\n",
        "ACTION: take apple 1 from diningtable 1\n",
        "You pick up the apple 1 from the diningtable 1.\n",
        "ACTION: go to microwave 1\n",
        "The microwave 1 is closed.\n",
        "ACTION: heat apple 1 with microwave 1\n",
        "You heat the apple 1 using the microwave 1.\n",
        "ACTION: go to fridge 1\n",
        "The fridge 1 is open. In it, you see a cup 1, and a egg 1.\n",
        "ACTION: put apple 1 in/on fridge 1\n",
        "You put the apple 1 in/on the fridge 1.\n",
        "ACTION: Task succeeded.\n",
    ),
    "cool": (
        "You are in the middle of a room. Looking quickly around you, you see a cabinet 16, a cabinet 15, a cabinet 14, a cabinet 13, a cabinet 12, a cabinet 11, a cabinet 10, a cabinet 9, a cabinet 8, a cabinet 7, a cabinet 6, a cabinet 5, a cabinet 4, a cabinet 3, a cabinet 2, a cabinet 1, a coffeemachine 1, a countertop 2, a countertop 1, a diningtable 1, a drawer 5, a drawer 4, a drawer 3, a drawer 2, a drawer 1, a fridge 1, a garbagecan 1, a microwave 1, a safe 1, a sinkbasin 1, a stoveburner 4, a stoveburner 3, a stoveburner 2, a stoveburner 1, and a toaster 1.\nYour task is to: cool some pan and put it in stoveburner.\n",
        "THOUGHT: The task is to cool some pan and put it in stoveburner, so i need to first find a pan and cool it. A pan is likely to be found on a stoveburner, so i plan to search all the stoveburners.\n ACTION: go to stoveburner 1\n",
        "On the stoveburner 1, you see nothing.\n",
        "ACTION: go to stoveburner 2\n",
        "On the stoveburner 2, you see a pot 1.\n",
        "ACTION: go to stoveburner 3\n",
        "On the stoveburner 3, you see a pan 1.\n",
        "ACTION: take pan 1 from stoveburner 3\n",
        "You pick up the pan 1 from the stoveburner 3.\n",
        "ACTION: go to fridge 1\n",
        "The fridge 1 is closed.\n",
        "ACTION: cool pan 1 with fridge 1\n",
        "You cool the pan 1 using the fridge 1.\n",
        "ACTION: go to stoveburner 1\n",
        "On the stoveburner 1, you see nothing.\n",
        "ACTION: put pan 1 in/on stoveburner 1\n",
        "You put the pan 1 in/on the stoveburner 1.\n",
        "ACTION: Task succeeded.\n",
    ),
    "puttwo": (
        "You are in the middle of a room. Looking quickly around you, you see a coffeetable 1, a diningtable 1, a drawer 4, a drawer 3, a drawer 2, a drawer 1, a dresser 1, a garbagecan 1, a sidetable 2, a sidetable 1, and a sofa 1.\nYour task is to: put two cellphone in sofa.\n",
        "THOUGHT: The task is to put two cellphone in sofa, so i need to first find a cellphone and put it on sofa. I'll start my search on coffeetables.\n ACTION: go to coffeetable 1\n",
        "On the coffeetable 1, you see a box 1, a cellphone 3, and a plate 1.\n",
        "ACTION: take cellphone 3 from coffeetable 1\n",
        "You pick up the cellphone 3 from the coffeetable 1.\n",
        "ACTION: go to sofa 1\n",
        "On the sofa 1, you see a newspaper 2, a pillow 1, a remotecontrol 2, and a remotecontrol 1.\n",
        "ACTION: put cellphone 3 in/on sofa 1\n",
        "You put the cellphone 3 in/on the sofa 1.\n",
        "ACTION: go to diningtable 1\n",
        "On the diningtable 1, you see a cellphone 2, a keychain 2, a laptop 1, a statue 2, and a statue 1.\n",
        "ACTION: take cellphone 2 from diningtable 1\n",
        "You pick up the cellphone 2 from the diningtable 1.\n",
        "ACTION: go to sofa 1\n",
        "On the sofa 1, you see a cellphone 3, a newspaper 2, a pillow 1, a remotecontrol 2, and a remotecontrol 1.\n",
        "ACTION: put cellphone 2 in/on sofa 1\n",
        "You put the cellphone 2 in/on the sofa 1.\n",
        "ACTION: Task succeeded.\n",
    ),
    "examine": (
        "You are in the middle of a room. Looking quickly around you, you see a coffeetable 1, a diningtable 1, a drawer 4, a drawer 3, a drawer 2, a drawer 1, a dresser 1, a garbagecan 1, a sidetable 2, a sidetable 1, and a sofa 1.\nYour task is to: look at statue under the desklamp.\n",
        "THOUGHT: The task is to look at statue under the desklamp, so i need to find the statue first and then find the desklamp and look at the statue under the light. I'll start my search on dresser 1.\n ACTION: go to dresser 1\n",
        "On the dresser 1, you see a cellphone 3, a newspaper 2, a statue 1, and a television 1.\n",
        "ACTION: take statue 1 from dresser 1\n",
        "You pick up the statue 1 from the dresser 1.\n",
        "ACTION: go to sidetable 1\n",
        "On the sidetable 1, you see nothing.\n",
        "ACTION: go to sidetable 2\n",
        "On the sidetable 2, you see a desklamp 3, a newspaper 1, and a statue 2.\n",
        "ACTION: use desklamp 3\n",
        "You turn on the desklamp 3.\n",
        "ACTION: Task succeeded.\n",
    ),
}
"""The one-shot example episodes, by key."""
