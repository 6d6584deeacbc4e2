"""Variables as typed programs, as AgentBench's KG tools build them (a DAG, never a set).

Upstream a variable is a Freebase type plus an S-expression over ``JOIN``/``AND``/``OR``/
``COUNT``/``ARGMAX``/``ARGMIN``; only ``get_relations``, ``get_attributes`` and the final answer
ever execute one. Programs here are interned per episode, so two tool calls that build the same
expression get the same object (upstream compares variables by program text), and a program that
doubles itself with ``intersection(#k, #k)`` stays linear in memory.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Op = Literal["ENTITY", "JOIN", "AND", "OR", "COUNT", "ARGMAX", "ARGMIN"]
SUPERLATIVES = ("ARGMAX", "ARGMIN")

MAX_TREE_SIZE = 256
"""Largest program (counted as the expanded tree AgentBench's SPARQL compiler would write) that is
executed; beyond it the tools answer "cannot be executed" on every backend alike."""


class ProgramError(ValueError):
    """A program that cannot be executed (AgentBench's compiler would emit broken SPARQL)."""


@dataclass(frozen=True, eq=False, slots=True)
class Program:
    """One node of a program DAG; compare by identity (programs are interned by ``Programs``).

    Attributes:
        op: the operator; ``ENTITY`` is a leaf holding a MID in ``label``.
        label: the relation (JOIN), attribute (ARGMAX/ARGMIN) or MID (ENTITY); else "".
        args: the operand programs.
        tree_size: node count of the expanded tree (shared operands counted every time).
        superlatives: ARGMAX/ARGMIN occurrences in the expanded tree.
        has_or: whether an OR occurs anywhere.
        inner_count: whether a COUNT occurs below the root.
    """

    op: Op
    label: str
    args: tuple[Program, ...]
    tree_size: int = 1
    superlatives: int = 0
    has_or: bool = False
    inner_count: bool = False
    _text: list[str] = field(default_factory=list, repr=False)

    def text(self, limit: int = 1_000_000) -> str:
        """The S-expression in AgentBench's notation (``(JOIN rel_inv m.x)``), cut at ``limit`` chars."""
        if not self._text:
            self._text.append(_render(self, limit))
        return self._text[0]

    def entities(self) -> list[str]:
        """The MIDs the program mentions, sorted (each filtered out of the answer upstream)."""
        seen: set[int] = set()
        found: set[str] = set()
        stack = [self]
        while stack:
            node = stack.pop()
            if id(node) in seen:
                continue
            seen.add(id(node))
            if node.op == "ENTITY":
                found.add(node.label)
            stack.extend(node.args)
        return sorted(found)

    def check_executable(self, *, allow_count: bool = True) -> None:
        """Raise ``ProgramError`` unless the program is one both backends can run.

        Upstream emits invalid or degenerate SPARQL for these (OR has no translation, two
        superlatives share ``?sk0``, an inner COUNT projects no ``?x``); we refuse them up front.
        """
        if self.tree_size > MAX_TREE_SIZE:
            raise ProgramError(f"program too large ({self.tree_size} nodes > {MAX_TREE_SIZE})")
        if self.has_or:
            raise ProgramError("union (OR) programs cannot be executed")
        if self.inner_count or (self.op == "COUNT" and not allow_count):
            raise ProgramError("a count can only be the final answer")
        if self.superlatives > 1:
            raise ProgramError("at most one argmax/argmin per program")
        if self.op == "COUNT" and self.superlatives:
            raise ProgramError("count over a superlative cannot be executed")


def _render(node: Program, limit: int) -> str:
    parts: list[str] = []
    size = 0

    def emit(piece: str) -> None:
        nonlocal size
        parts.append(piece)
        size += len(piece)
        if size > limit:
            raise OverflowError

    def walk(n: Program) -> None:
        if n.op == "ENTITY":
            emit(n.label)
        elif n.op == "JOIN":
            emit(f"(JOIN {n.label}_inv ")
            walk(n.args[0])
            emit(")")
        elif n.op in SUPERLATIVES:
            emit(f"({n.op} ")
            walk(n.args[0])
            emit(f" {n.label})")
        else:
            emit(f"({n.op}")
            for arg in n.args:
                emit(" ")
                walk(arg)
            emit(")")

    try:
        walk(node)
    except OverflowError:
        return "".join(parts)[:limit] + "..."
    return "".join(parts)


class Programs:
    """An interning table: builds each distinct program once per episode."""

    def __init__(self) -> None:
        """Start empty."""
        self._table: dict[tuple, Program] = {}

    def _make(self, op: Op, label: str, args: tuple[Program, ...]) -> Program:
        key = (op, label, *(id(a) for a in args))
        node = self._table.get(key)
        if node is None:
            node = Program(
                op, label, args,
                tree_size=min(1 + sum(a.tree_size for a in args), 1 << 60),
                superlatives=min(sum(a.superlatives for a in args) + (op in SUPERLATIVES), 1 << 60),
                has_or=op == "OR" or any(a.has_or for a in args),
                inner_count=any(a.inner_count or a.op == "COUNT" for a in args),
            )
            self._table[key] = node
        return node

    def entity(self, mid: str) -> Program:
        """A leaf naming one entity."""
        return self._make("ENTITY", mid, ())

    def join(self, relation: str, source: Program) -> Program:
        """Follow ``relation`` forward from ``source`` (upstream ``(JOIN relation_inv source)``)."""
        return self._make("JOIN", relation, (source,))

    def both(self, op: Literal["AND", "OR"], left: Program, right: Program) -> Program:
        """``(AND left right)`` or ``(OR left right)``."""
        return self._make(op, "", (left, right))

    def count(self, source: Program) -> Program:
        """``(COUNT source)``."""
        return self._make("COUNT", "", (source,))

    def superlative(self, op: Literal["ARGMAX", "ARGMIN"], source: Program, attribute: str) -> Program:
        """``(ARGMAX source attribute)`` / ``(ARGMIN ...)``."""
        return self._make(op, attribute, (source,))


@dataclass(frozen=True, eq=False, slots=True)
class Variable:
    """A tool result: the Freebase type shown to the agent and the program that defines it."""

    type: str
    program: Program

    def __eq__(self, other: object) -> bool:
        """Equal when the programs are the same (upstream compares program strings)."""
        return isinstance(other, Variable) and other.program is self.program

    def __hash__(self) -> int:
        """Hash of the program's identity (programs are interned)."""
        return id(self.program)
