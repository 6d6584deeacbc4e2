"""Run whole benchmarks: max-flow scheduling of (agent, task, sample) episodes, resumable output.

Scheduling is AgentBench's: agents have worker counts w(A) (concurrent requests a model may
take), tasks have w(T) (concurrent envs), and the max flow of source → agents (w(A)) → tasks
(remaining samples of the pair) → sink (w(T)) says how many episodes to start on each pair.
``plan_assignment`` is one such step as a pure function (networkx's Edmonds–Karp, with a greedy
fill kept only when a cut bound proves it maximal). The runner re-solves the moment an episode
ends (an event on an asyncio loop, not a timer) and starts the next episodes at once.

Library::

    from agentbench_gym.runner import run
    result = run(["scripted:4", "gpt=openai:gpt-4o:8?base_url=http://localhost:8000/v1"],
                 ["DB:4", "KG:2"], out="runs/exp1", split="dev")
    result.records          # one trajectory record (dict) per (agent, task, sample)

Command line: ``agentbench-gym run --agent NAME=SPEC[:workers] --task CODE[:workers] --out DIR``
(no options: every registered task with the scripted, random and baseline policies), then
``agentbench-gym eval DIR`` for metrics, the overall score and the outcome distribution.

Execution: every env lives on its own worker thread (thread-bound resources such as SQLite
connections stay valid), a task's envs are pooled and reused across episodes (one that failed
is replaced), a policy with an ``async aact`` answers on the loop, and ``backend="ray"`` puts
the env workers in Ray actors instead (extra ``[ray]``).

Output folder: ``DIR/<agent>/<task>.jsonl`` (records appended and flushed per episode) and
``DIR/manifest.json`` (config, package/data versions, seeds). The same command on the same
folder resumes: finished samples are skipped, ``task_error``/``agent_error`` samples re-run up
to ``max_retries`` times, a torn last line (a kill mid-write) is cut off; no record is duplicated.

Vector form: ``SchedulerVectorEnv(tasks, num_envs)`` is a ``gymnasium.vector.VectorEnv`` whose
slots the same plan feeds (next-step autoreset with the next assigned sample, possibly of another
task), for batched policies and RL loops; ``slot_info(infos, i)`` gives one slot's info.
"""

from agentbench_gym.runner.config import AgentSpec, TaskSpec, parse_agent, parse_task
from agentbench_gym.runner.runner import RunResult, arun, run
from agentbench_gym.runner.schedule import Job, Scheduler, build_flow_graph, plan_assignment
from agentbench_gym.runner.vector import SchedulerVectorEnv, slot_info

__all__ = ["AgentSpec", "Job", "RunResult", "Scheduler", "SchedulerVectorEnv", "TaskSpec", "arun", "build_flow_graph",
           "parse_agent", "parse_task", "plan_assignment", "run", "slot_info"]
