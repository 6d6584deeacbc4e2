"""``AgentBench/HH-v0``: ALFWorld household tasks on the real ALFWorld engine."""

from agentbench_gym.envs.household.env import HouseholdEnv

__all__ = ["HouseholdEnv"]
