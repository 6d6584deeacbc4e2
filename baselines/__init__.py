"""Policies: LLM over HTTP, random, scripted solvers and task baselines (``agentbench_gym.baselines``)."""

from __future__ import annotations

import importlib
from typing import Any

import gymnasium as gym
from agentbench_gym.baselines.hf_policy import HFPolicy
from agentbench_gym.baselines.openai_chat import OpenAIChatPolicy
from agentbench_gym.baselines.random_policy import RandomPolicy

from agentbench_gym.policy import Policy

# Task baselines by name -> "module:Class" (constructed with seed=...; the class's `task`
# attribute names the task code it plays).
TASK_BASELINES: dict[str, str] = {
    "aquawar-baseline1": "agentbench_gym.baselines.aquawar:AquawarBaseline1Policy",
    "aquawar-baseline2": "agentbench_gym.baselines.aquawar:AquawarBaseline2Policy",
}


def _load(entry_point: str) -> Any:
    module, _, name = entry_point.partition(":")
    return getattr(importlib.import_module(module), name)


def baseline_task(name: str) -> str | None:
    """The task code a task baseline plays (its class attribute ``task``)."""
    return getattr(_load(TASK_BASELINES[name]), "task", None)


def make_policy(spec: str, env: gym.Env | None = None, *, seed: int | None = None, **kwargs: Any) -> Policy:
    """Build a policy from its name.

    Args:
        spec: ``"scripted"`` (the task's oracle, needs ``env``), ``"random"``, a task baseline
            name from ``TASK_BASELINES``, ``"openai:MODEL"`` (``OpenAIChatPolicy``; kwargs such as
            ``base_url``, ``api_key``, ``temperature``) or ``"hf:PATH"`` (``HFPolicy`` on local weights).
        env: the env the policy will play; scripted solvers read its ground truth.
        seed: seed for policies that draw random numbers.
        **kwargs: passed to the policy's constructor.
    """
    if spec == "scripted":
        if env is None:
            raise ValueError("the scripted policy needs the env it plays (make_policy('scripted', env))")
        oracle = getattr(env.unwrapped, "oracle", "")
        if not oracle:
            raise ValueError(f"{type(env.unwrapped).__name__} has no scripted solver")
        return _load(oracle)(env.unwrapped, **kwargs)
    if spec == "random":
        if "templates" not in kwargs and env is not None:
            kwargs["templates"] = getattr(env.unwrapped, "reply_examples", ())
        if "templates" not in kwargs:  # explicit templates (as the registry suite passes) win
            kwargs["templates"] = getattr(env.unwrapped, "reply_examples", ()) if env is not None else ()
        return RandomPolicy(seed=seed, **kwargs)
    if spec in TASK_BASELINES:
        return _load(TASK_BASELINES[spec])(seed=seed, **kwargs)
    if spec.startswith("openai:") and spec[len("openai:"):]:
        return OpenAIChatPolicy(spec[len("openai:"):], **kwargs)
    if spec.startswith("hf:") and spec[len("hf:"):]:
        return HFPolicy(spec[len("hf:"):], **kwargs)
    known = ["scripted", "random", "openai:MODEL", "hf:PATH", *TASK_BASELINES]
    raise ValueError(f"unknown policy {spec!r}; known: {', '.join(known)}")


__all__ = ["TASK_BASELINES", "HFPolicy", "OpenAIChatPolicy", "RandomPolicy", "baseline_task", "make_policy"]
