"""The LLM judge against a real local OpenAI-compatible HTTP server started by the test."""

from __future__ import annotations

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import gymnasium as gym
import pytest

import agentbench_gym  # noqa: F401  (registers the ids)
from agentbench_gym.core import Outcome
from agentbench_gym.envs.lateral_thinking.backends.llm import ChatClient, JudgeError

STOP = {"the", "a", "an", "was", "is", "did", "does", "he", "she", "it", "his", "her", "that", "this"}


def _content_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]+", text.lower()) if w not in STOP and len(w) > 2}


class RuleHost:
    """A tiny deterministic 'LLM' that plays AgentBench's host from the prompts it receives."""

    def reply(self, messages: list[dict]) -> str:
        last = messages[-1]["content"]
        if last.startswith("Please compare"):
            key = re.search(r"Sentence 1: (.*)\nSentence 2:", last).group(1)
            merged = last.rsplit("Sentence 2: ", 1)[1]
            need = _content_words(key)
            return "Yes." if need and len(need & _content_words(merged)) >= 0.6 * len(need) else "No."
        if last.startswith("Please restate") and "opposite" in last:
            return "It is not the case that " + last.split("\n", 1)[1].rstrip("?") + "."
        if last.startswith("Please restate"):
            return last.split("\n", 1)[1].rstrip("?") + "."
        if last.startswith("Please simplify"):
            return last.split("\n", 1)[1]
        question = last.split("\nPlease answer with", 1)[0]
        found = re.search(r"Your truth is: '(.*?)'\n", messages[0]["content"], re.S)
        if found is None:
            return "Hello."
        truth = found.group(1)
        if "weather" in question:
            return "Irrelevant."
        return "Yes." if _content_words(question) & _content_words(truth) else "No, that is not it."


class Server:
    """ThreadingHTTPServer serving /v1/chat/completions; ``mode`` can make it fail."""

    def __init__(self) -> None:
        self.host = RuleHost()
        self.requests: list[dict] = []
        self.mode = "ok"
        self.delay = 0.0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep pytest output clean
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                outer.requests.append({"path": self.path, "body": body, "auth": self.headers.get("Authorization")})
                if outer.mode == "500":
                    self.send_response(500)
                    self.end_headers()
                    return
                if outer.mode == "400":
                    self.send_response(400)
                    self.end_headers()
                    return
                if outer.mode == "slow":
                    time.sleep(outer.delay)  # longer than the client's timeout
                text = outer.host.reply(body["messages"])
                data = json.dumps({"choices": [{"message": {"role": "assistant", "content": text}}]}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                try:
                    self.wfile.write(data)
                except OSError:  # the client gave up (timeout test)
                    pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture()
def server():
    with Server() as s:
        yield s


@pytest.fixture()
def ltp_dir(shared_data):
    pytest.importorskip("openpyxl")
    return shared_data / "agentbench" / "ltp"


def make(server, **kwargs):
    return gym.make("AgentBench/LTP-v0", judge="llm", judge_base_url=server.url, judge_api_key="sk-test",
                    judge_retries=1, **kwargs)


def test_llm_judge_plays_agentbench_protocol_on_upstream_puzzle(server, ltp_dir):
    env = make(server, data_dir=str(ltp_dir), split="dev")
    obs, info = env.reset(options={"sample": 0})
    assert "Here is your story:" in obs and "Linzhen" in obs
    question = "Did he have an eye disease that he was very concerned about?"
    obs, reward, term, trunc, info = env.step(f"{question}\nignored second line")
    first = server.requests[0]
    assert first["auth"] == "Bearer sk-test" and first["path"] == "/v1/chat/completions"
    messages = first["body"]["messages"]
    assert first["body"]["temperature"] == 0 and first["body"]["model"] == "gpt-3.5-turbo-0613"
    assert len(messages) == 11 and messages[3]["content"].startswith("A person took a train")
    assert messages[5]["content"].startswith("1. Eye disease")
    assert messages[-1]["content"] == f'{question}\nPlease answer with "yes", "no", or "irrelevant".'
    assert obs.startswith("Yes.") and info["verdict"] == "yes" and not (term or trunc)
    # summary then compare calls followed the answer
    kinds = [r["body"]["messages"][-1]["content"].split(" ", 2)[1] for r in server.requests[1:]]
    assert kinds[0] == "restate"
    assert info["keys_found"] == 1 and "key point" in obs
    # the next question carries what is known so far, with the canned "Yes." in between
    env.step("Was the weather cold?")
    messages = server.requests[-1]["body"]["messages"]
    assert messages[10]["content"].startswith("Did he have an eye disease that") and messages[11]["content"] == "Yes."
    assert env.unwrapped._verdict == "irrelevant"
    env.close()


def test_llm_judge_game_reaches_task_limit_with_progress(server, ltp_dir):
    env = make(server, data_dir=str(ltp_dir), split="dev", max_turns=3)
    env.reset(options={"sample": 0})
    info = {}
    for question in ("Did he have an eye disease he was concerned about?", "Is the sky green?", "Is it raining?"):
        *_, term, trunc, info = env.step(question)
    assert trunc and info["outcome"] is Outcome.TASK_LIMIT
    assert info["score"] == pytest.approx(1 / 4) and info["metrics"]["SGA"] == pytest.approx(1 / 3)
    assert info["metrics"]["QR"] == pytest.approx(1.0)  # "No, ..." counts as relevant
    env.close()


def test_llm_judge_runs_builtin_puzzles_to_completion(server):
    env = make(server, split="dev")
    env.reset(options={"sample": 0})
    from agentbench_gym.baselines import make_policy

    policy = make_policy("scripted", env)
    obs, info, done = "", {"turn": 0}, False
    while not done:
        obs, reward, term, trunc, info = env.step(policy.act(obs, info))
        done = term or trunc
    assert info["outcome"] in (Outcome.COMPLETED, Outcome.TASK_LIMIT) and info["score"] > 0.5
    env.close()


def test_server_errors_become_task_error_after_retries(server):
    server.mode = "500"
    env = make(server, split="dev")
    env.reset(options={"sample": 1})
    *_, term, trunc, info = env.step("Did his mother send the envelopes?")
    assert trunc and info["outcome"] is Outcome.TASK_ERROR and "JudgeError" in info["error"]
    assert len(server.requests) == 2  # one try plus one retry
    env.close()


def test_slow_api_times_out_then_task_error_after_retries(server):
    server.mode, server.delay = "slow", 3.0
    env = make(server, split="dev", judge_timeout=0.3)
    env.reset(options={"sample": 1})
    started = time.monotonic()
    *_, term, trunc, info = env.step("Did his mother send the envelopes?")
    assert trunc and info["outcome"] is Outcome.TASK_ERROR and "timed out" in info["error"]
    assert len(server.requests) == 2 and time.monotonic() - started < 2.5  # two timed-out tries, no 3 s waits
    env.close()


def test_judge_model_and_key_kwargs_reach_the_api(server, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-env")
    env = make(server, split="dev", judge_model="local-host-model")
    env.reset(options={"sample": 0})
    env.step("Is anyone dead?")
    assert server.requests and all(r["body"]["model"] == "local-host-model" for r in server.requests)
    assert all(r["auth"] == "Bearer sk-test" for r in server.requests)  # the kwarg beats the variable
    env.close()


def test_client_errors_are_not_retried(server):
    server.mode = "400"
    client = ChatClient(server.url, "m", "", retries=3, backoff=0.01)
    with pytest.raises(JudgeError, match="1 attempt"):
        client.chat([{"role": "user", "content": "hi \udcff"}])
    assert len(server.requests) == 1 and server.requests[0]["auth"] is None


def test_unreachable_api_is_task_error():
    env = gym.make("AgentBench/LTP-v0", judge="llm", judge_base_url="http://127.0.0.1:9/v1", judge_retries=0,
                   judge_timeout=2)
    env.reset(seed=0)
    *_, info = env.step("Is anyone dead?")
    assert info["outcome"] is Outcome.TASK_ERROR and not info["outcome"].scored
    env.close()


def test_base_url_from_environment(monkeypatch, server):
    monkeypatch.setenv("OPENAI_BASE_URL", server.url)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-env")
    client = ChatClient()
    assert client.chat([{"role": "user", "content": "hi"}]) == "Hello."
    assert server.requests[0]["auth"] == "Bearer sk-env"


def test_chinese_upstream_puzzles_use_agentbench_chinese_prompts(server, ltp_dir):
    env = make(server, data_dir=str(ltp_dir), split="dev-zh")
    obs, _ = env.reset(options={"sample": 0})
    assert "以下是你的汤面：\n一个人坐火车去临镇看病" in obs
    obs, *_ , info = env.step("他是不是眼睛有病？")
    messages = server.requests[0]["body"]["messages"]
    assert messages[0]["content"].startswith("我需要你做一个游戏的主持人")
    assert messages[-1]["content"] == "他是不是眼睛有病？\n请回答是或否或无关。"
    assert obs == "Hello." and info["verdict"] == "other"  # the test host only speaks English
    *_, info = env.step("谢谢，再见")  # AgentBench's Chinese abort phrases
    assert info["verdict"] == "invalid"
    env.close()
