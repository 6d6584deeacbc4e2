"""One player's side of AgentBench's Aquawar client, shared by the env and the PettingZoo env."""

from __future__ import annotations

from agentbench_gym.core import Message, Outcome
from agentbench_gym.envs.card_game.engine import Game, Move
from agentbench_gym.envs.card_game.parse import INVALID, parse_action, parse_guess
from agentbench_gym.envs.card_game.prompts import (
    ACKNOWLEDGEMENT,
    ACTION_RULES,
    GUESS_RULES,
    PromptBuilder,
)

TRIES = 5
"""AgentBench's ``guess_try_times`` and ``action_try_times``."""

_RULES = {"guess": GUESS_RULES, "action": ACTION_RULES}


class Seat:
    """One player's side of AgentBench's client: its two conversations, its tries, its replies.

    ``enter(decision)`` starts a guess or action decision (builds the prompt and opens the first
    call); ``reply(text)`` applies one reply to the game and says what happened: ``"retry"`` (a
    failed try, the same prompt is asked again), ``"done"`` (the decision is over: a move was
    played, or five failed guess tries skipped the guess) or ``"forfeit"`` (five failed action
    tries; ``forfeit_outcome`` classifies them).

    Attributes:
        decision: ``"guess"``, ``"action"`` or None between decisions.
        prompt: the current decision's prompt.
        tries: failed tries of the current decision.
        history: each conversation's stored messages, as upstream keeps them (each call appends
            the rules message and the acknowledgement for good; a valid reply appends the prompt
            and the reply).
    """

    def __init__(self, game: Game, player: int, *, upstream: bool = False) -> None:
        """Seat ``player`` at ``game``; ``upstream`` reproduces the client's defects."""
        self.game = game
        self.player = player
        self.upstream = upstream
        self.builder = PromptBuilder(game, player, upstream=upstream)
        self.history: dict[str, list[Message]] = {"guess": [], "action": []}
        self.decision: str | None = None
        self.prompt = ""
        self.tries = 0
        self._codes: list[int] = []

    def enter(self, decision: str) -> str:
        """Start a decision and return its prompt."""
        self.decision = decision
        self.tries = 0
        self._codes = []
        builder = self.builder
        self.prompt = builder.guess_prompt() if decision == "guess" else builder.action_prompt()
        self._open_call()
        return self.prompt

    def chat(self) -> list[Message]:
        """The message list AgentBench sends for the current call."""
        return [*self.history[self.decision], {"role": "user", "content": self.prompt}]

    def reply(self, text: str) -> str:
        """Apply one reply to the current decision: ``"retry"``, ``"done"`` or ``"forfeit"``."""
        game, me = self.game, self.player
        if self.decision == "guess":
            guess, _code = parse_guess(text, game.living(1 - me))
            if guess is None:
                if self._fail(None):
                    return "retry"
                game.guess(me, None)  # five failures: no guess this turn
            else:
                self._accept(text)
                self.builder.note_guess(guess[0])
                game.guess(me, *guess)
            self.decision = None
            return "done"
        move, code = parse_action(text, game.living(me), game.living(1 - me), upstream=self.upstream)
        if move is not None and self.upstream and move[1] == "active" and move[0] >= 2:
            move, code = None, 0  # upstream's SDK setters reject eel's and sunfish's actives, silently
        if move is None:
            return "retry" if self._fail(code or None) else "forfeit"
        self._accept(text)
        game.act(me, Move(*move))
        self.decision = None
        return "done"

    def forfeit_outcome(self) -> Outcome:
        """How five failed action tries end: IA if a try parsed as JSON, else IF.

        Upstream's client sends ``#[ERROR]<min code>``; when every try was an eel/sunfish setter
        failure (``upstream=True`` only) it crashes on ``min([])`` and the sample is "completed".
        """
        if not self._codes:
            return Outcome.COMPLETED
        return Outcome.INVALID_ACTION if min(self._codes) == INVALID else Outcome.INVALID_FORMAT

    def _fail(self, code: int | None) -> bool:
        """Count a failed try; True while tries remain (and the next call is opened)."""
        if code is not None:
            self._codes.append(code)
        self.tries += 1
        if self.tries < TRIES:
            self._open_call()
            return True
        return False

    def _open_call(self) -> None:
        decision = self.decision
        self.history[decision] += (
            {"role": "user", "content": _RULES[decision]},
            {"role": "assistant", "content": ACKNOWLEDGEMENT},
        )

    def _accept(self, text: str) -> None:
        self.history[self.decision] += (
            {"role": "user", "content": self.prompt},
            {"role": "assistant", "content": text},
        )
