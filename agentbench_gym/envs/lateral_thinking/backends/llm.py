"""The LLM judge: AgentBench's host protocol over an OpenAI-compatible chat-completions API.

Per question, as AgentBench does: the host answers (primed with story, truth, keys and rules,
plus what is known so far); on yes/no the host restates the question as a statement (negated on
no); once two statements pile up it merges them; then each remaining key point no longer than
the question is checked with "does Sentence 2 contain all info of Sentence 1?" and the first yes
uncovers it. Transport: stdlib HTTP with a timeout and retries with backoff; a call that fails
for good raises ``JudgeError`` (the env turns it into ``task_error``).
"""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.request
from collections.abc import Sequence

from agentbench_gym.core import Message
from agentbench_gym.envs.lateral_thinking.backends.base import HostReply
from agentbench_gym.envs.lateral_thinking.data import Puzzle, strip_numbering
from agentbench_gym.envs.lateral_thinking.prompts import PROMPTS, Prompter
from agentbench_gym.errors import AgentBenchError

DEFAULT_MODEL = "gpt-3.5-turbo-0613"  # AgentBench's hard-coded host
DEFAULT_BASE_URL = "https://api.openai.com/v1"


class JudgeError(AgentBenchError, RuntimeError):
    """The judge's API failed after every retry."""


class ChatClient:
    """A minimal OpenAI-compatible chat-completions client (greedy, temperature 0).

    Args:
        base_url: API root such as ``http://127.0.0.1:8000/v1`` (default ``$OPENAI_BASE_URL``).
        model: model name (default AgentBench's host, ``gpt-3.5-turbo-0613``).
        api_key: bearer token (default ``$OPENAI_API_KEY``; may be empty for local servers).
        timeout: seconds per HTTP request.
        retries: extra attempts after a failed request (backoff 0.5 s, 1 s, 2 s, ...).
    """

    def __init__(self, base_url: str | None = None, model: str | None = None, api_key: str | None = None,
                 *, timeout: float = 60.0, retries: int = 3, backoff: float = 0.5) -> None:
        """Store the settings; nothing is contacted until the first call."""
        self.base_url = (base_url or os.environ.get("OPENAI_BASE_URL") or DEFAULT_BASE_URL).rstrip("/")
        self.model = model or DEFAULT_MODEL
        self.api_key = api_key if api_key is not None else os.environ.get("OPENAI_API_KEY", "")
        self.timeout, self.retries, self.backoff = timeout, retries, backoff
        self.calls = 0

    def chat(self, messages: list[Message]) -> str:
        """Return the assistant's reply to ``messages``; ``JudgeError`` after the last retry."""
        # ASCII JSON: lone surrogates in a reply travel as escapes instead of breaking UTF-8.
        body = json.dumps({"model": self.model, "messages": messages, "temperature": 0}).encode("ascii")
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        last: Exception | None = None
        attempts = 0
        for attempt in range(self.retries + 1):
            attempts += 1
            if attempt:
                time.sleep(self.backoff * 2 ** (attempt - 1))
            request = urllib.request.Request(f"{self.base_url}/chat/completions", body, headers, method="POST")
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    payload = json.loads(response.read().decode("utf-8"))
                self.calls += 1
                text = payload["choices"][0]["message"]["content"]
                return text if isinstance(text, str) else ""
            except urllib.error.HTTPError as exc:
                last = exc
                if exc.code < 500 and exc.code not in (408, 409, 429):
                    break  # a client error will not go away by retrying
            except (OSError, ValueError, KeyError, IndexError, TypeError) as exc:
                last = exc
        raise JudgeError(f"judge API {self.base_url} failed after {attempts} attempt(s): {last}")


def _clean_key(line: str) -> str:
    """AgentBench drops a leading '1.' / '12.' / '-' token from key lines before comparing."""
    line = line.strip()
    if (len(line) > 1 and line[1] == ".") or (len(line) > 2 and line[2] == ".") or line.startswith("-"):
        return " ".join(line.split(" ")[1:])
    return line


class LLMJudge:
    """AgentBench's LLM host (see the module docstring); ``client`` is a ``ChatClient``."""

    def __init__(self, client: ChatClient) -> None:
        """Wrap the chat client."""
        self.client = client
        self._puzzle: Puzzle | None = None
        self._prompter: Prompter = PROMPTS["en"]
        self._priming: list[Message] = []
        self._known: list[str] = []
        self._reasoning: list[str] = []
        self._key_lines: list[str] = []

    def start(self, puzzle: Puzzle) -> None:
        """Prime a fresh host conversation for ``puzzle`` (no API call yet)."""
        self._puzzle = puzzle
        self._prompter = PROMPTS.get(puzzle.language, PROMPTS["en"])
        story_key = "\n".join(puzzle.story_keys)
        answer_key = "\n".join(puzzle.answer_key_lines)
        self._priming = self._prompter.host_instruction(puzzle.story, puzzle.truth, story_key, answer_key)
        self._known, self._reasoning = [], []
        # The raw key lines, aligned with puzzle.key_points, cleaned the way AgentBench does.
        self._key_lines = [line for line in puzzle.answer_key_lines if strip_numbering(line)]

    def ask(self, question: str, remaining: Sequence[int]) -> HostReply:
        """Run AgentBench's host round for one question."""
        if self._puzzle is None:
            raise RuntimeError("LLMJudge.ask before start")
        p = self._prompter
        answer = self.client.chat([*self._priming, *p.host_question(self._known, question)]).strip()
        if p.says_yes(answer):
            verdict = "yes"
        elif p.says_no(answer):
            verdict = "no"
        else:
            return HostReply(answer, "irrelevant" if "irrelevant" in answer.lower() or "无关" in answer else "other")
        summary = self._one(p.summary(question, opposite=verdict == "no"))
        self._known.append(summary)
        self._reasoning.append(summary)
        merged = self._one(p.simplify(self._reasoning)) if len(self._reasoning) >= 2 else summary
        length = len(question.replace("?", ""))
        for index in remaining:
            key = _clean_key(self._key_lines[index])
            if not key or length < len(key):
                continue  # AgentBench only checks key points no longer than the question
            if p.says_yes(self._one(p.compare(key, merged))):
                self._reasoning = []
                return HostReply(answer, verdict, index)
        return HostReply(answer, verdict)

    def _one(self, prompt: str) -> str:
        return self.client.chat([{"role": "user", "content": prompt}]).strip()

    def close(self) -> None:
        """Forget the game."""
        self._puzzle = None
