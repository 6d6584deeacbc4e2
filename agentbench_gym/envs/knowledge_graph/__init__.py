"""AgentBench's KG task (``AgentBench/KG-v0``): knowledge-graph tools over a local store or SPARQL."""

from __future__ import annotations

from agentbench_gym.envs.knowledge_graph.env import KnowledgeGraphEnv

__all__ = ["KnowledgeGraphEnv"]
