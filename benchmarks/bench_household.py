"""Household (HH) latency: ALFWorld's engine as shipped vs the warm engine vs the env, on the dev games.

Usage: python benchmarks/bench_household.py [--steps 30] [--agentbench ../shared/data/alfworld]

For each of the 20 built-in dev games (and, with ``--agentbench``, the 20 AgentBench dev games of
that folder) it measures, in one process:
- shipped: ALFWorld/TextWorld driven directly (``PddlEnv`` + ``AlfredDemangler``, the game loaded
  on every reset, as AgentBench does): reset, and step over ``--steps`` random admissible commands;
- warm: the same commands on ``WarmEngine``: first reset (cold: translate + parse), later resets
  (rewind) and steps;
- env: ``HouseholdEnv`` reset and step (prompt, BLEU mapping and info included), warm.
It prints per-game medians summarised as the median over games, and the resident memory each
extra concurrent env adds. Every warm observation is checked equal to the shipped one.
"""

from __future__ import annotations

import argparse
import gzip
import json
import multiprocessing
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from agentbench_gym.envs.household import HouseholdEnv
from agentbench_gym.envs.household.backends import ReferenceEngine, WarmEngine
from agentbench_gym.envs.household.backends import warm as warm_module
from agentbench_gym.envs.household.games import assemble


def rss_mb() -> float:
    """Resident set size of this process in MB."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def builtin_games() -> list[tuple[str, dict]]:
    env = HouseholdEnv()
    games = [(s.id, assemble(env._records[s.source], "agentbench")) for s in env.samples]
    env.close()
    return games


def agentbench_games(folder: Path) -> list[tuple[str, dict]]:
    with gzip.open(folder / "agentbench_games_v2.1.1.jsonl.gz", "rt") as handle:
        return [(r["name"], r["game"]) for r in map(json.loads, handle) if "dev" in r["agentbench"]]


def timed(fn, *args):
    start = time.perf_counter()
    result = fn(*args)
    return result, time.perf_counter() - start


def measure_games(games: list[tuple[str, dict]], steps: int, seed: int = 0) -> dict[str, list[float]]:
    """Per-game medians (seconds) of every measured quantity."""
    rng = np.random.default_rng(seed)
    out: dict[str, list[float]] = {k: [] for k in ("shipped_reset", "shipped_step", "warm_cold_reset",
                                                   "disk_reset", "warm_reset", "warm_step")}
    reference, warm = ReferenceEngine(), WarmEngine()
    for key, game in games:
        shipped, t_ref_reset = timed(reference.start, key, game)
        first, t_cold = timed(warm.start, key, game)
        assert first == shipped, key
        commands = []
        state = shipped
        for _ in range(steps):
            commands.append(str(rng.choice(state.admissible)))
            state = reference.step(commands[-1])
        ref_steps = []
        reference.start(key, game)
        for command in commands:
            expected, dt = timed(reference.step, command)
            ref_steps.append(dt)
        warm_steps = []
        for command in commands:
            got, dt = timed(warm.step, command)
            warm_steps.append(dt)
        assert got == expected, key
        resets = [timed(warm.start, key, game)[1] for _ in range(5)]
        warm_module._WARM.clear()  # as in a new process: only the disk cache knows the game
        from_disk = WarmEngine()
        out["disk_reset"].append(timed(from_disk.start, key, game)[1])
        from_disk.close()
        out["shipped_reset"].append(t_ref_reset)
        out["shipped_step"].append(statistics.median(ref_steps))
        out["warm_cold_reset"].append(t_cold)
        out["warm_reset"].append(statistics.median(resets))
        out["warm_step"].append(statistics.median(warm_steps))
    reference.close()
    warm.close()
    return out


def measure_env(steps: int, seed: int = 0) -> dict[str, float]:
    """HouseholdEnv (warm backend) reset/step medians over the dev games, and memory per extra env."""
    rng = np.random.default_rng(seed)
    env = HouseholdEnv()
    resets, step_times = [], []
    for index in range(len(env.samples)):
        env.reset(options={"sample": index})  # warm up
        _, dt = timed(lambda i=index: env.reset(options={"sample": i}))
        resets.append(dt)
        info = env.reset(options={"sample": index})[1]
        for _ in range(steps):
            reply = "ACTION: " + str(rng.choice(info["admissible_commands"]))
            (_, _, terminated, truncated, info), dt = timed(env.step, reply)
            step_times.append(dt)
            if terminated or truncated:
                info = env.reset(options={"sample": index})[1]
    env.close()
    return {"env_reset": statistics.median(resets), "env_step": statistics.median(step_times)}


def measure_memory(extra: int = 4) -> dict[str, float]:
    """In a fresh process: RSS of one env, per newly warmed game, and per extra concurrent env."""
    start = rss_mb()
    first = HouseholdEnv()
    first.reset(options={"sample": 0})
    one_env = rss_mb() - start
    before = rss_mb()
    for index in range(1, 1 + extra):  # warm more games in the same env
        first.reset(options={"sample": index})
    per_game = (rss_mb() - before) / extra
    before = rss_mb()
    others = [HouseholdEnv() for _ in range(extra)]
    for index, other in enumerate(others):  # concurrent envs on games already warm
        other.reset(options={"sample": 1 + index})
        other.step("ACTION: look")
    per_env = (rss_mb() - before) / extra
    for other in [first, *others]:
        other.close()
    return {"one_env_mb": one_env, "per_game_mb": per_game, "per_env_mb": per_env}


def _memory_in_child(queue) -> None:
    queue.put(measure_memory())


def main() -> None:
    """Measure and print Markdown tables."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=30, help="random admissible commands per game")
    parser.add_argument("--agentbench", type=Path, help="folder with agentbench_games_v2.1.1.jsonl.gz")
    args = parser.parse_args()
    sets = [("built-in dev (20)", builtin_games())]
    if args.agentbench:
        sets.append(("AgentBench dev (20)", agentbench_games(args.agentbench)))
    os.environ["AGENTBENCH_GYM_CACHE"] = tempfile.mkdtemp(prefix="hh-bench-")  # start with an empty disk cache
    print("| games | shipped reset | shipped step | warm first reset (cold / disk cache) | warm reset | warm step "
          "| step speed-up |")
    print("|---|---|---|---|---|---|---|")
    for name, games in sets:
        r = {k: statistics.median(v) for k, v in measure_games(games, args.steps).items()}
        print(f"| {name} | {r['shipped_reset'] * 1e3:.0f} ms | {r['shipped_step'] * 1e3:.1f} ms "
              f"| {r['warm_cold_reset'] * 1e3:.0f} ms / {r['disk_reset'] * 1e3:.1f} ms "
              f"| {r['warm_reset'] * 1e3:.2f} ms | {r['warm_step'] * 1e3:.2f} ms "
              f"| {r['shipped_step'] / r['warm_step']:.0f}x |")
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    child = context.Process(target=_memory_in_child, args=(queue,))
    child.start()
    memory = queue.get()
    child.join()
    e = measure_env(args.steps)
    print()
    print(f"HouseholdEnv (warm, built-in dev): reset median {e['env_reset'] * 1e3:.2f} ms, "
          f"step median {e['env_step'] * 1e3:.2f} ms (BLEU mapping and prompt included).")
    print(f"Memory (fresh process, built-in dev games): first env with one game {memory['one_env_mb']:.0f} MB "
          f"(engine import included), each further warm game {memory['per_game_mb']:.1f} MB, "
          f"each extra concurrent env {memory['per_env_mb']:.1f} MB RSS.")
    shutil.rmtree(os.environ["AGENTBENCH_GYM_CACHE"], ignore_errors=True)


if __name__ == "__main__":
    main()
