"""AgentBench's two Aquawar bots as policies that play ``AgentBench/DCG-v0`` as the agent.

They read the board from ``info["view"]`` (what AgentBench's SDK gives a bot) and answer in the
JSON reply format of the env's prompts, so ``baseline2`` vs the env's ``baseline1`` reproduces
AgentBench's bot-vs-bot games.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np

from agentbench_gym.envs.card_game.bots import AquawarBot, Baseline1Bot, Baseline2Bot
from agentbench_gym.envs.card_game.engine import FISH_NAMES, View

# Upstream's names for the ids baseline 2 may guess; the env accepts only the four fielded fish,
# so a guess of another id is refused (a failed try), as that guess could never be right anyway.
_GUESS_NAMES = {**{i + 1: name for i, name in enumerate(FISH_NAMES)},
                5: "barracuda", 6: "mobula", 8: "octopus", 9: "whiteshark", 10: "hammerhead"}


class AquawarBotPolicy:
    """A policy wrapping one of the bots in ``agentbench_gym.envs.card_game.bots``.

    Args:
        seed: seeds the bot's Generator; ``reset()`` re-seeds it, so with a seed every episode
            draws the same numbers. None draws fresh entropy each episode.
    """

    task: ClassVar[str] = "DCG"
    bot_class: ClassVar[type[AquawarBot]] = AquawarBot

    def __init__(self, seed: int | None = None) -> None:
        """Build the bot."""
        self.seed = seed
        self.bot = self.bot_class(np.random.default_rng(seed))
        self._guess_reply = ""

    def reset(self) -> None:
        """Start a new game with a freshly seeded bot."""
        self.bot = self.bot_class(np.random.default_rng(self.seed))

    def act(self, observation: str, info: Mapping[str, Any]) -> str:
        """The bot's guess or action as a JSON reply, for ``info["decision"]``."""
        view = info.get("view")
        if not isinstance(view, View):
            raise ValueError("the Aquawar bots read info['view']; play them on AgentBench/DCG-v0")
        if info.get("decision") == "guess":
            if info.get("tries"):
                return self._guess_reply  # a refused guess is repeated until the tries run out
            self.bot.begin_turn()  # a new turn: upstream's new wall-clock second
            guess = self.bot.guess(view)
            if guess is None:
                # No guess: aim at a revealed living fish, which the engine turns into no guess.
                position = next(p for p in range(4) if view.enemy_hp[p] > 0)
                guess = (position, view.enemy_ids[position] if view.enemy_ids[position] > 0 else 1)
            position, fish_id = guess
            self._guess_reply = json.dumps({"guess_type": _GUESS_NAMES[fish_id], "target_position": position})
            return self._guess_reply
        move = self.bot.act(view)
        return json.dumps({"pick_fish": FISH_NAMES[move.actor], "action": move.action,
                           "target_position": move.target})


class AquawarBaseline1Policy(AquawarBotPolicy):
    """AgentBench's ``baseline1`` bot (random guesses and skills) as a policy."""

    bot_class = Baseline1Bot


class AquawarBaseline2Policy(AquawarBotPolicy):
    """AgentBench's ``baseline2`` bot (finishing blows, AOEs, retaliation) as a policy."""

    bot_class = Baseline2Bot


__all__ = ["AquawarBaseline1Policy", "AquawarBaseline2Policy", "AquawarBotPolicy"]
