"""``AgentBench/HH-v0``: ALFWorld household tasks on the real ALFWorld/TextWorld engine."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from agentbench_gym.core import AgentBenchEnv, Message, Outcome, TurnResult
from agentbench_gym.data import builtin_file
from agentbench_gym.envs.household import prompts
from agentbench_gym.envs.household.backends import ReferenceEngine, WarmEngine, engine_available, require_engine
from agentbench_gym.envs.household.data import HouseholdSample, load_builtin, load_game, load_upstream
from agentbench_gym.envs.household.games import PHRASINGS, assemble
from agentbench_gym.envs.household.parse import extract_action, snap_action
from agentbench_gym.envs.household.scoring import episode_metrics, success_rates

logger = logging.getLogger(__name__)

INVALID_REPLY = 'Invalid action: the reply has no "ACTION:" followed by a command. The episode ends.'
REPEATED_REPLY = "Invalid action: the same reply three times in a row. The episode ends."


def strip_arrival(observation: str) -> str:
    """Upstream's ``process_ob``: drop a leading ``You arrive at loc N. ``."""
    if observation.startswith("You arrive at loc "):
        observation = observation[observation.find(". ") + 2:]
    return observation


def available_actions(commands: Sequence[str]) -> str:
    """Upstream's ``get_available_actions``: the list appended to every observation."""
    return prompts.ACTIONS_HEADER + "\n".join(commands) + "\n"


class HouseholdEnv(AgentBenchEnv):
    """ALFWorld household tasks, as AgentBench's ``alfworld`` task runs them.

    Description:
        The agent is in a text house (a kitchen, bathroom, bedroom or living room) and must
        reach a goal of one of ALFWorld's six task types: pick and place, clean then place,
        heat then place, cool then place, examine an object under the desk lamp, and pick two
        and place. The game is ALFWorld's own engine (TextWorld's PDDL environment with Fast
        Downward under it and ALFWorld's name demangler), adapted to Gymnasium without forking it.

    Observation:
        ``reset``: ``"Here is your task. "`` + the game's opening text without its banner (room
        and "Your task is to: ...") + ``" AVAILABLE ACTIONS: "`` + the admissible commands, one
        per line. ``info["prefix"]`` holds AgentBench's instruction, the canned "OK. I'll follow
        your instructions ..." reply and the one-shot example episode of the task type (first
        message prefixed "Here is one example.\\n"). Each step: the game's feedback (a leading
        "You arrive at loc N. " removed) + the fresh AVAILABLE ACTIONS list. Upstream deletes
        the AVAILABLE ACTIONS part of each user message from the history once it is answered;
        ``info["observation_in_history"]`` gives that shortened form of the current observation.

    Reply format:
        ``THOUGHT: ...\\n ACTION: <command>`` or ``ACTION: <command>``. The rest of the
        ``ACTION:`` line, stripped and lower-cased, is the command; when it is not admissible it
        is mapped to the admissible command with the highest BLEU score (above 0.01), as
        upstream does, otherwise sent as is (the game answers "Nothing happens."). "put X in/on
        Y" and "move X to Y" are accepted in either game phrasing.

    Outcomes:
        ``completed`` (terminated) when the goal is reached, score 1. ``invalid_action``
        (terminated, score 0) when a reply has no ``ACTION:`` or an empty one, and when the same
        reply comes three times in a row (checked from the fourth reply on, before the goal, as
        upstream). ``task_limit`` (truncated, score 0) after ``max_turns`` (35) replies. A
        command the game rejects only costs a turn. An engine failure is ``task_error``.

    Score & metrics:
        Score 1 when the goal is reached, else 0. ``metrics``: ``success``, ``task_type``
        (AgentBench's category key), ``steps``. ``task_metrics``: ``main`` = success rate
        (AgentBench's SR) and the success rate per task type.

    Arguments:
        ``split`` ("dev", 20 games; "test", 50), ``data_dir`` (AgentBench's ``data/alfworld``
        folder with ``<split>.json``, or an ALFWorld data root), ``game_dir`` (where game files
        are; default ``$ALFWORLD_DATA``, then ``data_dir`` and its parent), ``phrasing`` of the
        built-in games ("agentbench": ``put X in/on Y``; "alfworld": ``move X to Y``),
        ``backend``, ``max_turns`` (35), ``render_mode`` ("ansi").

    Backends:
        "warm" (default): ALFWorld's engine with per-process caches (a game is translated and
        parsed once; resets rewind the planner's state; command texts are looked up; sentences
        are derived by a copy-free evaluator of TextWorld's grammar), with the same
        observations, admissible commands and outcomes as the engine as shipped (tested on
        every dev game). A translated game is also kept on disk (``$AGENTBENCH_GYM_CACHE``,
        default ``~/.cache/agentbench_gym``; ``off`` disables it), so a new process starts a
        known game in milliseconds. "reference": the engine as shipped (reloads the game on
        every reset). Both need the extra ``alfworld`` (``pip install 'agentbench-gym[alfworld]'``).

    Data:
        Built-in: 20 dev and 50 test games of our own (``generate.py``; AgentBench's per-type
        counts), all six task types, with walkthroughs computed by Fast Downward; the scripted
        solver wins every one. They are PDDL problems for ALFWorld's own domain and grammar
        (taken from the installed alfworld wheel), sampled from our room tables rather than
        derived from ALFRED's AI2-THOR scenes: smaller rooms (9-19 receptacles and 11-23
        objects), one location per receptacle, no sliced or nested objects, and our own
        receptacle-content rules. Upstream: AgentBench's split lists (``dev.json``,
        ``standard.json``, ...) and ALFWorld's ``game.tw-pddl`` files, found under
        ``$ALFWORLD_DATA`` as alfworld does (``data.py``); ``split="valid_unseen"`` etc. walks an
        ALFWorld data tree directly.

    Registered ids:
        ``AgentBench/HH-v0``.

    Version history:
        v0: AgentBench v0.2 protocol (max_step 35, one-shot example, BLEU action mapping).
    """

    task: ClassVar[str] = "HH"
    default_max_turns: ClassVar[int | None] = 35
    splits: ClassVar[tuple[str, ...]] = ("dev", "test")
    backends: ClassVar[tuple[str, ...]] = ("warm", "reference")
    oracle: ClassVar[str] = "agentbench_gym.envs.household.oracle:HouseholdOracle"
    reply_examples: ClassVar[tuple[str, ...]] = (
        "ACTION: look", "ACTION: inventory", "THOUGHT: I need to find the object first.\n ACTION: go to countertop 1",
        "ACTION: go to cabinet 1", "ACTION: open cabinet 1", "ACTION: take mug 1 from countertop 1",
        "ACTION: put mug 1 in/on shelf 1", "ACTION: move mug 1 to shelf 1", "ACTION: heat apple 1 with microwave 1",
        "ACTION: use desklamp 1", "ACTION: examine drawer 1", "ACTION: help",
    )
    repeat_limit: ClassVar[int | None] = 3
    repeat_outcome: ClassVar[Outcome] = Outcome.INVALID_ACTION

    def __init__(self, *, game_dir: str | None = None, phrasing: str = "agentbench", **kwargs: Any) -> None:
        """See the class docstring for the arguments."""
        if phrasing not in PHRASINGS:
            raise ValueError(f"phrasing must be one of {PHRASINGS}, got {phrasing!r}")
        self.game_dir, self.phrasing = game_dir, phrasing
        self._records: dict[str, Mapping[str, Any]] = {}
        self._engine: WarmEngine | ReferenceEngine | None = None
        super().__init__(**kwargs)
        require_engine()  # a missing extra raises MissingExtra here, never mid-episode
        self._admissible: tuple[str, ...] = ()
        self._observation_text = ""
        self._command: str | None = None

    # ------------------------------------------------------------------ hooks
    def _load_samples(self, split: str, data_dir: str | None) -> Sequence[HouseholdSample]:
        if data_dir is not None:
            return load_upstream(data_dir, split, self.game_dir)
        samples, records = load_builtin(builtin_file("agentbench_gym.envs.household", f"{split}.jsonl"), split)
        self._records = {s.source: r for s, r in zip(samples, records, strict=True)}
        return samples

    def _start(self, sample: HouseholdSample) -> tuple[str, list[Message]]:
        key, game = self._game(sample)
        if self._engine is None:
            self._engine = WarmEngine() if self.backend == "warm" else ReferenceEngine()
        try:
            first = self._engine.start(key, game)
        except Exception:
            self._drop_engine()
            raise
        self._admissible, self._command = first.admissible, None
        opening = "\n".join(first.feedback.split("\n\n")[1:])  # upstream drops the banner
        observation = prompts.TASK_HEADER + opening + available_actions(first.admissible)
        self._observation_text = observation
        return observation, self._prefix(sample)

    def _turn(self, reply: str) -> TurnResult:
        sample: HouseholdSample = self._sample
        action = extract_action(reply)
        if not action:
            self._command = None
            failed = episode_metrics(sample, False, self._turn_count)
            return TurnResult(INVALID_REPLY, Outcome.INVALID_ACTION, 0.0, failed)
        self._command = snap_action(action, self._admissible)
        try:
            result = self._engine.step(self._command)
        except Exception:
            self._drop_engine()  # a failed engine is not reused: the re-run gets a fresh one
            raise
        self._admissible = result.admissible
        observation = strip_arrival(result.feedback) + available_actions(result.admissible)
        self._observation_text = observation
        if self._repeating():  # upstream checks repetition before the goal
            failed = episode_metrics(sample, False, self._turn_count)
            return TurnResult(REPEATED_REPLY, Outcome.INVALID_ACTION, 0.0, failed)
        if result.won:
            return TurnResult(observation, Outcome.COMPLETED, 1.0, episode_metrics(sample, True, self._turn_count))
        return TurnResult(observation, Outcome.RUNNING, metrics=episode_metrics(sample, False, self._turn_count))

    def _repeating(self) -> bool:
        # Upstream: once more than three steps are logged, the last three raw outputs are equal.
        return len(self._replies) > 3 and len(set(self._replies[-3:])) == 1

    def _step_info(self) -> dict[str, Any]:
        sample: HouseholdSample | None = self._sample
        info: dict[str, Any] = {
            "admissible_commands": list(self._admissible),
            "observation_in_history": self._observation_text.split("AVAILABLE ACTIONS")[0],
        }
        if sample is not None:
            info["task_type"] = sample.category
        if self._command is not None:
            info["command"] = self._command
        return info

    def close(self) -> None:
        """End the episode and unload the engine's library copy."""
        super().close()
        self._drop_engine()

    def _drop_engine(self) -> None:
        engine, self._engine = self._engine, None
        if engine is not None:
            try:
                engine.close()
            except Exception:  # closing a broken engine must not hide the original failure
                logger.exception("household: closing the engine failed")

    # ----------------------------------------------------------------- public
    def plan(self) -> list[str]:
        """A winning command sequence from the current state, by the engine's planner (for oracles)."""
        if self._engine is None:
            raise RuntimeError("call reset() first")
        return self._engine.plan()

    @classmethod
    def backend_status(cls) -> dict[str, str | None]:
        """Both backends need the ``alfworld`` extra."""
        reason = engine_available()
        return {name: reason for name in cls.backends}

    @classmethod
    def task_metrics(cls, episodes: Sequence[Mapping[str, Any]]) -> dict[str, float]:
        """AgentBench's success rate (``main``) and the success rate per task type."""
        return success_rates(episodes)

    # ---------------------------------------------------------------- helpers
    def _game(self, sample: HouseholdSample) -> tuple[str, Mapping[str, Any]]:
        record = self._records.get(sample.source)
        if record is None:
            return sample.source, load_game(sample.source)
        key = f"{sample.source}:{self.phrasing}"
        return key, load_game(key, builtin=assemble(record, self.phrasing))

    @staticmethod
    def _prefix(sample: HouseholdSample) -> list[Message]:
        example = list(prompts.EXAMPLES[prompts.EXAMPLE_KEYS[sample.category]])
        example[0] = prompts.EXAMPLE_HEADER + example[0]
        messages: list[Message] = [{"role": "user", "content": prompts.INSTRUCTION},
                                   {"role": "assistant", "content": prompts.ACKNOWLEDGEMENT}]
        for index, content in enumerate(example):
            messages.append({"role": "user" if index % 2 == 0 else "assistant", "content": content})
        return messages
