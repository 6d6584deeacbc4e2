"""Per-reset and per-step latency of every registered env, driven by its scripted solver.

Usage: python benchmarks/bench_env_latency.py [--steps 1000] [--task DCG ...]

Times `gym.make` + first `reset`, later `reset`s, and `env.step` alone (the policy's own time is
excluded), and prints medians and p95 as a Markdown table for benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import statistics
import time

import gymnasium as gym
from agentbench_gym.baselines import make_policy
from timing import percentile  # benchmarks/timing.py (scripts run with benchmarks/ on sys.path)

import agentbench_gym


def measure(env_id: str, steps: int) -> dict[str, float]:
    """Latencies in seconds for one env id over at least ``steps`` steps."""
    start = time.perf_counter()
    env = gym.make(env_id)
    env.reset(seed=0)
    make_reset = time.perf_counter() - start
    policy = make_policy("scripted", env)
    n_samples = len(env.unwrapped.samples)
    resets: list[float] = []
    step_times: list[float] = []
    episode = 0
    while len(step_times) < steps:
        policy.reset()
        t0 = time.perf_counter()
        obs, info = env.reset(seed=episode, options={"sample": episode % n_samples})
        resets.append(time.perf_counter() - t0)
        done = False
        while not done:
            action = policy.act(obs, info)
            t0 = time.perf_counter()
            obs, _r, terminated, truncated, info = env.step(action)
            step_times.append(time.perf_counter() - t0)
            done = terminated or truncated
        episode += 1
    env.close()
    return {
        "make_reset": make_reset,
        "reset_median": statistics.median(resets),
        "reset_p95": percentile(resets, 0.95),
        "step_median": statistics.median(step_times),
        "step_p95": percentile(step_times, 0.95),
        "steps": len(step_times),
        "episodes": episode,
    }


def main() -> None:
    """Measure and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=1000, help="at least this many steps per env")
    parser.add_argument("--task", action="append", help="task code (repeatable; default all)")
    args = parser.parse_args()
    tasks = args.task or list(agentbench_gym.TASKS)
    print("| id | make+reset | reset median | reset p95 | step median | step p95 | steps / episodes |")
    print("|---|---|---|---|---|---|---|")
    for task in tasks:
        r = measure(agentbench_gym.TASKS[task], args.steps)
        print(f"| {agentbench_gym.TASKS[task]} | {r['make_reset'] * 1e3:.2f} ms | {r['reset_median'] * 1e6:.0f} µs "
              f"| {r['reset_p95'] * 1e6:.0f} µs | {r['step_median'] * 1e6:.1f} µs | {r['step_p95'] * 1e6:.1f} µs "
              f"| {r['steps']} / {r['episodes']} |")


if __name__ == "__main__":
    main()
