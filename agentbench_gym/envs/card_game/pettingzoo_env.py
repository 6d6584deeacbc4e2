"""Aquawar for two text policies as a PettingZoo AEC env (extra ``[pettingzoo]``).

Each player gets exactly the prompts AgentBench's client would send it (``Seat``), and each
step is one reply of the player to move. ``player_0`` moves first.

    >>> from agentbench_gym.envs.card_game.pettingzoo_env import env
    >>> game = env()
    >>> game.reset(seed=0)
    >>> observation, reward, terminated, truncated, info = game.last()
    >>> info["decision"]
    'guess'
"""

from __future__ import annotations

from typing import Any, ClassVar

from agentbench_gym.core import Outcome
from agentbench_gym.envs.card_game.engine import Game
from agentbench_gym.envs.card_game.seat import TRIES, Seat
from agentbench_gym.errors import MissingExtra
from agentbench_gym.spaces import UnicodeText

try:
    from pettingzoo import AECEnv
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise MissingExtra("pettingzoo", "the Aquawar PettingZoo env", exc) from exc

AGENTS = ("player_0", "player_1")


class TextObservation(str):
    """A ``str`` that also carries its space's ``dtype``.

    PettingZoo's ``api_test`` compares ``observation.dtype`` with the space's; a plain ``str`` has
    none. Everything else treats it as the ``str`` it is.
    """

    __slots__ = ()
    dtype = UnicodeText().dtype


def env(**kwargs: Any) -> AquawarAECEnv:
    """Build the AEC env (PettingZoo's ``env()`` convention)."""
    return AquawarAECEnv(**kwargs)


class AquawarAECEnv(AECEnv):
    """Aquawar between two text policies, with AgentBench's prompts and reply parsing.

    Observations and actions are ``str`` (the project's ``UnicodeText`` space). The player to move
    observes its current prompt; the other observes the last prompt it was given ("" before its
    first). A player's failed try gets the same prompt again; five failed guess tries skip its
    guess; five failed action tries lose the game.

    Rewards: +1 to the winner and -1 to the loser when the game ends, 0 otherwise. ``infos[agent]``
    holds ``decision`` (``"guess"``/``"action"`` for the player to move, else None), ``chat`` (the
    message list AgentBench sends for this call), ``tries``, and at the end ``outcome`` (``"win"``,
    ``"loss"``, or for the forfeiting player ``"invalid_format"``/``"invalid_action"``),
    ``damage`` (dealt, AgentBench's metric) and ``end_reason``.

    Args:
        upstream_bugs: reproduce AgentBench's client defects (see ``CardGameEnv``).
        render_mode: ``"ansi"`` returns the board as text.
    """

    metadata: ClassVar[dict[str, Any]] = {"render_modes": ["ansi"], "name": "aquawar_v0",
                                          "is_parallelizable": False}

    def __init__(self, *, upstream_bugs: bool = False, render_mode: str | None = None) -> None:
        """See the class docstring."""
        super().__init__()
        if render_mode is not None and render_mode not in self.metadata["render_modes"]:
            raise ValueError(f"render_mode must be one of {self.metadata['render_modes']}")
        self.render_mode = render_mode
        self.upstream_bugs = upstream_bugs
        self.possible_agents = list(AGENTS)
        self._spaces = {agent: (UnicodeText(), UnicodeText()) for agent in AGENTS}
        self.game: Game | None = None
        self.seats: list[Seat] = []

    def observation_space(self, agent: str) -> UnicodeText:
        """Any str."""
        return self._spaces[agent][0]

    def action_space(self, agent: str) -> UnicodeText:
        """Any str (the player's raw reply)."""
        return self._spaces[agent][1]

    def reset(self, seed: int | None = None, options: dict[str, Any] | None = None) -> None:
        """Start a new game; the engine and seats are deterministic, so ``seed`` changes nothing."""
        if seed is not None:
            for observation_space, action_space in self._spaces.values():
                observation_space.seed(seed)
                action_space.seed(seed)
        self.game = Game()
        self.seats = [Seat(self.game, p, upstream=self.upstream_bugs) for p in (0, 1)]
        self.agents = list(AGENTS)
        self.rewards = dict.fromkeys(AGENTS, 0.0)
        self._cumulative_rewards = dict.fromkeys(AGENTS, 0.0)
        self.terminations = dict.fromkeys(AGENTS, False)
        self.truncations = dict.fromkeys(AGENTS, False)
        self._observations = dict.fromkeys(AGENTS, "")
        self.infos = {agent: {"decision": None} for agent in AGENTS}
        self._next()

    def observe(self, agent: str) -> str:
        """The last prompt ``agent`` was given."""
        return TextObservation(self._observations[agent])

    def step(self, action: str | None) -> None:
        """Apply the reply of the player to move (``None`` for a finished player)."""
        agent = self.agent_selection
        if self.terminations[agent] or self.truncations[agent]:
            self._was_dead_step(action)
            return
        if not isinstance(action, str):
            raise TypeError(f"the action must be a str (the player's reply), got {type(action).__name__}")
        player = AGENTS.index(agent)
        seat = self.seats[player]
        self._cumulative_rewards[agent] = 0.0
        self.rewards = dict.fromkeys(self.agents, 0.0)
        result = seat.reply(action)
        if result == "retry":
            self._observations[agent] = seat.prompt
            self.infos[agent] = self._info(seat)
        elif result == "forfeit":
            outcome = seat.forfeit_outcome()
            label = "loss" if outcome is Outcome.COMPLETED else outcome.value
            self._finish(1 - player, {agent: label},
                         f"You did not return a valid action in {TRIES} tries, so you lose the game.")
        elif self.game.over:
            self._finish(self.game.winner, {}, "")
        else:
            self._next()
        self._accumulate_rewards()

    def render(self) -> str | None:
        """The board as text (``"ansi"``)."""
        if self.render_mode != "ansi" or self.game is None:
            return None
        lines = []
        for player in (0, 1):
            cells = [f"{f.pos}:{'x' if f.dead else f.hp}{'*' if f.revealed else ''} atk {f.atk}"
                     for f in self.game.teams[player]]
            lines.append(f"{AGENTS[player]}: " + " | ".join(cells))
        return "\n".join(lines)

    def close(self) -> None:
        """Nothing to release."""

    # ------------------------------------------------------------------ helpers
    def _next(self) -> None:
        """Open the next decision of the player to move."""
        game = self.game
        player = game.to_move
        seat = self.seats[player]
        agent = AGENTS[player]
        self._observations[agent] = seat.enter(game.phase)
        self.infos[agent] = self._info(seat)
        self.infos[AGENTS[1 - player]] = {"decision": None}
        self.agent_selection = agent

    def _info(self, seat: Seat) -> dict[str, Any]:
        return {"decision": seat.decision, "chat": seat.chat(), "tries": seat.tries}

    def _finish(self, winner: int, outcomes: dict[str, str], text: str) -> None:
        game = self.game
        for player, agent in enumerate(AGENTS):
            won = player == winner
            self.rewards[agent] = 1.0 if won else -1.0
            self.terminations[agent] = True
            self.seats[player].decision = None
            reason = game.end_reason or "forfeit"
            self.infos[agent] = {"decision": None, "outcome": outcomes.get(agent, "win" if won else "loss"),
                                 "damage": game.damage_to(1 - player), "end_reason": reason}
            note = text if agent in outcomes else f"Game over: you {'win' if won else 'lose'} ({reason})."
            self._observations[agent] = note
