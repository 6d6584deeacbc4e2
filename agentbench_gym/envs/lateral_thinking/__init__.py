"""AgentBench's Lateral Thinking Puzzle task (``AgentBench/LTP-v0``)."""

from agentbench_gym.envs.lateral_thinking.env import LateralThinkingEnv

__all__ = ["LateralThinkingEnv"]
