"""Cost of the LLM toolkit: token counting, truncation, the wrapper stack, the HTTP policy, exports.

Usage: python benchmarks/bench_policies.py [--steps 2000] [--requests 300] [--records 1000]

Prints Markdown tables for benchmarks/RESULTS.md:
1. ``count_tokens`` throughput and ``truncate_history`` time on an HH-sized history;
2. env step time, bare vs under the full wrapper stack (ChatHistory, HistoryTruncation,
   NonChatPrompt, ContextLimit, TrajectoryRecorder), on every registered env that builds here;
3. ``OpenAIChatPolicy`` requests per second against the local test server (tests/openai_server.py)
   answering after 20 ms: sync one at a time vs ``aact`` with 32 episodes at once;
4. export speed (SFT, ShareGPT, Parquet) for synthetic 20-turn records.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

import gymnasium as gym
import numpy as np
from agentbench_gym.baselines import OpenAIChatPolicy, make_policy
from agentbench_gym.wrappers import (
    ContextLimit,
    HistoryTruncation,
    NonChatPrompt,
    TrajectoryRecorder,
    count_tokens,
    truncate_history,
)

import agentbench_gym
from agentbench_gym.episode import play_episode
from agentbench_gym.trajectory import StepRecord, TrajectoryRecord
from agentbench_gym.trajectory_export import export

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from openai_server import OpenAITestServer
from timing import scripted_timings  # benchmarks/timing.py (scripts run with benchmarks/ on sys.path)


def text_corpus(size: int, rng: np.random.Generator) -> str:
    """Mixed prose, code and digits of about ``size`` characters."""
    words = ["the", "agent", "database", "SELECT", "*", "FROM", "users;", "ls", "-la", "/etc", "42",
             "internationalization", "数据库", "{", "}", "\n", "cat", "file.txt", "=", "3.14"]
    out = rng.choice(words, size=size // 5)
    return " ".join(out)[:size]


def bench_tokens(rng: np.random.Generator) -> list[str]:
    big = text_corpus(1_000_000, rng)
    t0 = time.perf_counter()
    count_tokens(big)
    rate = len(big) / (time.perf_counter() - t0) / 1e6
    # An HH-sized conversation: instruction + 35 turns of ~150-segment messages.
    history = [{"role": "user", "content": text_corpus(3000, rng)}]
    for _ in range(35):
        history += [{"role": "assistant", "content": text_corpus(600, rng)},
                    {"role": "user", "content": text_corpus(600, rng)}]
    runs = []
    for _ in range(50):
        t0 = time.perf_counter()
        out = truncate_history(history)
        runs.append(time.perf_counter() - t0)
    return ["| measure | value |", "|---|---|",
            f"| count_tokens throughput (1 MB mixed text) | {rate:.1f} M chars/s |",
            f"| truncate_history, 71 messages ({sum(count_tokens(m['content']) for m in history)} "
            f"segments), median | {statistics.median(runs) * 1e3:.2f} ms ({len(history) - len(out)} omitted) |"]


def bench_wrappers(steps: int) -> list[str]:
    rows = ["| id | bare step median | wrapped step median | overhead |", "|---|---|---|---|"]
    with tempfile.TemporaryDirectory() as tmp:
        for task, env_id in agentbench_gym.TASKS.items():
            try:
                bare = gym.make(env_id)
            except Exception as exc:
                rows.append(f"| {env_id} | not built here ({type(exc).__name__}) | | |")
                continue
            plain = statistics.median(scripted_timings(bare, steps)[1])
            wrapped_env = TrajectoryRecorder(ContextLimit(NonChatPrompt(HistoryTruncation(bare)),
                                                          context_size=1_000_000), Path(tmp) / f"{task}.jsonl")
            wrapped = statistics.median(scripted_timings(wrapped_env, steps)[1])
            wrapped_env.close()
            rows.append(f"| {env_id} | {plain * 1e6:.0f} µs | {wrapped * 1e6:.0f} µs | "
                        f"{(wrapped - plain) * 1e6:+.0f} µs |")
    return rows


def bench_http(requests: int) -> list[str]:
    with OpenAITestServer() as server:
        server.responder = lambda body: "Act: answer(42)"
        policy = OpenAIChatPolicy("bench", base_url=server.base_url, api_key="x")
        t0 = time.perf_counter()
        for _ in range(requests):
            policy.act("hello", {"messages": [{"role": "user", "content": "hello"}]})
        fast = requests / (time.perf_counter() - t0)
        server.push(*({"delay": 0.02, "reply": "ok"} for _ in range(requests * 2)))
        t0 = time.perf_counter()
        for _ in range(requests // 4):
            policy.act("hello", {"messages": [{"role": "user", "content": "hello"}]})
        sync_slow = (requests // 4) / (time.perf_counter() - t0)
        policy.close()

        async def many() -> float:
            per_worker = requests // 32

            async def worker() -> None:
                for _ in range(per_worker):
                    await policy.aact("hello", {"messages": [{"role": "user", "content": "hello"}]})

            t0 = time.perf_counter()
            await asyncio.gather(*(worker() for _ in range(32)))
            await policy.aclose()
            return per_worker * 32 / (time.perf_counter() - t0)

        async_slow = asyncio.run(many())
    return ["| client | server latency | requests/s |", "|---|---|---|",
            f"| sync `act`, one at a time | 0 ms | {fast:.0f} |",
            f"| sync `act`, one at a time | 20 ms | {sync_slow:.0f} |",
            f"| `aact`, 32 concurrent episodes | 20 ms | {async_slow:.0f} |"]


def bench_export(records: int, rng: np.random.Generator) -> list[str]:
    base = []
    for i in range(records):
        messages = [{"role": "user", "content": text_corpus(2000, rng)}]
        steps = []
        for _ in range(20):
            action, obs = text_corpus(300, rng), text_corpus(500, rng)
            messages += [{"role": "assistant", "content": action}, {"role": "user", "content": obs}]
            steps.append(StepRecord(action, obs, 0.0, 0.5, 0.001))
        base.append(TrajectoryRecord("bench", "agent", "OS", f"s{i}", "completed", 1.0, 20, messages, steps))
    rows = ["| format | records/s | file size |", "|---|---|---|"]
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in ("sft", "sharegpt", "parquet"):
            export(base[:1], Path(tmp) / "warmup", fmt)  # module imports are not export time
            path = Path(tmp) / f"out.{fmt}"
            t0 = time.perf_counter()
            export(base, path, fmt)
            rate = records / (time.perf_counter() - t0)
            rows.append(f"| {fmt} | {rate:.0f} | {path.stat().st_size / 1e6:.1f} MB |")
    return rows


def bench_episode_overhead(steps: int) -> list[str]:
    """play_episode vs a hand-written loop (the record building is the difference)."""
    rows = []
    for env_id in agentbench_gym.TASKS.values():
        try:
            env = gym.make(env_id)
        except Exception:
            continue
        policy = make_policy("scripted", env)
        t0 = time.perf_counter()
        count = 0
        while count < steps:
            count += play_episode(env, policy, seed=count).turns
        rows.append(f"| {env_id} | {(time.perf_counter() - t0) / count * 1e6:.0f} µs |")
        env.close()
    return ["| id | play_episode time per turn (scripted policy, record built) |", "|---|---|", *rows]


def main() -> None:
    """Run every measurement and print the Markdown tables."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=320)
    parser.add_argument("--records", type=int, default=1000)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    for title, rows in (("Token counting and truncation", bench_tokens(rng)),
                        ("Wrapper stack overhead per step", bench_wrappers(args.steps)),
                        ("play_episode", bench_episode_overhead(args.steps)),
                        ("OpenAIChatPolicy over loopback HTTP", bench_http(args.requests)),
                        ("Trajectory export", bench_export(args.records, rng))):
        print(f"\n### {title}\n")
        print("\n".join(rows))


if __name__ == "__main__":
    main()
