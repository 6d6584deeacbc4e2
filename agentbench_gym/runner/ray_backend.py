"""The Ray backend: the same scheduler and event loop, with env workers as Ray actors.

``run(..., backend="ray")`` places every env worker in a Ray actor (one env each, reused across
episodes, as in the local pools), so that a run can spread its envs over the machines of a Ray
cluster while the driver keeps the max-flow plan, the output folder and the progress bars.
A whole episode runs inside the actor (the policy is built there from the agent's spec, so an
HTTP policy calls its model from the actor's machine); the driver only receives the record.

Needs the extra ``[ray]``. The driver connects to ``address`` (``"auto"`` for a running cluster)
or, when Ray is not initialised yet, starts a local instance.
"""

from __future__ import annotations

import time
from concurrent.futures import Future
from typing import Any

from agentbench_gym.errors import MissingExtra
from agentbench_gym.runner.config import AgentSpec, TaskSpec
from agentbench_gym.runner.pool import EnvPool
from agentbench_gym.runner.schedule import Job


def _ray() -> Any:
    try:
        import ray
    except ImportError as exc:
        raise MissingExtra("ray", "the Ray backend of the runner", exc) from exc
    return ray


def ensure_ray(address: str | None = None) -> None:
    """Connect to Ray (``address``) unless this process is already connected."""
    ray = _ray()
    if not ray.is_initialized():
        ray.init(address=address, include_dashboard=False, log_to_driver=False, ignore_reinit_error=True)


_ACTOR: Any = None


def _actor_class() -> Any:
    """The actor class, defined once Ray is imported (``num_cpus=0``: envs mostly wait on I/O)."""
    global _ACTOR
    if _ACTOR is None:
        ray = _ray()

        class EnvActor:
            """One env in a Ray worker process; plays whole episodes."""

            def __init__(self, spec: TaskSpec) -> None:
                self.env = spec.make()
                self.policies: dict[str, Any] = {}

            def sample_ids(self) -> list[str]:
                return [str(getattr(s, "id", i)) for i, s in enumerate(self.env.unwrapped.samples)]

            def data_version(self) -> str:
                from agentbench_gym.trajectory import data_version

                return data_version(self.env)

            def play(self, agent: AgentSpec, job: Job, run_id: str) -> dict[str, Any]:
                from agentbench_gym.runner.play import play_episode

                if agent.per_episode:
                    policy = agent.build(self.env, job.seed)
                else:
                    policy = self.policies.get(agent.name)
                    if policy is None:
                        policy = self.policies[agent.name] = agent.build(self.env, job.seed)
                return play_episode(self.env, policy, index=job.index, seed=job.seed, run_id=run_id,
                                    agent=job.agent, attempt=job.attempt, task=job.task)

            def close(self) -> None:
                self.env.close()

        _ACTOR = ray.remote(num_cpus=0)(EnvActor)
    return _ACTOR


class RayWorker:
    """The driver's handle of an env actor, with the local worker's interface."""

    def __init__(self, spec: TaskSpec) -> None:
        """Start the actor (its env is built in it) and wait until it is up."""
        self._ray = _ray()
        self.actor = _actor_class().remote(spec)
        self._ids = self._ray.get(self.actor.sample_ids.remote())  # also surfaces constructor errors

    def sample_ids(self) -> list[str]:
        """The ids of the env's samples, in split order."""
        return list(self._ids)

    def data_version(self) -> str:
        """The env's data fingerprint."""
        return self._ray.get(self.actor.data_version.remote())

    def start_job(self, agent: AgentSpec, job: Job, run_id: str, freed_at: float | None,
                  gaps: list[float]) -> Future:
        """Play ``job`` in the actor; the future gives ``(True, record, start, end)`` (driver clock)."""
        started = time.perf_counter()
        if freed_at is not None:
            gaps.append(started - freed_at)  # the driver's side of the hand-off
        result: Future = Future()
        remote = self.actor.play.remote(agent, job, run_id).future()

        def done(f: Future) -> None:
            error = f.exception()
            if error is not None:
                result.set_exception(error)
            else:
                result.set_result((True, f.result(), started, time.perf_counter()))
        remote.add_done_callback(done)
        return result

    def close(self) -> None:
        """Close the env and end the actor."""
        try:
            self._ray.get(self.actor.close.remote())
        except Exception:  # a dead actor has nothing left to close
            pass
        self._ray.kill(self.actor)


class RayEnvPool(EnvPool):
    """An ``EnvPool`` whose workers are Ray actors."""

    def _new_worker(self) -> RayWorker:  # type: ignore[override]
        return RayWorker(self.spec)
