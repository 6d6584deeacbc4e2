"""The ALFWorld text engine behind HH: TextWorld's PDDL environment, as shipped or kept warm.

Both engines play a tw-pddl game JSON with ALFWorld's own pieces: ``textworld.envs.pddl.PddlEnv``
(Fast Downward's library under it) and ``AlfredDemangler(shuffle=False)`` for object names, the
way AgentBench drives one game. Neither forks them.

- ``ReferenceEngine`` (backend "reference") is the engine as shipped: every ``start`` loads the
  game (PDDL -> SAS translation, grammar parse) and every step re-derives the text of every
  admissible command. Kept for the equivalence tests and the benchmark.
- ``WarmEngine`` (backend "warm") gives the same observations, admissible lists and outcomes,
  faster: the parts of a game that never change are built once per process, a reset rewinds
  Fast Downward's state registry, command texts are looked up, and sentences are derived by
  ``textgen.derive`` (module ``warm``); translated games are also kept on disk (``disk_cache``).

Each engine holds one copy of Fast Downward's shared library (``fast_downward.load_lib`` copies
it so that engines do not share global state). Copies are never unloaded: loading a fresh copy
after another was unloaded (``fast_downward.close_lib``) crashes the process now and then inside
the loader. ``close`` frees the copy's planning task and puts it in a per-process pool that the
next engine takes from, so a process holds as many copies as it ever ran engines at once.
"""

from agentbench_gym.envs.household.backends.common import (
    EngineStep,
    engine_available,
    pooled_libraries,
    require_engine,
)
from agentbench_gym.envs.household.backends.reference import ReferenceEngine
from agentbench_gym.envs.household.backends.warm import WARM_GAMES, WarmEngine

__all__ = ["WARM_GAMES", "EngineStep", "ReferenceEngine", "WarmEngine", "engine_available", "pooled_libraries",
           "require_engine"]
