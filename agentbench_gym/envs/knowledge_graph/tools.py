"""AgentBench's seven KG tools (plus the unadvertised ``union``) over a backend.

Each tool checks its arguments as upstream does, builds a program or asks the backend for
predicates, and returns ``(new_variable_or_None, observation)``; an observation containing
``##`` gets the new variable's id. Any exception means "cannot be executed" (the env words it).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from agentbench_gym.envs.knowledge_graph.backends import KGBackend
from agentbench_gym.envs.knowledge_graph.program import Programs, Variable

ENTITY_PATTERN = re.compile(r"^(m|f)\.[\w_]+$")
Arg = Variable | str


@dataclass
class Ontology:
    """The schema the tools consult.

    Attributes:
        relations: whitelist of relations ``get_relations`` may show (upstream ``vocab.json``).
        attributes: whitelist of numeric attributes ``get_attributes`` may show.
        ranges: relation -> range type, for "which are instances of <range>" (upstream ``fb_roles``).
    """

    relations: frozenset[str]
    attributes: frozenset[str]
    ranges: Mapping[str, str] = field(default_factory=dict)


class ToolError(ValueError):
    """A tool call that cannot be executed (reported to the agent, costs a turn)."""


class ToolBox:
    """The tools of one episode: variables, the relation/attribute caches, the program table.

    Args:
        backend: answers the predicate and execution queries.
        ontology: whitelists and ranges.
        programs: the interning table (shared across episodes only with ``upstream_bugs``).
        relations_cache / attributes_cache: ``get_relations``/``get_attributes`` results by
            variable or MID (upstream keeps them module-global; we scope them per episode unless
            the env passes shared dicts).
    """

    def __init__(self, backend: KGBackend, ontology: Ontology, programs: Programs | None = None,
                 relations_cache: dict | None = None, attributes_cache: dict | None = None) -> None:
        """Start an episode with no variables."""
        self.backend = backend
        self.ontology = ontology
        self.programs = programs if programs is not None else Programs()
        self.variables: list[Variable] = []
        self.relations_cache: dict = relations_cache if relations_cache is not None else {}
        self.attributes_cache: dict = attributes_cache if attributes_cache is not None else {}
        self.tools: dict[str, Callable[..., tuple[Variable | None, str]]] = {
            "get_relations": self.get_relations, "get_neighbors": self.get_neighbors,
            "intersection": self.intersection, "union": self.union,
            "get_attributes": self.get_attributes, "argmax": self.argmax, "argmin": self.argmin,
            "count": self.count,
        }

    # ---------------------------------------------------------------- tools
    def get_relations(self, variable: Arg) -> tuple[None, str]:
        """Relations leaving an entity or any member of a variable (whitelisted, sorted)."""
        if isinstance(variable, Variable):
            found = self.backend.program_predicates(variable.program)
        else:
            _check_entity(variable, "get_relations")
            found = self.backend.entity_predicates(variable)
        relations = sorted(set(found) & self.ontology.relations)
        self.relations_cache[variable] = relations
        return None, f"Observation: [{', '.join(relations)}]"

    def get_neighbors(self, variable: Arg, relation: str) -> tuple[Variable, str]:
        """A new variable: what ``relation`` reaches from ``variable`` (no query is sent)."""
        if not isinstance(variable, Variable):
            _check_entity(variable, "get_neighbors")
        if relation not in self.relations_cache[variable]:
            raise ToolError("get_neighbors: relation must be a relation of the variable")
        range_type = self.ontology.ranges[relation]
        source = variable.program if isinstance(variable, Variable) else self.programs.entity(variable)
        new = Variable(range_type, self.programs.join(relation, source))
        return new, f"Observation: variable ##, which are instances of {range_type}"

    def intersection(self, variable1: Variable, variable2: Variable) -> tuple[Variable, str]:
        """A new variable: members of both (types must be equal strings)."""
        return self._combine("AND", variable1, variable2)

    def union(self, variable1: Variable, variable2: Variable) -> tuple[Variable, str]:
        """Reachable upstream though not advertised; its variable can never be executed."""
        return self._combine("OR", variable1, variable2)

    def _combine(self, op, variable1: Variable, variable2: Variable) -> tuple[Variable, str]:
        # Upstream compares .type first, so an entity argument fails with an AttributeError.
        if _type(variable1) != _type(variable2):
            raise ToolError("the two variables must have the same type")
        if not isinstance(variable1, Variable) or not isinstance(variable2, Variable):
            raise ToolError("the arguments must be variables")
        new = Variable(variable1.type, self.programs.both(op, variable1.program, variable2.program))
        return new, f"Observation: variable ##, which are instances of {variable1.type}"

    def count(self, variable: Variable) -> tuple[Variable, str]:
        """A new number variable: how many members (no query is sent)."""
        program = _program(variable)
        return Variable("type.int", self.programs.count(program)), "Observation: variable ##, which is a number"

    def get_attributes(self, variable: Variable) -> tuple[None, str]:
        """Numeric attributes of any member of a variable (whitelisted, sorted)."""
        found = self.backend.program_predicates(_program(variable))
        attributes = sorted(set(found) & self.ontology.attributes)
        self.attributes_cache[variable] = attributes
        return None, f"Observation: [{', '.join(attributes)}]"

    def argmax(self, variable: Variable, attribute: str) -> tuple[Variable, str]:
        """A new variable: the members with the largest ``attribute``."""
        return self._superlative("ARGMAX", variable, attribute)

    def argmin(self, variable: Variable, attribute: str) -> tuple[Variable, str]:
        """A new variable: the members with the smallest ``attribute``."""
        return self._superlative("ARGMIN", variable, attribute)

    def _superlative(self, op, variable: Variable, attribute: str) -> tuple[Variable, str]:
        if attribute not in self.attributes_cache[variable]:
            raise ToolError(f"{op.lower()}: attribute must be an attribute of the variable")
        new = Variable(variable.type, self.programs.superlative(op, variable.program, attribute))
        return new, f"Observation: variable ##, which are instances of {variable.type}"

    # -------------------------------------------------------------- helpers
    def call(self, name: str, arguments: list[Arg]) -> str:
        """Run tool ``name``; store a new variable; return the observation the agent sees."""
        tool = self.tools[name]
        try:
            new, observation = tool(*arguments)
        except TypeError as exc:  # wrong number of arguments, as upstream's TypeError
            raise ToolError(str(exc)) from exc
        if "##" in observation:
            observation = observation.replace("##", f"#{len(self.variables)}")
            self.variables.append(new)
        return observation

    def final_answer(self, variable: Variable) -> list[str]:
        """Execute a variable's program: the prediction."""
        return self.backend.execute(variable.program)


def _check_entity(value: object, tool: str) -> None:
    if not isinstance(value, str) or not ENTITY_PATTERN.match(value):
        raise ToolError(f"{tool}: variable must be a variable or an entity")


def _type(value: Arg) -> str:
    if not isinstance(value, Variable):
        raise ToolError("the arguments must be variables")
    return value.type


def _program(value: Arg):
    if not isinstance(value, Variable):
        raise ToolError("the argument must be a variable")
    return value.program
