"""What both engines share: the lazy engine import, the library pool, loading a game the shipped way."""

from __future__ import annotations

import sys
import threading
from collections.abc import Mapping
from functools import lru_cache
from typing import Any, NamedTuple

from agentbench_gym.errors import MissingExtra

_TRANSLATE_LOCK = threading.RLock()  # fast_downward.pddl2sas swaps sys.argv/stdout and global options


class EngineStep(NamedTuple):
    """What the game answers: its feedback text, the admissible commands (sorted), and ``won``."""

    feedback: str
    admissible: tuple[str, ...]
    won: bool


@lru_cache(maxsize=1)
def _modules() -> Any:
    """Import the engine lazily; a missing extra raises ``MissingExtra('alfworld')``."""
    try:
        import fast_downward
        import textworld
        from alfworld.agents.environment.alfred_tw_env import AlfredDemangler
        from textworld.envs.pddl import PddlEnv
        from textworld.envs.pddl import logic as pddl_logic
    except ImportError as exc:
        raise MissingExtra("alfworld", "The household (ALFWorld) env", exc) from exc

    class Modules:
        pass

    modules = Modules()
    modules.textworld, modules.fast_downward = textworld, fast_downward
    modules.PddlEnv, modules.AlfredDemangler, modules.pddl_logic = PddlEnv, AlfredDemangler, pddl_logic
    modules.GameLogic = pddl_logic.GameLogic  # the original class, before any load swaps it
    return modules


def require_engine() -> None:
    """Import the engine now; raises ``MissingExtra('alfworld')`` when it is not installed."""
    _modules()


def engine_available() -> str | None:
    """None when the engine imports here, else the reason."""
    try:
        _modules()
    except MissingExtra as exc:
        return str(exc)
    return None


_POOL: list[Any] = []
_POOL_LOCK = threading.Lock()


def acquire_library() -> Any:
    """A free copy of Fast Downward's library: from the pool, else a newly loaded one."""
    with _POOL_LOCK:
        if _POOL:
            return _POOL.pop()
    return _modules().fast_downward.load_lib()


def release_library(lib: Any) -> None:
    """Free the copy's task and state registry and return it to the pool."""
    lib.cleanup()
    with _POOL_LOCK:
        _POOL.append(lib)


def pooled_libraries() -> int:
    """How many idle library copies the pool holds (for tests and the doctor)."""
    return len(_POOL)


def _new_pddl_env(lib: Any = None) -> Any:
    """``AlfredDemangler(shuffle=False)(PddlEnv(...))`` as AgentBench builds it (won + admissible)."""
    m = _modules()
    infos = m.textworld.EnvInfos(won=True, admissible_commands=True)
    env = m.PddlEnv.__new__(m.PddlEnv)
    m.textworld.Environment.__init__(env, infos)
    # PddlEnv.__init__ only loads a private library copy; reuse ours when given.
    env.downward_lib = lib if lib is not None else acquire_library()
    return m.AlfredDemangler(shuffle=False)(env)


def _load(env: Any, game: Mapping[str, Any]) -> None:
    argv = sys.argv
    with _TRANSLATE_LOCK:
        try:
            env.load(dict(game))
        finally:
            sys.argv = argv  # pddl2sas overwrites sys.argv


def _translate_for_planner(game: Mapping[str, Any]) -> str:
    """The planner's optimised SAS translation of a game (what ``PddlState`` keeps as ``sas_replan``)."""
    argv = sys.argv
    with _TRANSLATE_LOCK:
        try:
            return _modules().fast_downward.pddl2sas(game["pddl_domain"], game["pddl_problem"], optimize=True)[1]
        finally:
            sys.argv = argv


def _without_planner_translation(translate: Any) -> Any:
    """``pddl2sas`` that skips the planner's translation (half of a game's load; done on demand)."""

    def pddl2sas(domain: str, problem: str, verbose: bool = False, optimize: bool = False) -> tuple[Any, str]:
        if optimize:
            return None, ""
        return translate(domain, problem, verbose=verbose, optimize=optimize)

    return pddl2sas


