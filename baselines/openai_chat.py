"""OpenAIChatPolicy: any OpenAI-compatible chat (or completions) endpoint as a policy, over httpx."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
from collections.abc import Generator, Mapping, Sequence
from typing import Any

from agentbench_gym.baselines.chat_base import ChatPolicyBase

from agentbench_gym.errors import AgentError, ContextLimitExceeded, MissingExtra

logger = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.openai.com/v1"
RETRY_STATUSES = frozenset({408, 409, 425, 429})  # plus every 5xx
_CONTEXT_SUBJECTS = ("prompt", "context", "tokens")
_CONTEXT_VERBS = ("limit", "exceed", "max", "long", "much", "many", "reach", "over", "up", "beyond")


def looks_like_context_limit(text: str) -> bool:
    """AgentBench's test of an API error body: one of {prompt, context, tokens} and one of
    {limit, exceed, max, long, much, many, reach, over, up, beyond}, as substrings, any case."""
    low = text.lower()
    return any(word in low for word in _CONTEXT_SUBJECTS) and any(word in low for word in _CONTEXT_VERBS)


class _Retry(Exception):
    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


def _httpx():
    try:
        import httpx
    except ImportError as exc:
        raise MissingExtra("openai", "OpenAIChatPolicy", exc) from exc
    return httpx


class OpenAIChatPolicy(ChatPolicyBase):
    """A chat-completions model behind an OpenAI-compatible HTTP API (OpenAI, vLLM, llama.cpp, ...).

    Greedy by default (temperature 0, 512 new tokens: AgentBench's settings). Timeouts, connection
    errors, malformed bodies, 408/409/425/429 and 5xx are retried with exponential backoff
    (``backoff * 2**k`` seconds, at least the server's ``Retry-After``, at most ``max_backoff``);
    after the last retry ``act`` raises ``AgentError``, which ``play_episode`` turns into the
    ``agent_error`` outcome (re-run, never scored). Other errors are not retried: an error body
    that reads like a context-length refusal (AgentBench's word test) raises
    ``ContextLimitExceeded`` (the ``context_limit`` outcome), anything else ``AgentError``.

    Args:
        model: the model name sent in each request.
        base_url: API root (default ``$OPENAI_BASE_URL``, else OpenAI's).
        api_key: bearer token (default ``$OPENAI_API_KEY``; none sent when both are unset).
        temperature, max_tokens, stop: decoding (``stop``: a string or a list of strings).
        timeout: seconds per request (AgentBench: 120).
        max_retries: retries after the first attempt (AgentBench: 3 attempts in all, so 2; its
            waits are 2 s then 3 s, ours grow exponentially as the issue asks).
        backoff, max_backoff: the retry delays, in seconds.
        endpoint: ``"chat"`` (``/chat/completions``) or ``"completions"`` (``/completions`` with the
            non-chat prompt: ``info["prompt"]`` from ``NonChatPrompt``, else rendered the same way).
        extra_body: more JSON fields for every request (e.g. ``{"top_p": 1}``).
        headers: more HTTP headers.
        upstream_context_check: apply the context-limit word test to every error status, as
            AgentBench does (it then reads e.g. "Rate limit reached for tokens" on a 429 as a
            context limit); by default only to errors that are not retried.
        history_tokens, count_tokens: see ``ChatPolicyBase``.
        name: the agent's name in records (default the model).

    Concurrency: with the chat wrappers (``info["messages"]``) one instance can serve many
    episodes at once through ``aact``; on bare envs the policy keeps each episode's history
    itself, so use one instance per concurrent episode.
    """

    def __init__(self, model: str, base_url: str | None = None, api_key: str | None = None, *,
                 temperature: float = 0.0, max_tokens: int | None = 512,
                 stop: str | Sequence[str] | None = None, timeout: float = 120.0, max_retries: int = 2,
                 backoff: float = 1.0, max_backoff: float = 30.0, endpoint: str = "chat",
                 extra_body: Mapping[str, Any] | None = None, headers: Mapping[str, str] | None = None,
                 upstream_context_check: bool = False, history_tokens: int | None = 3500,
                 count_tokens: Any = None, name: str | None = None) -> None:
        """Configure the policy; no request is made until ``act``."""
        _httpx()
        if endpoint not in ("chat", "completions"):
            raise ValueError(f"endpoint must be 'chat' or 'completions', got {endpoint!r}")
        if max_retries < 0 or timeout <= 0 or backoff < 0:
            raise ValueError("max_retries and backoff must be >= 0 and timeout > 0")
        super().__init__(history_tokens=history_tokens, count_tokens=count_tokens)
        self.model = model
        self.name = name or model
        self.base_url = (base_url or os.environ.get("OPENAI_BASE_URL") or DEFAULT_BASE_URL).rstrip("/")
        key = api_key if api_key is not None else os.environ.get("OPENAI_API_KEY")
        self.headers = {"Content-Type": "application/json", **(headers or {})}
        if key:
            self.headers["Authorization"] = f"Bearer {key}"
        self.endpoint = endpoint
        self.url = f"{self.base_url}/{'chat/completions' if endpoint == 'chat' else 'completions'}"
        self.body: dict[str, Any] = {"model": model, "temperature": temperature, **(extra_body or {})}
        if max_tokens is not None:
            self.body["max_tokens"] = max_tokens
        if stop:
            self.body["stop"] = [stop] if isinstance(stop, str) else list(stop)
        self.timeout = timeout
        self.max_retries = max_retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.upstream_context_check = upstream_context_check
        self._client: Any = None
        self._async_clients: dict[int, Any] = {}

    # ------------------------------------------------------------- requests
    def request_body(self, observation: str, info: Mapping[str, Any]) -> dict[str, Any]:
        """The JSON body of this turn's request."""
        if self.endpoint == "chat":
            return {**self.body, "messages": self.messages_for(observation, info)}
        return {**self.body, "prompt": self.prompt_for(observation, info)}

    def act(self, observation: str, info: Mapping[str, Any]) -> str:
        """Ask the model for the next reply (blocking); see the class docstring for failures."""
        httpx = _httpx()
        if self._client is None:
            self._client = httpx.Client(timeout=self.timeout)
        body = self.request_body(observation, info)
        exchange = self._exchange()
        request = next(exchange)
        while True:
            answer: Any = None
            if request is None:
                try:
                    answer = self._client.post(self.url, content=_encode(body), headers=self.headers)
                except httpx.TransportError as exc:  # timeouts, refused or reset connections
                    answer = exc
            else:
                time.sleep(request)
            try:
                request = exchange.send(answer)
            except StopIteration as stop:
                return self.remember(stop.value)

    async def aact(self, observation: str, info: Mapping[str, Any]) -> str:
        """Async ``act``: one ``httpx.AsyncClient`` per event loop, shared by concurrent episodes."""
        httpx = _httpx()
        loop_id = id(asyncio.get_running_loop())
        client = self._async_clients.get(loop_id)
        if client is None:
            client = self._async_clients[loop_id] = httpx.AsyncClient(timeout=self.timeout)
        body = self.request_body(observation, info)
        exchange = self._exchange()
        request = next(exchange)
        while True:
            answer: Any = None
            if request is None:
                try:
                    answer = await client.post(self.url, content=_encode(body), headers=self.headers)
                except httpx.TransportError as exc:
                    answer = exc
            else:
                await asyncio.sleep(request)
            try:
                request = exchange.send(answer)
            except StopIteration as stop:
                return self.remember(stop.value)

    def _exchange(self) -> Generator[float | None, Any, str]:
        """The retry loop as a generator: yields None to send the request or a delay to sleep.

        It is sent the response (or the transport exception) of each attempt and returns the
        reply; the sync and async drivers share it.
        """
        last, retry_after = "", None
        for attempt in range(self.max_retries + 1):
            if attempt:
                delay = min(self.max_backoff, self.backoff * 2 ** (attempt - 1))
                yield max(delay, min(retry_after or 0.0, self.max_backoff))
            answer = yield None
            try:
                return self._reply(answer)
            except _Retry as exc:
                last, retry_after = str(exc), exc.retry_after
                logger.warning("%s: attempt %d/%d failed: %s", self.model, attempt + 1,
                               self.max_retries + 1, last)
        raise AgentError(f"{self.model}: no reply after {self.max_retries + 1} attempts; last error: {last}")

    def _reply(self, answer: Any) -> str:
        if isinstance(answer, BaseException):
            kind = "timeout" if "Timeout" in type(answer).__name__ else "connection error"
            raise _Retry(f"{kind}: {type(answer).__name__}: {answer}")
        status, text = answer.status_code, answer.text
        if status != 200:
            retryable = status in RETRY_STATUSES or status >= 500
            if (self.upstream_context_check or not retryable) and looks_like_context_limit(text):
                raise ContextLimitExceeded(f"{self.model}: HTTP {status}: {text[:500]}")
            if retryable:
                raise _Retry(f"HTTP {status}: {text[:200]}", _retry_after(answer.headers))
            raise AgentError(f"{self.model}: HTTP {status} (not retried): {text[:500]}")
        try:
            choice = json.loads(text)["choices"][0]
            content = choice["message"]["content"] if self.endpoint == "chat" else choice["text"]
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            raise _Retry(f"malformed response ({type(exc).__name__}): {text[:200]}") from exc
        return "" if content is None else str(content)

    def close(self) -> None:
        """Close the HTTP connections of the sync client (async clients close with their loop)."""
        if self._client is not None:
            self._client.close()
            self._client = None

    async def aclose(self) -> None:
        """Close the async client of the running event loop."""
        client = self._async_clients.pop(id(asyncio.get_running_loop()), None)
        if client is not None:
            await client.aclose()


def _encode(body: dict[str, Any]) -> bytes:
    # ASCII escapes: any str the env produced (lone surrogates included) makes valid JSON bytes;
    # httpx's own json= encoding raises UnicodeEncodeError on them.
    return json.dumps(body).encode("ascii")


def _retry_after(headers: Mapping[str, str]) -> float | None:
    try:
        return float(headers.get("retry-after", ""))
    except ValueError:
        return None
