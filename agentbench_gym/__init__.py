"""agentbench_gym: the eight AgentBench tasks as Gymnasium environments."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from agentbench_gym.core import AgentBenchEnv, Message, Outcome, TurnResult
from agentbench_gym.registration import TASKS, register_envs
from agentbench_gym.spaces import UnicodeText

try:
    __version__ = version("agentbench-gym")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"

register_envs()

__all__ = ["TASKS", "AgentBenchEnv", "Message", "Outcome", "TurnResult", "UnicodeText", "__version__"]
