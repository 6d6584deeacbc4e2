"""OpenAIChatPolicy end to end over real HTTP against the local test server, faults included."""

from __future__ import annotations

import asyncio
import re
import time

import pytest
from agentbench_gym.baselines import OpenAIChatPolicy, make_policy
from agentbench_gym.baselines.openai_chat import looks_like_context_limit
from agentbench_gym.wrappers import ChatHistory, HistoryTruncation, NonChatPrompt
from fake_env import ACK, INSTRUCTION, EchoEnv

from agentbench_gym import Outcome
from agentbench_gym.episode import aplay_episode, play_episode
from agentbench_gym.errors import AgentError, ContextLimitExceeded

pytest.importorskip("httpx", reason="OpenAIChatPolicy needs the 'openai' extra (httpx)")

CONTEXT_400 = ('{"error": {"message": "This model\'s maximum context length is 4097 tokens. However, '
               'your messages resulted in 5000 tokens.", "type": "invalid_request_error"}}')


def solver(body):
    """Answers the echo task's word, found in the conversation."""
    text = body.get("prompt") or "\n".join(m["content"] for m in body["messages"])
    match = re.search(r"The word is (\w+)", text)
    return f"answer {match.group(1)}" if match else "say hmm"


def policy_for(server, **opts):
    opts.setdefault("backoff", 0.01)
    return OpenAIChatPolicy("test-model", base_url=server.base_url, api_key="sk-test", **opts)


def test_plays_an_episode_end_to_end(openai_server):
    openai_server.responder = solver
    env = ChatHistory(EchoEnv())
    record = play_episode(env, policy_for(openai_server), options={"sample": 2})
    assert (record.outcome, record.score, record.agent) == ("completed", 1.0, "test-model")
    (body,) = openai_server.requests
    assert body["model"] == "test-model" and body["temperature"] == 0 and body["max_tokens"] == 512
    assert body["messages"] == [{"role": "user", "content": INSTRUCTION},
                                {"role": "assistant", "content": ACK},
                                {"role": "user", "content": "The word is cherry. What do you say?"}]
    assert openai_server.headers[0]["Authorization"] == "Bearer sk-test"


def test_environment_variables_and_decoding_options(openai_server, monkeypatch):
    monkeypatch.setenv("OPENAI_BASE_URL", openai_server.base_url)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-env")
    policy = make_policy("openai:env-model", temperature=0.7, max_tokens=64, stop="\nUSER:",
                         extra_body={"top_p": 0.5})
    assert policy.act("hi", {"prefix": []}) == "ok"
    body = openai_server.requests[0]
    assert (body["model"], body["temperature"], body["max_tokens"], body["stop"], body["top_p"]) == (
        "env-model", 0.7, 64, ["\nUSER:"], 0.5)
    assert openai_server.headers[0]["Authorization"] == "Bearer sk-env"


def test_keeps_and_truncates_its_own_history_on_a_bare_env(openai_server):
    openai_server.push("say a", "say b", "answer apple")
    record = play_episode(EchoEnv(), policy_for(openai_server), options={"sample": 0})
    assert record.outcome == "completed"
    assert openai_server.requests[2]["messages"] == record.messages[:-2]
    openai_server.push("say " + "la " * 30, "answer apple")
    play_episode(EchoEnv(), policy_for(openai_server, history_tokens=100), options={"sample": 0})
    # 23 (instruction) + 33 + 31 + 10 = 97 < 100 keeps back to the first observation, + 14 (ACK)
    # stops; the first observation (a user message) is then dropped: 2 omitted.
    sent = openai_server.requests[-1]["messages"]
    assert sent[0]["content"].endswith("to finish.\n\n[NOTICE] 2 messages are omitted.")
    assert [m["role"] for m in sent] == ["user", "assistant", "user"]


def test_retries_every_transient_fault_then_succeeds(openai_server):
    openai_server.push({"status": 500}, {"status": 429, "retry_after": "0"}, {"malformed": True},
                       {"missing_choices": True}, {"reset": True}, {"status": 503}, "answer apple")
    policy = policy_for(openai_server, max_retries=6)
    assert policy.act("The word is apple.", {"prefix": []}) == "answer apple"
    assert len(openai_server.requests) == 7


def test_slow_response_times_out_and_is_retried(openai_server):
    openai_server.push({"delay": 1.5, "reply": "late"}, "on time")
    policy = policy_for(openai_server, timeout=0.3, max_retries=1)
    started = time.perf_counter()
    assert policy.act("x", {"prefix": []}) == "on time"
    assert time.perf_counter() - started < 1.4


def test_backoff_grows_and_respects_retry_after(openai_server):
    openai_server.push({"status": 500}, {"status": 502}, "ok")
    started = time.perf_counter()
    policy_for(openai_server, backoff=0.1, max_retries=2).act("x", {"prefix": []})
    assert time.perf_counter() - started >= 0.3  # 0.1 then 0.2
    openai_server.push({"status": 429, "retry_after": "0.4"}, "ok")
    started = time.perf_counter()
    policy_for(openai_server, backoff=0.01, max_retries=1).act("x", {"prefix": []})
    assert time.perf_counter() - started >= 0.4


def test_last_retry_failing_gives_agent_error(openai_server):
    openai_server.push("say apple", {"status": 500}, {"reset": True}, {"status": 500})
    env = EchoEnv()
    record = play_episode(env, policy_for(openai_server, max_retries=2), options={"sample": 0})
    assert record.outcome == Outcome.AGENT_ERROR and not record.scored and record.turns == 1
    assert "3 attempts" in record.error and "HTTP 500" in record.error
    assert env.outcome == Outcome.AGENT_ERROR and len(openai_server.requests) == 4


def test_context_refusal_gives_context_limit_without_retry(openai_server):
    openai_server.push({"status": 400, "body": CONTEXT_400})
    record = play_episode(EchoEnv(), policy_for(openai_server), options={"sample": 0})
    assert record.outcome == Outcome.CONTEXT_LIMIT and record.scored
    assert len(openai_server.requests) == 1


def test_other_client_errors_are_not_retried(openai_server):
    openai_server.push({"status": 401, "body": '{"error": {"message": "invalid api key"}}'})
    with pytest.raises(AgentError, match="401"):
        policy_for(openai_server).act("x", {"prefix": []})
    assert len(openai_server.requests) == 1


def test_upstream_context_check_reads_rate_limits_as_context_limits(openai_server):
    rate = '{"error": {"message": "Rate limit reached for tokens per min"}}'
    openai_server.push({"status": 429, "body": rate}, {"status": 429, "body": rate})
    with pytest.raises(AgentError):
        policy_for(openai_server, max_retries=1).act("x", {"prefix": []})
    openai_server.push({"status": 429, "body": rate})
    with pytest.raises(ContextLimitExceeded):
        policy_for(openai_server, upstream_context_check=True).act("x", {"prefix": []})


@pytest.mark.parametrize(("text", "expected"), [
    ("maximum context length is 4097 tokens", True),
    ("Prompt is too long", True),
    ("Input tokens exceed the configured limit", True),
    ("Internal server error", False),
    ("context", False),
])
def test_context_limit_word_test(text, expected):
    assert looks_like_context_limit(text) is expected


def test_completions_endpoint_sends_the_nonchat_prompt(openai_server):
    openai_server.push("say hi", "answer fig")
    env = NonChatPrompt(HistoryTruncation(EchoEnv()))
    record = play_episode(env, policy_for(openai_server, endpoint="completions"), options={"sample": 5})
    assert record.outcome == "completed" and record.score == 1.0
    prompt = openai_server.requests[1]["prompt"]
    assert prompt.startswith(f"USER: {INSTRUCTION}\n\nAGENT: {ACK}\n\n") and prompt.endswith(
        "AGENT: say hi\n\nUSER: You said: hi\n\nAGENT:")
    assert "messages" not in openai_server.requests[0]


def test_async_drives_many_episodes_at_once(openai_server):
    openai_server.responder = solver
    openai_server.push(*({"delay": 0.3, "reply": "say hmm"} for _ in range(8)))

    async def main():
        policy = policy_for(openai_server)  # shared: the wrappers hold each episode's history
        envs = [ChatHistory(EchoEnv()) for _ in range(8)]
        try:
            return await asyncio.gather(*(aplay_episode(env, policy, options={"sample": i % 6})
                                          for i, env in enumerate(envs)))
        finally:
            await policy.aclose()

    started = time.perf_counter()
    records = asyncio.run(main())
    elapsed = time.perf_counter() - started
    assert [r.outcome for r in records] == ["completed"] * 8
    assert [r.score for r in records] == [1.0] * 8
    assert elapsed < 8 * 0.3  # the slow first replies overlapped


def test_bad_arguments():
    with pytest.raises(ValueError):
        OpenAIChatPolicy("m", base_url="http://127.0.0.1:9/v1", endpoint="embeddings")
    with pytest.raises(ValueError, match="unknown policy"):
        make_policy("openai:")


def test_any_str_is_sent_as_valid_json(openai_server):
    hostile = "bad \udcff surrogate, \x00 control, " + "é" * 1000
    assert policy_for(openai_server).act(hostile, {"prefix": []}) == "ok"
    assert openai_server.requests[0]["messages"][0]["content"] == hostile
