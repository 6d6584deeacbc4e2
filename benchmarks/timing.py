"""Helpers shared by the benchmark scripts (run them from the repository root)."""

from __future__ import annotations

import time

import gymnasium as gym
from agentbench_gym.baselines import make_policy


def percentile(values: list[float], q: float) -> float:
    """The q-quantile (0..1) by nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def scripted_timings(env: gym.Env, steps: int) -> tuple[list[float], list[float], int]:
    """Reset and step times (seconds) over whole episodes of the scripted solver.

    Plays samples in order until at least ``steps`` steps are timed; the solver's own time is
    excluded. Returns ``(reset_times, step_times, episodes)``.
    """
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
            obs, _reward, terminated, truncated, info = env.step(action)
            step_times.append(time.perf_counter() - t0)
            done = terminated or truncated
        episode += 1
    return resets, step_times, episode
