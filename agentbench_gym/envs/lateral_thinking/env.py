"""``AgentBench/LTP-v0``: lateral-thinking puzzles with a host that answers and judges."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from agentbench_gym.core import AgentBenchEnv, Message, Outcome, TurnResult
from agentbench_gym.envs.lateral_thinking import parse
from agentbench_gym.envs.lateral_thinking.backends.base import Judge
from agentbench_gym.envs.lateral_thinking.data import Puzzle, load_builtin, load_upstream
from agentbench_gym.envs.lateral_thinking.prompts import HIT_NOTICE, PROMPTS, SOLVED_NOTICE
from agentbench_gym.envs.lateral_thinking.scoring import GameState, aggregate


class LateralThinkingEnv(AgentBenchEnv):
    """AgentBench's Lateral Thinking Puzzle task (LTP) as a Gymnasium env.

    Description:
        The agent is the solver of a situation puzzle: it reads a short, strange story and asks
        yes/no questions to uncover the hidden truth. A host that knows the truth answers each
        question ("yes", "no" or "irrelevant") and judges which of the truth's key points the
        questions have uncovered, as in AgentBench v0.2 (``src/server/tasks/ltp/task.py``).

    Observation:
        Reset: AgentBench's solver instruction (the rules, "Here is your story:", the story);
        ``info["prefix"]`` is empty. Each step: the host's reply ("Yes." / "No." /
        "Irrelevant." from the offline host, the LLM's own words with ``judge="llm"``), or one of
        AgentBench's hints ("This information is already in the story, please ask a new
        question." for a question whose BLEU-1 against a story key exceeds 0.85; "Please
        continue guessing ..." for a reply that tries to end the game). With
        ``announce_hits=True`` (default) the host adds "(You uncovered a key point of the truth:
        k of n.)" when a question uncovers one; AgentBench's host says nothing of the kind.

    Reply format:
        Free text; only the first line is the question, as upstream. A question starting with
        "why" is refused by the offline host (rule 6 of the game). ``info["verdict"]`` says how
        the reply was taken: yes, no, irrelevant, other, in_story, invalid.

    Outcomes:
        - ``completed`` (terminated): every key point uncovered (default; upstream plays on),
          or AgentBench's abort rule fired (a reply containing "new game", "Great job", ... adds
          2 to a counter and costs a turn; the game stops at 5, i.e. on the third), or the reply
          is empty. Score = progress reached.
        - ``task_limit`` (truncated): 25 rounds played (``max_turns``); score = progress reached.
        - ``task_error`` (truncated): the LLM judge's API failed after its retries (unscored).
        No reply format is invalid: a bad question costs a turn and gets "Irrelevant.".

    Score & metrics:
        Score = game progress = key points uncovered / key points (AgentBench's GP).
        ``info["metrics"]``: ``progress``, ``SGA`` (yes answers / 25), ``RE`` (1 - finish
        round / 25), ``QR`` (yes-or-no answers / 25), ``turns``, ``finished``, ``finish_round``,
        ``hints``, ``keys_found``, ``hit_keys`` (texts), ``hit_key_indices``.
        ``task_metrics``: ``main`` = GP and the means of SGA, RE and QR, as AgentBench.

    Arguments:
        judge: ``"offline"`` (default) or ``"llm"`` (alias of ``backend``).
        stop_when_solved: end the game when every key point is found (default True);
            False plays all 25 rounds as AgentBench does (RE then still uses the solve round).
        upstream_bugs: reproduce AgentBench's scoring bugs (default False): its story check
            computes BLEU over characters, its "finished" flag (RE) fires once the hits reach
            the number of key points still unfound (about half of them), and blank lines in
            an answer key count as hints.
        announce_hits: add the key-point notice to the host's reply (default True).
        embeddings: offline judge also uses MiniLM sentence embeddings (extra ``ltp-embed``).
        judge_model, judge_base_url, judge_api_key, judge_timeout, judge_retries: the LLM
            judge's API (defaults: ``gpt-3.5-turbo-0613``, ``$OPENAI_BASE_URL``,
            ``$OPENAI_API_KEY``, 60 s, 3 retries).
        split, data_dir, max_turns (25), render_mode ("ansi"), dense: as every AgentBench env.

    Backends:
        ``offline``: no network, deterministic; needs the puzzle's structured answer key (facts
        with truth values, key points with paraphrases), which only the built-in puzzles have.
        ``llm``: an OpenAI-compatible chat API prompted exactly as AgentBench's host; works on
        any puzzle, including AgentBench's own.

    Data:
        Built-in (written by this project): ``dev`` (20 puzzles) and ``test`` (50), English,
        each with a structured answer key and labelled probe questions. Upstream:
        ``data_dir`` = AgentBench's ``data`` folder (or ``lateralthinkingpuzzle``/an xlsx),
        ``split`` = ``dev`` / ``test`` (``standard.xlsx``) or ``dev-zh`` / ``test-zh``; read
        with openpyxl (extra ``ltp``). Upstream puzzles have no structured key: use
        ``judge="llm"``.

    Registered ids:
        ``AgentBench/LTP-v0``.

    Version history:
        v0: first version (AgentBench v0.2 protocol).
    """

    task: ClassVar[str] = "LTP"
    default_max_turns: ClassVar[int | None] = 25
    splits: ClassVar[tuple[str, ...]] = ("dev", "test")
    backends: ClassVar[tuple[str, ...]] = ("offline", "llm")
    oracle: ClassVar[str] = "agentbench_gym.envs.lateral_thinking.oracle:LateralThinkingOracle"
    reply_examples: ClassVar[tuple[str, ...]] = (
        "Did the man die?", "Is the woman his wife?", "Was anyone else involved?",
        "Was it an accident?\nI think it was.", "Why did he do it?", "Let's play a new game.",
        "Great job, you got it!", "Is money involved?", "Did it happen at night?",
    )

    def __init__(self, *, judge: str | None = None, backend: str | None = None, stop_when_solved: bool = True,
                 upstream_bugs: bool = False, announce_hits: bool = True, embeddings: bool = False,
                 judge_model: str | None = None, judge_base_url: str | None = None,
                 judge_api_key: str | None = None, judge_timeout: float = 60.0, judge_retries: int = 3,
                 **kwargs: Any) -> None:
        """Build the env and its judge (see the class docstring for the arguments)."""
        if judge is not None and backend is not None and judge != backend:
            raise ValueError(f"LTP: judge={judge!r} and backend={backend!r} disagree; pass one")
        super().__init__(backend=judge or backend, **kwargs)
        self.stop_when_solved = stop_when_solved
        self.upstream_bugs = upstream_bugs
        self.announce_hits = announce_hits
        self.judge: Judge
        if self.backend == "llm":
            from agentbench_gym.envs.lateral_thinking.backends.llm import ChatClient, LLMJudge

            self.judge = LLMJudge(ChatClient(judge_base_url, judge_model, judge_api_key,
                                             timeout=judge_timeout, retries=judge_retries))
        else:
            unstructured = [p.id for p in self.samples if not p.structured]
            if unstructured:
                raise ValueError(
                    f"LTP: the offline judge needs a structured answer key (facts and key points), which "
                    f"puzzles {unstructured[:5]} do not have (AgentBench's xlsx puzzles never do); "
                    "use judge='llm'")
            from agentbench_gym.envs.lateral_thinking.backends.offline import OfflineJudge

            self.judge = OfflineJudge(embeddings=embeddings)
        self._game = GameState(hints=1, rounds=self.max_turns or 25)
        self._verdict = ""

    # ----------------------------------------------------------------- hooks
    def _load_samples(self, split: str, data_dir: str | None) -> Sequence[Puzzle]:
        if data_dir is not None:
            return load_upstream(data_dir, split)
        return load_builtin(split)

    def _start(self, sample: Puzzle) -> tuple[str, list[Message]]:
        hints = len(sample.answer_key_lines) if self.upstream_bugs else len(sample.key_points)
        self._game = GameState(hints=max(1, hints), rounds=self.max_turns or 25)
        self._verdict = ""
        self.judge.start(sample)
        return self._prompter.solver_instruction(sample.story), []

    def _turn(self, reply: str) -> TurnResult:
        game, puzzle, prompter = self._game, self._sample, self._prompter
        if not reply:
            # AgentBench stops the game on empty content and records it as completed.
            self._verdict = "empty"
            return self._end("", Outcome.COMPLETED)
        question = parse.question_of(reply)
        if not prompter.is_valid(question):
            self._verdict = "invalid"
            game.abort += 2
            if game.abort >= 5:
                return self._end(prompter.hint_invalid, Outcome.COMPLETED)
            return self._running(prompter.hint_invalid)
        if parse.restates_story(question, puzzle.story_keys, char_level=self.upstream_bugs):
            self._verdict = "in_story"
            return self._running(prompter.hint_in_story)
        remaining = [i for i in range(len(puzzle.key_points)) if i not in game.found]
        answer = self.judge.ask(question, remaining)
        self._verdict = answer.verdict
        game.correct += answer.verdict == "yes"
        game.relevance += answer.verdict in ("yes", "no")
        text = answer.text
        if answer.hit is not None and answer.hit in remaining:
            game.found.append(answer.hit)
            if self.announce_hits:
                text += HIT_NOTICE[prompter.lang].format(found=len(game.found), total=len(puzzle.key_points))
        self._update_finish(remaining_before=len(remaining))
        if self.stop_when_solved and len(game.found) == len(puzzle.key_points):
            if self.announce_hits:
                text += SOLVED_NOTICE[prompter.lang].format(truth=puzzle.truth)
            return self._end(text, Outcome.COMPLETED)
        return self._running(text)

    def _on_limit(self, last: TurnResult, outcome: Outcome) -> TurnResult:
        # The progress reached survives the limit: AgentBench scores TLE games the same way.
        return self._end(last.observation, outcome)

    def _release(self) -> None:
        judge = getattr(self, "judge", None)
        if judge is not None:
            judge.close()

    def _step_info(self) -> dict[str, Any]:
        return {"verdict": self._verdict, "keys_found": len(self._game.found),
                "progress": self._game.progress}

    @property
    def found_keys(self) -> tuple[int, ...]:
        """Indices of the key points uncovered so far in this episode (for solvers and tests)."""
        return tuple(self._game.found)

    # -------------------------------------------------------------- helpers
    @property
    def _prompter(self):
        language = getattr(self._sample, "language", "en")
        return PROMPTS.get(language, PROMPTS["en"])

    def _update_finish(self, remaining_before: int) -> None:
        game = self._game
        if game.finish_round is not None:
            return
        if self.upstream_bugs:
            # AgentBench: `bingo >= len(answer_key)` after the hit key was removed from the list.
            unfound = len(self._sample.answer_key_lines) - len(game.found)
            done = len(game.found) >= unfound
        else:
            done = len(game.found) == len(self._sample.key_points)
        if done:
            game.finish_round = self._turn_count

    def _running(self, text: str) -> TurnResult:
        return TurnResult(text, Outcome.RUNNING, progress=self._game.progress)

    def _end(self, text: str, outcome: Outcome) -> TurnResult:
        keys = [k.text for k in self._sample.key_points]
        return TurnResult(text, outcome, score=self._game.progress,
                          metrics=self._game.metrics(self._turn_count, keys), progress=self._game.progress)

    @classmethod
    def task_metrics(cls, episodes: Sequence[Mapping[str, Any]]) -> dict[str, float]:
        """AgentBench's LTP aggregate: main = GP (mean progress), plus mean SGA, RE and QR."""
        return aggregate(episodes)

    @classmethod
    def backend_status(cls) -> dict[str, str | None]:
        """offline always works (its embeddings need ``ltp-embed``); llm needs an API to talk to."""
        llm = None if (os.environ.get("OPENAI_BASE_URL") or os.environ.get("OPENAI_API_KEY")) else (
            "set OPENAI_BASE_URL (and OPENAI_API_KEY) or pass judge_base_url=... to gym.make")
        from agentbench_gym.envs.lateral_thinking.backends.offline import embeddings_available

        return {"offline": None, "offline (embeddings=True)": embeddings_available(), "llm": llm}
