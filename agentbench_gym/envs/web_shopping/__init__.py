"""AgentBench/WS-v0: WebShop-style shopping (`WebShopEnv`)."""

from agentbench_gym.envs.web_shopping.env import WebShopEnv

__all__ = ["WebShopEnv"]
