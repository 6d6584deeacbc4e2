"""``AgentBench/WB-v0``: Mind2Web web-browsing steps as AgentBench's multiple-choice tournament."""

from agentbench_gym.envs.web_browsing.env import WebBrowsingEnv

__all__ = ["WebBrowsingEnv"]
