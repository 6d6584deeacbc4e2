"""``AgentBench/DCG-v0``: Aquawar, AgentBench's digital card game, against a baseline bot."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from agentbench_gym.core import AgentBenchEnv, Message, Outcome, TurnResult
from agentbench_gym.data import read_jsonl
from agentbench_gym.envs.card_game.bots import AquawarBot, make_bot
from agentbench_gym.envs.card_game.data import CardGameSample, make_samples, sample_from_record
from agentbench_gym.envs.card_game.engine import FISH_NAMES, MAX_HP, Game
from agentbench_gym.envs.card_game.prompts import (
    state_table,
)
from agentbench_gym.envs.card_game.seat import TRIES, Seat

HP_PER_GAME = 4 * MAX_HP
"""The damage denominator per game in AgentBench's metric (1600)."""

MAX_STEPS = 32 * 2 * TRIES
"""The longest possible episode: 32 turns (the state limit) x 2 decisions x 5 tries."""

_TEST_TIMES = {"dev": 3, "test": 5}  # AgentBench's cg-dev and cg-std `test_time`


class CardGameEnv(AgentBenchEnv):
    """Aquawar (AgentBench DCG): the agent plays a hidden-identity fish battle against a bot.

    ## Description
    Both teams field spray, flame, eel and sunfish (positions 0-3, 400 HP, 200 ATK), with
    identities hidden from the other side. Each turn a player first guesses one enemy fish's
    identity (a right guess reveals it and deals 50 damage to every enemy fish), then acts with one
    living fish: a normal attack (ATK/2 to one enemy) or its active skill (spray/eel: AOE on all
    enemies; flame/sunfish: 75 damage to a teammate for +140 ATK). Passives: spray and flame
    counter (30 to the attacker when a teammate drops under 120 HP), eel and sunfish deflect (keep
    70 %, teammates share 30 %) and gain 40 ATK per 200 damage taken. A team wins by eliminating
    the other; after 126 phases the game is adjudicated (living fish, then HP). The engine is a
    pure-Python port of the upstream judge's rules (``../shared/AQUAWAR.md``); the opponent is
    AgentBench's ``baseline1`` or ``baseline2`` bot, which moves inside ``step``.

    ## Observation
    One step is one agent reply, i.e. one LLM call of AgentBench's client. The agent alternates
    between a **guess** decision and an **action** decision each turn; the observation is the
    prompt of the current decision, word for word as AgentBench sends it, and a failed try gets the
    identical prompt again. Like upstream, the env keeps two conversations, one per decision kind,
    and each call re-sends the rules message. So that a user can rebuild AgentBench's exact calls:

    - ``info["prefix"]`` (at reset) is ``[rules, "Okay, I will play ..."]``, so ``prefix + [obs]``
      is AgentBench's opening call exactly.
    - ``info["decision"]`` is ``"guess"`` or ``"action"`` (None once the episode is over).
    - ``info["chat"]`` is the full message list AgentBench sends for this call: the decision's
      history (``R, A, p1, o1, R, A, p2, o2, ...`` with one extra ``R, A`` per failed try) plus
      the observation as the last user message. Roles are ``user``/``assistant`` (upstream
      writes ``agent``).
    - ``info["view"]`` is the board as the agent's client sees it (an ``engine.View``), for
      scripted policies; ``info["tries"]`` counts failed tries of the current decision.

    The base class's linear transcript (``render()``) interleaves both conversations and is not
    the message list any single call sends.

    ## Reply format
    Free text containing a JSON object (found with ``\\{[\\w\\W]*?\\}`` after ``'`` → ``"``; the
    first candidate that parses and is legal wins):

    - guess: ``{"guess_type": "spray"|"flame"|"eel"|"sunfish", "target_position": 0-3}`` at a
      living enemy;
    - action: ``{"pick_fish": <living own fish name>, "action": "normal"|"active",
      "target_position": 0-3}``; normal needs a living enemy, flame/sunfish's active another living
      teammate, spray/eel's active ignores the target (but it must still be a number).

    ## Outcomes
    - The game ends (win or loss): ``completed``.
    - 5 failed tries on a guess: no guess this turn; the game goes on.
    - 5 failed tries on an action: the episode ends, lost: ``invalid_format`` if no try held a
      JSON object that parsed, else ``invalid_action`` (AgentBench's ``#[ERROR]2``/``#[ERROR]1``).
    - No turn limit by default (``max_turns=None``): the game's state limit (126 phases after the
      picks, so at most 32 turns for the first mover) bounds an episode to ``MAX_STEPS`` = 320
      steps (32 turns x 2 decisions x 5 tries). A ``max_turns`` cut gives ``task_limit`` and a
      loss. There is no repetition check (AgentBench has none for DCG).

    ## Score & metrics
    Sample score: 1.0 for a win, 0.0 otherwise (also on IF/IA). ``info["metrics"]``: ``win``
    (0/1), ``damage`` (AgentBench's: Σ over the enemy fish of 400 − max(hp, 0)), ``damage_taken``,
    ``fish_alive``, ``enemy_fish_alive``, ``right_guesses``, ``state``, ``end_reason``.
    ``CardGameEnv.task_metrics`` gives AgentBench's ``main = 0.7·win_rate + min(0.3,
    0.3·damage_rate)`` with 1600 HP per game, plus ``win_rate`` and ``damage_rate``.

    ## Arguments
    - ``split``: ``"dev"`` (12 games, default) or ``"test"`` (20).
    - ``data_dir``: a folder with ``<split>.jsonl`` of upstream-style sample dicts
      ``{"stage": 2, "base": "baseline1", "agent": 0}`` (optional ``id``, ``seed``).
    - ``upstream_bugs`` (default False): reproduce AgentBench's client defects, for comparing
      scores with upstream: eel's and sunfish's active skills always fail (the try is consumed and
      is not an IF/IA try; five such tries lose the game with outcome ``completed``); the digit
      strings "0"-"3" as ``pick_fish`` pick positions 1-4; the previous-action summaries, "Live
      Unknown Enemy Fish" and the passive list are as wrong as upstream's (AQUAWAR.md §5.4).
      Default: those work as the prompts describe.
      No flag restores: the bots' wall-clock randomness (see Data), upstream's 300 s per-decision
      and 600 s per-game timeouts and 1024-byte reply cap, and the context-limit status of an
      LLM call that returns nothing (this env always receives a ``str``).
    - ``max_turns``, ``render_mode`` (``"ansi"``: the transcript, then the board), ``dense``.

    ## Backends
    Only the embedded pure-Python engine (no service, no C++ judge). For two policies playing
    each other: ``agentbench_gym.envs.card_game.pettingzoo_env.env()``, a PettingZoo AEC env
    (extra ``[pettingzoo]``) with the same prompts and parsing (``Seat``).

    ## Data
    Samples are generated as AgentBench generates them: ``baseline1``/``baseline2`` x agent
    first/second x 3 (dev) or 5 (test) repeats, in that order. Upstream's bots take their
    randomness from the wall clock; ours draw it from a Generator seeded with the sample's
    ``seed``, so a sample is one fixed game given the agent's replies (the env's own seed only
    picks the sample when ``options["sample"]`` is not given).

    ## Registered ids
    ``AgentBench/DCG-v0``.

    ## Version history
    - v0: first release.
    """

    task: ClassVar[str] = "DCG"
    default_max_turns: ClassVar[int | None] = None
    splits: ClassVar[tuple[str, ...]] = ("dev", "test")
    backends: ClassVar[tuple[str, ...]] = ()
    oracle: ClassVar[str] = "agentbench_gym.envs.card_game.oracle:CardGameOracle"
    reply_examples: ClassVar[tuple[str, ...]] = (
        '{"guess_type": "spray", "target_position": 0}',
        '{"pick_fish": "spray", "action": "active", "target_position": 0}',
        "I attack: {'pick_fish': 'flame', 'action': 'normal', 'target_position': 1}",
        '{"pick_fish": "eel", "action": "active", "target_position": "0"}',
    )

    def __init__(self, *, upstream_bugs: bool = False, **kwargs: Any) -> None:
        """See the class docstring for the arguments."""
        self.upstream_bugs = bool(upstream_bugs)
        super().__init__(**kwargs)
        self.game: Game | None = None
        self.bot: AquawarBot | None = None
        self.seat: Seat | None = None
        self.agent_slot = 0

    @property
    def decision(self) -> str | None:
        """The agent's current decision (``"guess"``/``"action"``), None when none is pending."""
        return self.seat.decision if self.seat is not None else None

    # ------------------------------------------------------------------ hooks
    def _load_samples(self, split: str, data_dir: str | None) -> Sequence[CardGameSample]:
        if data_dir is None:
            return make_samples(split, _TEST_TIMES[split])
        path = Path(data_dir) / f"{split}.jsonl"
        if not path.is_file():
            raise FileNotFoundError(f"DCG: no {path} (expected upstream-style sample dicts)")
        return [sample_from_record(r, i, path) for i, r in enumerate(read_jsonl(path))]

    def _start(self, sample: CardGameSample) -> tuple[str, list[Message]]:
        self.game = Game()
        self.bot = make_bot(sample.opponent, np.random.default_rng(sample.seed))
        self.agent_slot = sample.agent_slot
        self.seat = Seat(self.game, self.agent_slot, upstream=self.upstream_bugs)
        if self.agent_slot == 1:
            self._bot_turn()
        prompt = self.seat.enter("guess")
        return prompt, [dict(m) for m in self.seat.history["guess"]]

    def _turn(self, reply: str) -> TurnResult:
        seat, game = self.seat, self.game
        result = seat.reply(reply)
        if result == "retry":
            return TurnResult(seat.prompt)
        if result == "forfeit":
            return self._end(seat.forfeit_outcome(), "You did not return a valid action in "
                             f"{TRIES} tries, so you lose the game.")
        if not game.over and game.to_move != self.agent_slot:
            self._bot_turn()
        if game.over:
            won = game.winner == self.agent_slot
            reason = ("the state limit was reached and the game was adjudicated"
                      if game.end_reason == "state_limit" else "a team was eliminated")
            return self._end(Outcome.COMPLETED, f"Game over: you {'win' if won else 'lose'} ({reason}).")
        return TurnResult(seat.enter(game.phase))

    def _on_limit(self, last: TurnResult, outcome: Outcome) -> TurnResult:
        self.seat.decision = None
        return TurnResult(last.observation, outcome, score=0.0, metrics=self._metrics(won=False))

    def _step_info(self) -> dict[str, Any]:
        seat = self.seat
        if seat is None or seat.decision is None:
            return {"decision": None}
        return {"decision": seat.decision, "chat": seat.chat(), "tries": seat.tries,
                "view": self.game.view(self.agent_slot)}

    # ------------------------------------------------------------------ turns
    def _bot_turn(self) -> None:
        game, bot, slot = self.game, self.bot, 1 - self.agent_slot
        bot.begin_turn()
        guess = bot.guess(game.view(slot))
        game.guess(slot, *(guess or (None,)))
        if not game.over:
            game.act(slot, bot.act(game.view(slot)))

    def _end(self, outcome: Outcome, text: str) -> TurnResult:
        self.seat.decision = None
        won = self.game.winner == self.agent_slot
        return TurnResult(f"{text}\n{self._board()}", outcome, score=float(won),
                          metrics=self._metrics(won=won))

    def _metrics(self, *, won: bool) -> dict[str, Any]:
        game, me = self.game, self.agent_slot
        return {
            "win": int(won),
            "damage": game.damage_to(1 - me),
            "damage_taken": game.damage_to(me),
            "fish_alive": len(game.living(me)),
            "enemy_fish_alive": len(game.living(1 - me)),
            "right_guesses": sum(f.revealed for f in game.teams[1 - me]),
            "state": game.state,
            "end_reason": game.end_reason or "unfinished",
            "opponent": self._sample.opponent,
            "agent_slot": me,
        }

    def _board(self) -> str:
        game, me = self.game, self.agent_slot
        mine, theirs = game.teams[me], game.teams[1 - me]
        return "Final state:\n" + state_table(
            [0 if f.dead else f.hp for f in mine], [f.atk for f in mine],
            [f.kind for f in theirs], [0 if f.dead else f.hp for f in theirs])

    # ------------------------------------------------------------------ public
    def render(self) -> str | None:
        """``"ansi"``: the transcript, then the board from the agent's side."""
        text = super().render()
        if text is None or self.game is None:
            return text
        return f"{text}\n\n{self.board_text()}"

    def board_text(self) -> str:
        """A compact board: both teams' fish, HP, ATK and whether they are revealed."""
        game, me = self.game, self.agent_slot
        if game is None:
            return ""
        lines = [f"state {game.state}, {'over' if game.over else 'player ' + str(game.to_move) + ' ' + game.phase}"]
        for label, player in (("you", me), ("enemy", 1 - me)):
            cells = []
            for f in game.teams[player]:
                hp = "dead" if f.dead else f"{f.hp:3d}hp"
                cells.append(f"{f.pos}:{FISH_NAMES[f.kind - 1]:<7} {hp:>6} atk {f.atk:3d}{'*' if f.revealed else ' '}")
            lines.append(f"{label:>5}: " + " | ".join(cells))
        return "\n".join(lines)

    @classmethod
    def task_metrics(cls, episodes: Sequence[Mapping[str, Any]]) -> dict[str, float]:
        """AgentBench's DCG score: ``0.7·win_rate + min(0.3, 0.3·damage_rate)``.

        ``damage_rate`` is the damage dealt over 1600 HP per game. Episodes without metrics
        count as lost games with no damage.
        """
        if not episodes:
            return {"main": 0.0, "win_rate": 0.0, "damage_rate": 0.0}
        wins = sum(float((e.get("metrics") or {}).get("win", 0)) for e in episodes)
        damage = sum(float((e.get("metrics") or {}).get("damage", 0)) for e in episodes)
        win_rate = wins / len(episodes)
        damage_rate = damage / (HP_PER_GAME * len(episodes))
        return {"main": 0.7 * win_rate + min(0.3, 0.3 * damage_rate),
                "win_rate": win_rate, "damage_rate": damage_rate}
