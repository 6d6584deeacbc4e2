"""The warm engine: ALFWorld's engine with per-process caches, same play as the engine as shipped.

The parts of a game that never change (translated task, parsed grammar, demangled names, the
opening text, the facts of the initial state) are built once per process; a reset rewinds Fast
Downward's state registry to the initial state (``set_state_id``) instead of reloading the game;
the text of a command is derived once per ground operator, then looked up (a command's text
depends only on its operator's arguments); feedback sentences are derived on the live state by
``textgen.derive``; moves are applied by TextWorld's ``PddlState.apply``.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import re
import threading
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from agentbench_gym.envs.household.backends import disk_cache
from agentbench_gym.envs.household.backends.common import (
    _TRANSLATE_LOCK,
    EngineStep,
    _load,
    _modules,
    _new_pddl_env,
    _translate_for_planner,
    _without_planner_translation,
    acquire_library,
    release_library,
)
from agentbench_gym.envs.household.textgen import derive


@dataclass
class _WarmGame:
    """The per-process, never-changing part of a game (shared by every engine of the process)."""

    game: Mapping[str, Any]
    logic: Any
    task: Any
    sas: str
    sas_replan: str
    actions: dict[str, Any]
    name2type: dict[str, str]
    fact_batches: list[list[Any]]
    entity_infos: dict[str, Any]
    names: dict[str, str]
    intro: str
    commands: dict[str, str]


_WARM: OrderedDict[str, _WarmGame] = OrderedDict()
_WARM_LOCK = threading.Lock()
WARM_GAMES = 64
"""How many games each process keeps warm (least recently used are dropped)."""


def _recording_state_class() -> type:
    """A ``PddlState`` that records the fact batches its constructor adds (to replay them)."""
    base = _modules().pddl_logic.PddlState

    class RecordingState(base):  # type: ignore[misc, valid-type]
        def add_facts(self, props):
            props = list(props)
            self.__dict__.setdefault("_batches", []).append(props)
            super().add_facts(props)

    return RecordingState


_TASK_RULE = re.compile(r'("task": \[\s*\{\s*"rhs": )("(?:[^"\\]|\\.)*")')
_LOGICS: OrderedDict[tuple[str, str], Any] = OrderedDict()


def _shared_logic(domain: str, grammar: str) -> Any:
    """``GameLogic(domain, grammar)``, reusing the parse of games that differ only in their task text.

    ALFWorld games of one release share domain and grammar except the ``task`` rule ("Your task
    is to: ..."), and parsing the grammar costs ~0.9 s. The grammar is parsed once with a
    placeholder task; each game gets a copy whose ``task`` rule is its own text, parsed alone.
    """
    m = _modules()
    found = list(_TASK_RULE.finditer(grammar))
    if len(found) != 1:
        return m.GameLogic(domain, grammar)
    match = found[0]
    template = grammar[:match.start(2)] + '"TASK"' + grammar[match.end(2):]
    base = _LOGICS.get((domain, template))
    if base is None:
        base = _LOGICS[(domain, template)] = m.GameLogic(domain, template)
        while len(_LOGICS) > 8:
            _LOGICS.popitem(last=False)
    from textworld.envs.pddl.textgen import ContextSensitiveGrammar, ProductionRule, _parse_and_convert
    from textworld.logic import TypeHierarchy

    logic = copy.copy(base)
    logic.types = TypeHierarchy()
    logic.grammar = ContextSensitiveGrammar()
    logic.grammar.update(base.grammar)
    rhs = json.loads(match.group(2))
    logic.grammar._rules["task"] = [ProductionRule("task", _parse_and_convert(rhs, rule_name="symbols"))]
    return logic


def _to_disk(warm: _WarmGame) -> dict[str, Any]:
    """What the disk cache keeps of a warm game.

    TextWorld's propositions, variables and types cache their ``hash()``, which changes from one
    process to the next (string hashing is randomised), so facts and types are stored as plain
    names and rebuilt on load; the translated task is only needed while building and is dropped.
    """
    facts = [[(f.name, [(v.name, v.type) for v in f.arguments]) for f in batch] for batch in warm.fact_batches]
    types = [(t.name, list(t.parents)) for t in warm.logic.types]
    logic = copy.copy(warm.logic)
    logic.types = None
    kept = dataclasses.replace(warm, game={}, commands={}, task=None, fact_batches=[], logic=logic)
    return {"warm": kept, "facts": facts, "types": types}


def _from_disk(entry: Any, game: Mapping[str, Any]) -> _WarmGame | None:
    """A warm game rebuilt from a disk-cache entry (None when there is none or it is unusable)."""
    if not isinstance(entry, dict) or not isinstance(entry.get("warm"), _WarmGame):
        return None
    from textworld.logic import Proposition, Type, TypeHierarchy, Variable

    warm: _WarmGame = entry["warm"]
    warm.game, warm.commands = game, {}
    warm.fact_batches = [[Proposition(name, [Variable(v, t) for v, t in args]) for name, args in batch]
                         for batch in entry["facts"]]
    warm.logic.types = TypeHierarchy()
    for name, parents in entry["types"]:
        try:
            warm.logic.types.add(Type(name, parents))
        except ValueError:  # already known, as PddlState's constructor tolerates
            pass
    return warm


class WarmEngine:
    """The same game play as ``ReferenceEngine``, with warm per-process caches (module docstring)."""

    def __init__(self) -> None:
        """Load a private copy of Fast Downward's library."""
        self._lib = acquire_library()
        self._loaded: str | None = None  # the game whose SAS task the library holds
        self._initial_id = -1
        self._warm: _WarmGame | None = None
        self._state: Any = None
        self._actions: list[Any] = []
        self._commands: list[str] = []
        self._closed = False

    # ------------------------------------------------------------------ public
    def start(self, key: str, game: Mapping[str, Any]) -> EngineStep:
        """Begin ``game`` (``key`` identifies it in the per-process cache) at its initial state."""
        warm = self._warm_game(key, game)
        lib = self._lib
        if self._loaded != key:
            lib.load_sas(warm.sas.encode("utf-8"))
            self._loaded = key
            self._initial_id = lib.get_state_id()
        else:
            lib.set_state_id(self._initial_id)
        self._warm = warm
        self._state = self._fresh_state(warm)
        return EngineStep(warm.intro, self._gather(), bool(lib.check_goal()))

    def step(self, command: str) -> EngineStep:
        """Send one command (anything not admissible answers ``Nothing happens.``)."""
        command = command.strip()
        try:
            action = self._actions[self._commands.index(command)]
        except ValueError:
            feedback = "Nothing happens."
        else:
            self._state.apply(action)
            feedback = self._derive(action.feedback_rule, action.mapping)
        return EngineStep(feedback, self._gather(), bool(self._lib.check_goal()))

    def plan(self) -> list[str]:
        """A winning command sequence from the current state, by Fast Downward (may be slow)."""
        warm = self._warm
        if not warm.sas_replan:
            warm.sas_replan = _translate_for_planner(warm.game)
        self._lib.load_sas_replan(warm.sas_replan.encode("utf-8"))
        return list(self._state.replan(warm.entity_infos))

    def close(self) -> None:
        """Return the library copy to the pool (idempotent)."""
        if not self._closed:
            self._closed = True
            self._state = None
            release_library(self._lib)
            self._lib = None

    # ----------------------------------------------------------------- helpers
    def _warm_game(self, key: str, game: Mapping[str, Any]) -> _WarmGame:
        with _WARM_LOCK:
            warm = _WARM.get(key)
            if warm is not None:
                _WARM.move_to_end(key)
                return warm
        warm = _from_disk(disk_cache.load(game), game)
        if warm is None:
            warm = self._build(game)
            self._loaded = key  # building loaded the game into this engine's library
            self._initial_id = self._lib.get_state_id()
            disk_cache.store(game, _to_disk(warm))
        with _WARM_LOCK:
            _WARM[key] = warm
            while len(_WARM) > WARM_GAMES:
                _WARM.popitem(last=False)
        return warm

    def _build(self, game: Mapping[str, Any]) -> _WarmGame:
        """Load the game once the shipped way, keeping what a reset would recompute."""
        m = _modules()
        env = _new_pddl_env(self._lib)
        base = env.unwrapped
        with _TRANSLATE_LOCK:
            # PddlEnv.load builds its state and logic through these names: record / reuse them.
            state_class, logic_class = m.pddl_logic.PddlState, m.pddl_logic.GameLogic
            translate = m.fast_downward.pddl2sas
            m.pddl_logic.PddlState, m.pddl_logic.GameLogic = _recording_state_class(), _shared_logic
            m.fast_downward.pddl2sas = _without_planner_translation(translate)
            try:
                _load(env, game)
            finally:
                m.pddl_logic.PddlState, m.pddl_logic.GameLogic = state_class, logic_class
                m.fast_downward.pddl2sas = translate
        state = base._pddl_state
        infos = base._entity_infos
        warm = _WarmGame(
            game=game, logic=base._logic, task=state.task, sas=state.sas, sas_replan=state.sas_replan,
            actions=state._actions, name2type=state.name2type, fact_batches=state.__dict__["_batches"],
            entity_infos=infos, names={k: info.name for k, info in infos.items()}, intro="", commands={})
        self._state = state
        self._warm = warm
        warm.intro = self._derive("#intro#", {})
        return warm

    def _fresh_state(self, warm: _WarmGame) -> Any:
        """A ``PddlState`` equal to a freshly constructed one, without re-translating the PDDL."""
        state = _modules().pddl_logic.PddlState.__new__(_modules().pddl_logic.PddlState)
        state._facts, state._vars_by_name = defaultdict(set), {}
        state._vars_by_type, state._var_counts = defaultdict(set), Counter()
        state._logic, state.downward_lib, state.pddl_problem = warm.logic, self._lib, warm.game["pddl_problem"]
        state.task, state.sas, state.sas_replan = warm.task, warm.sas, warm.sas_replan
        state._actions, state.name2type = warm.actions, warm.name2type
        for batch in warm.fact_batches:  # same order as the constructor: same sets, same iteration
            state.add_facts(batch)
        return state

    def _derive(self, start: str, mapping: Mapping[Any, Any]) -> str:
        infos = self._warm.entity_infos
        variables = {ph.name: infos[var.name] for ph, var in mapping.items()}
        return derive(self._warm.logic.grammar, start, self._state, infos, variables, mapping)

    def _gather(self) -> tuple[str, ...]:
        """Admissible commands of the current state; command texts come from the per-game cache."""
        warm = self._warm
        actions = self._state.all_applicable_actions()
        operators = self._state._operators
        commands = []
        for action in actions:
            name = operators[action.id].name
            text = warm.commands.get(name)
            if text is None:
                action.command_template = self._derive(action.command_template, action.mapping)
                text = warm.commands[name] = action.format_command(warm.names)
            commands.append(text)
        self._actions, self._commands = actions, commands
        return tuple(sorted(set(commands)))
