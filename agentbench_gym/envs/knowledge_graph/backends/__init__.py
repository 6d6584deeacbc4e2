"""KG backends: the three primitives AgentBench's tools need, over a local store or SPARQL.

Every backend implements ``KGBackend``; ``make_backend`` builds one by name (``local`` or
``sparql``) and imports the SPARQL client only when asked for.
"""

from __future__ import annotations

from typing import Protocol

from agentbench_gym.envs.knowledge_graph.program import Program


class KGBackend(Protocol):
    """What the tools ask of a knowledge graph (TASK_DETAILS §1.6's three primitives)."""

    def entity_predicates(self, mid: str) -> list[str]:
        """Every predicate leaving entity ``mid`` (empty for an unknown MID)."""
        ...

    def program_predicates(self, program: Program) -> list[str]:
        """Every predicate leaving any member of the program's answer set."""
        ...

    def execute(self, program: Program) -> list[str]:
        """The program's answer: sorted MIDs, or ``[str(count)]`` for a COUNT program."""
        ...

    def close(self) -> None:
        """Release connections (idempotent)."""
        ...


__all__ = ["KGBackend"]
