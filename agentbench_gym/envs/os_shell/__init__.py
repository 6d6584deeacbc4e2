"""AgentBench's OS interaction task (``AgentBench/OS-v0``): bash in an isolated sandbox."""

from agentbench_gym.envs.os_shell.env import OSShellEnv

__all__ = ["OSShellEnv"]
