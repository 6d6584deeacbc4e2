"""Run whole benchmarks: max-flow scheduling of (agent, task, sample) episodes, resumable output.

``plan_assignment`` is one step of AgentBench's max-flow assigner as a pure function; ``run``
plays every (agent, task) pair on its samples under the worker limits and writes the records
to a folder that a restarted run resumes; ``SchedulerVectorEnv`` is the vector-env form.
"""

from agentbench_gym.runner.config import AgentSpec, TaskSpec, parse_agent, parse_task
from agentbench_gym.runner.runner import RunResult, arun, run
from agentbench_gym.runner.schedule import Job, Scheduler, build_flow_graph, plan_assignment
from agentbench_gym.runner.vector import SchedulerVectorEnv, slot_info

__all__ = ["AgentSpec", "Job", "RunResult", "Scheduler", "SchedulerVectorEnv", "TaskSpec", "arun", "build_flow_graph",
           "parse_agent", "parse_task", "plan_assignment", "run", "slot_info"]
