"""Checks every registered env must pass; the registry-wide test suite runs exactly these."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium.utils.env_checker import check_env

from agentbench_gym.core import Outcome

REQUIRED_INFO_KEYS = ("task", "sample_id", "turn", "outcome")
FINAL_INFO_KEYS = ("score", "metrics")


def check_gymnasium_api(env: gym.Env) -> None:
    """Gymnasium's own ``check_env`` on the unwrapped env."""
    check_env(env.unwrapped, skip_render_check=False)


def check_info(info: dict[str, Any], *, ended: bool) -> None:
    """The ``info`` keys of DESIGN.md are present and well typed."""
    for key in REQUIRED_INFO_KEYS:
        if key not in info:
            raise AssertionError(f"info lacks {key!r}; AgentBenchEnv._info() assembles it")
    if not isinstance(info["outcome"], Outcome):
        raise AssertionError(f"info['outcome'] must be an Outcome, got {info['outcome']!r}")
    if ended:
        for key in FINAL_INFO_KEYS:
            if key not in info:
                raise AssertionError(f"the last step's info lacks {key!r}")
        if not 0.0 <= info["score"] <= 1.0:
            raise AssertionError(f"score {info['score']} outside [0, 1]")


def run_episode(env: gym.Env, policy: Callable[[str, dict[str, Any]], str], *, seed: int | None = None,
                options: dict[str, Any] | None = None, max_steps: int = 10_000) -> list[tuple]:
    """Play one episode; return ``[(obs, info), (action, obs, reward, terminated, truncated, info), ...]``."""
    obs, info = env.reset(seed=seed, options=options)
    check_info(info, ended=False)
    trace: list[tuple] = [(obs, info)]
    for _ in range(max_steps):
        action = policy(obs, info)
        obs, reward, terminated, truncated, info = env.step(action)
        trace.append((action, obs, reward, terminated, truncated, info))
        ended = terminated or truncated
        check_info(info, ended=ended)
        if ended:
            if terminated == truncated:
                raise AssertionError("an ending step must be terminated xor truncated")
            if terminated != info["outcome"].terminates:
                raise AssertionError(f"outcome {info['outcome']} disagrees with terminated={terminated}")
            if reward != info["score"] and not getattr(env.unwrapped, "dense", False):
                raise AssertionError(f"final reward {reward} != score {info['score']}")
            return trace
        if reward != 0.0 and not getattr(env.unwrapped, "dense", False):
            raise AssertionError("reward must be 0 before the last step")
        if info["outcome"] is not Outcome.RUNNING:
            raise AssertionError("a step that does not end the episode must have outcome 'running'")
    raise AssertionError(f"episode did not end within {max_steps} steps")


def check_determinism(make: Callable[[], gym.Env], policy: Callable[[str, dict[str, Any]], str],
                      *, seed: int = 0) -> None:
    """Same seed and options give identical episodes on two fresh envs."""
    traces = []
    for _ in range(2):
        env = make()
        try:
            traces.append(_strip_timing(run_episode(env, policy, seed=seed)))
        finally:
            env.close()
    if traces[0] != traces[1]:
        raise AssertionError("two episodes with the same seed differ; draw every random choice "
                             "from self.np_random (seeded by super().reset(seed=seed))")


def hostile_replies(rng: np.random.Generator, n: int, extra: Iterable[str] = ()) -> list[str]:
    """Random and hostile replies: empty, 1 MB, control characters, lone surrogates, look-alikes."""
    fixed = [
        "", " ", "\n" * 50, "x" * 1_000_000, "\x00\x01\x02\x1b[2J\x7f", "\udcff\ud800 surrogate",
        "{", "}", "{}", "{{}}", '{"a": [1, {"b": }', "```", "```bash\n```", "```sql\n```",
        "Act: bash", "Act: answer(", "Action: Operation", "Final Answer: []", "ACTION:",
        "search[]", "click[]", "Answer: #-1", "$(rm -rf /)", "'; DROP TABLE x; --",
        "\u202e\u200b\ufeff", "💥" * 1000, "null", "None", "[]", "0", "-1", "1e309", "NaN",
        *extra,
    ]
    alphabet = np.array(list("abcXYZ{}[]()\"':,#`$\\\n\t 0123456789_-ACTSQLbash\x00\x1b"))
    out = list(fixed)
    while len(out) < n:
        length = int(rng.integers(0, 200))
        out.append("".join(rng.choice(alphabet, size=length)))
    return out[:n]


def check_hostile_input(env: gym.Env, replies: Iterable[str], *, seed: int = 0) -> dict[Outcome, int]:
    """Feed replies one after another (resetting when an episode ends); never raises."""
    counts: dict[Outcome, int] = {}
    env.reset(seed=seed)
    for i, reply in enumerate(replies):
        obs, _reward, terminated, truncated, info = env.step(reply)
        if not env.observation_space.contains(obs):
            raise AssertionError(f"observation ({type(obs).__name__}, {len(obs) if isinstance(obs, str) else '?'} "
                                 "chars) is not in the observation space")
        check_info(info, ended=terminated or truncated)
        if terminated or truncated:
            counts[info["outcome"]] = counts.get(info["outcome"], 0) + 1
            env.reset(seed=seed + i + 1)
    return counts


def _strip_timing(trace: list[tuple]) -> list[tuple]:
    """Drop info entries that legitimately differ between runs (timings)."""
    cleaned = []
    for item in trace:
        info = item[-1]
        if isinstance(info, dict):
            info = {k: v for k, v in info.items() if not k.endswith("_seconds")}
        cleaned.append((*item[:-1], info))
    return cleaned
