"""Agents and tasks of a run, and their command-line forms (``NAME=SPEC[:workers]``, ``CODE[:workers]``)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import parse_qsl

import gymnasium as gym

from agentbench_gym.baselines import TASK_BASELINES, make_policy
from agentbench_gym.registration import TASKS

# Policies cheap to build are made afresh, seeded, for every episode (so results do not depend
# on the schedule); the others (HTTP clients, local models) are built once per env worker.
_CHEAP = {"scripted", "random", *TASK_BASELINES}


@dataclass
class AgentSpec:
    """An agent of a run.

    Attributes:
        name: the name in records and tables.
        policy: a ``make_policy`` spec (``"scripted"``, ``"random"``, ``"openai:MODEL"``, a task
            baseline) or a factory ``(env, seed) -> policy``.
        workers: w(A), how many episodes the agent may play at once.
        options: keyword arguments for ``make_policy`` (e.g. ``base_url``).
        tasks: restrict the agent to these task names (None: every task of the run).
    """

    name: str
    policy: str | Callable[[gym.Env, int | None], Any]
    workers: int = 1
    options: dict[str, Any] = field(default_factory=dict)
    tasks: tuple[str, ...] | None = None

    @property
    def per_episode(self) -> bool:
        """True when a fresh policy is built for every episode."""
        return callable(self.policy) or self.policy in _CHEAP

    def build(self, env: gym.Env, seed: int | None) -> Any:
        """Build the policy for ``env``."""
        if callable(self.policy):
            return self.policy(env, seed)
        return make_policy(self.policy, env, seed=seed, **self.options)

    def describe(self) -> dict[str, Any]:
        """JSON-ready form for the manifest (no secrets: option values named like keys are hidden)."""
        options = {k: ("***" if "key" in k.lower() else v) for k, v in self.options.items()}
        policy = self.policy if isinstance(self.policy, str) else getattr(self.policy, "__qualname__", "callable")
        return {"policy": policy, "workers": self.workers, "options": options,
                "tasks": list(self.tasks) if self.tasks else None}


@dataclass
class TaskSpec:
    """A task of a run.

    Attributes:
        name: the task code (``"DB"``) or any label.
        env: an env id (default: the registered id of ``name``) or a factory ``(**kwargs) -> env``.
        workers: w(T), how many envs of the task may run at once.
        kwargs: constructor arguments for the env (``split``, ``backend``, ...).
    """

    name: str
    env: str | Callable[..., gym.Env] | None = None
    workers: int = 1
    kwargs: dict[str, Any] = field(default_factory=dict)

    def make(self) -> gym.Env:
        """Build one env of the task."""
        if callable(self.env):
            return self.env(**self.kwargs)
        env_id = self.env or TASKS.get(self.name) or TASKS.get(self.name.upper())
        if env_id is None:
            raise ValueError(f"unknown task {self.name!r}; registered: {', '.join(TASKS)}")
        return gym.make(env_id, **self.kwargs)

    def with_split(self, split: str | None) -> TaskSpec:
        """A copy whose env kwargs default ``split`` to ``split`` (the caller's spec is left as is)."""
        if split is None or "split" in self.kwargs:
            return self
        return replace(self, kwargs={**self.kwargs, "split": split})

    def describe(self) -> dict[str, Any]:
        """JSON-ready form for the manifest."""
        env = self.env if isinstance(self.env, str) or self.env is None else getattr(self.env, "__qualname__", "")
        return {"env": env or TASKS.get(self.name), "workers": self.workers, "kwargs": self.kwargs}


_WORKERS = re.compile(r"^(?P<body>.*?):(?P<workers>\d+)$")


def parse_agent(text: str) -> AgentSpec:
    """Parse ``NAME=SPEC[:workers][?key=value&...]`` (``NAME=`` optional: the spec names it).

    A trailing ``:N`` of digits is the worker count, so a model name that itself ends in
    ``:digits`` needs an explicit count (``openai:model:7:1``). Option values are typed:
    integers, floats, ``true``/``false``/``none``, else strings.

    >>> a = parse_agent("gpt=openai:gpt-4o:4?base_url=http://localhost:8000/v1&max_retries=0")
    >>> a.name, a.policy, a.workers, a.options
    ('gpt', 'openai:gpt-4o', 4, {'base_url': 'http://localhost:8000/v1', 'max_retries': 0})
    """
    head, _, query = text.partition("?")
    name, eq, spec = head.partition("=")
    if not eq:
        name, spec = "", head
    workers = 1
    match = _WORKERS.match(spec)
    if match:
        spec, workers = match["body"], int(match["workers"])
    if not spec:
        raise ValueError(f"agent {text!r}: no policy spec (form NAME=SPEC[:workers])")
    options = {key: _value(value) for key, value in parse_qsl(query, keep_blank_values=True)} if query else {}
    return AgentSpec(name or spec, spec, workers, options)


def _value(text: str) -> Any:
    """An option value from the command line: int, float, true/false/none, else the string."""
    lowered = text.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if lowered == "none":
        return None
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def parse_task(text: str) -> TaskSpec:
    """Parse ``CODE[:workers]`` (``OS:4``); the code is matched case-insensitively."""
    match = _WORKERS.match(text)
    name, workers = (match["body"], int(match["workers"])) if match else (text, 1)
    code = name if name in TASKS else name.upper()
    if code not in TASKS:
        raise ValueError(f"unknown task {name!r}; registered: {', '.join(TASKS)}")
    return TaskSpec(code, workers=workers)
