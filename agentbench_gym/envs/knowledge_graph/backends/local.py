"""The default backend: programs evaluated in process over a ``GraphStore``.

The semantics are those of the SPARQL AgentBench generates for a program (TASK_DETAILS §1.2):
forward edges; AND as intersection; the MIDs of the program filtered out of the top-level answer
only; a superlative keeps every member tied at the extreme value, where the extreme is taken over
the solutions of the whole query (with filters) and the members come from the unfiltered clauses;
COUNT as a number string. The query graph of a program is a tree, so set-at-a-time evaluation is
exact; the superlative needs one extra backward pass along its path to the root.
"""

from __future__ import annotations

import numpy as np

from agentbench_gym.envs.knowledge_graph.program import SUPERLATIVES, Program
from agentbench_gym.envs.knowledge_graph.store import EMPTY, GraphStore, Ids


class LocalBackend:
    """Answers the tools from an in-process ``GraphStore``.

    Args:
        store: the graph.
        max_results: cap on answers returned by ``execute`` (the first ones in MID order).
    """

    def __init__(self, store: GraphStore, max_results: int = 10_000) -> None:
        """Wrap ``store``."""
        self.store = store
        self.max_results = max_results

    def entity_predicates(self, mid: str) -> list[str]:
        """Predicates leaving ``mid``."""
        return sorted(self.store.out_predicates(self.store.ids([mid])))

    def program_predicates(self, program: Program) -> list[str]:
        """Predicates leaving the members of the program's answer."""
        program.check_executable(allow_count=False)
        return sorted(self.store.out_predicates(self.answer_ids(program)))

    def execute(self, program: Program) -> list[str]:
        """The final answer of ``program``."""
        program.check_executable()
        if program.op == "COUNT":
            return [str(len(self.answer_ids(program.args[0])))]
        mids = sorted(self.store.mids(self.answer_ids(program)))
        return mids[: self.max_results]

    def close(self) -> None:
        """Nothing to release."""

    # ----------------------------------------------------------- evaluation
    def answer_ids(self, program: Program) -> Ids:
        """Node ids of the program's answer (top-level filters applied)."""
        seeds = self.store.ids(program.entities())
        if not program.superlatives:
            return np.setdiff1d(self._eval(program, {}), seeds, assume_unique=True)
        return self._superlative(program, seeds)

    def _eval(self, node: Program, memo: dict[int, Ids], override: tuple[Program, Ids] | None = None) -> Ids:
        """Bottom-up set of a (sub)program with no filters; ``override`` fixes one node's set."""
        if override is not None and node is override[0]:
            return override[1]
        cached = memo.get(id(node))
        if cached is not None:
            return cached
        store = self.store
        if node.op == "ENTITY":
            result = store.ids([node.label])
        elif node.op == "JOIN":
            result = store.neighbors(self._eval(node.args[0], memo, override), node.label)
        elif node.op == "AND":
            left = self._eval(node.args[0], memo, override)
            result = np.intersect1d(left, self._eval(node.args[1], memo, override), assume_unique=True) \
                if len(left) else EMPTY
        elif node.op in SUPERLATIVES:  # in the clauses: members of the operand that have the attribute
            base = self._eval(node.args[0], memo, override)
            result = np.unique(store.attribute_values(base, node.label)[0])
        else:  # COUNT / OR never reach here (check_executable)
            raise ValueError(f"cannot evaluate {node.op}")
        memo[id(node)] = result
        return result

    def _superlative(self, root: Program, seeds: Ids) -> Ids:
        path = _path_to_superlative(root)
        target = path[-1]
        memo: dict[int, Ids] = {}
        forward = [self._eval(node, memo) for node in path]
        # Walk down from the filtered answer, keeping the values that take part in a solution.
        valid = np.setdiff1d(forward[0], seeds, assume_unique=True)
        for parent, child_set in zip(path[:-1], forward[1:], strict=True):
            if parent.op == "JOIN":
                subjects, objects = self.store.edges(child_set, parent.label)
                valid = np.unique(subjects[np.isin(objects, valid)])
            # AND: the operand shares the parent's variable, so the valid set carries over.
        subjects, values = self.store.attribute_values(valid, target.label)
        if len(values) == 0:
            return EMPTY
        extreme = values.max() if target.op == "ARGMAX" else values.min()
        base = forward[-1]
        all_subjects, all_values = self.store.attribute_values(base, target.label)
        winners = np.unique(all_subjects[all_values == extreme])
        # The outer query repeats the clauses without the filters.
        memo = {k: v for k, v in memo.items() if not _contains(k, path)}
        return self._eval(root, memo, override=(target, winners))


def _path_to_superlative(root: Program) -> list[Program]:
    """Nodes from ``root`` down to its only ARGMAX/ARGMIN."""
    path = [root]
    node = root
    while node.op not in SUPERLATIVES:
        node = next(arg for arg in node.args if arg.superlatives)
        path.append(node)
    return path


def _contains(node_id: int, path: list[Program]) -> bool:
    return any(id(node) == node_id for node in path)
