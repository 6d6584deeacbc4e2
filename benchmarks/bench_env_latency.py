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
from timing import percentile, scripted_timings  # benchmarks/timing.py (scripts run with benchmarks/ on sys.path)

import agentbench_gym


def measure(env_id: str, steps: int) -> dict[str, float]:
    """Latencies in seconds for one env id over at least ``steps`` steps."""
    start = time.perf_counter()
    env = gym.make(env_id)
    env.reset(seed=0)
    make_reset = time.perf_counter() - start
    resets, step_times, episode = scripted_timings(env, steps)
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
