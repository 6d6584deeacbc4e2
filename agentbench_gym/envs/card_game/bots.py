"""AgentBench's two Aquawar baseline bots, made reproducible.

Both follow upstream's ``AI/action1.py`` and ``AI/action2.py`` (see ``../shared/AQUAWAR.md`` §6),
with one change: every random draw comes from an explicit ``numpy.random.Generator``.

Upstream shuffles every list the SDK returns with an engine seeded from the wall clock in whole
seconds, so calls within the same second on lists of the same length apply the *same*
permutation, and a bot's guess and action (milliseconds apart) share it. We keep that structure:
``begin_turn`` draws one set of sort keys per turn (our "second"), and every shuffle in that turn
orders its list by those keys, so equal-length lists get the same permutation. Upstream's other
sources (``random.seed(42)`` + ``random.choice``, and a ``random_device`` coin in baseline 1) are
draws from the same Generator, in upstream's call order.
"""

from __future__ import annotations

import numpy as np

from agentbench_gym.envs.card_game.engine import ACTIVE, EEL, FLAME, NORMAL, SPRAY, SUNFISH, Move, View

BASELINE2_GUESS_IDS = (1, 2, 3, 4, 5, 6, 8, 9, 10)
"""The fish ids baseline 2 guesses from (upstream's name table: no turtle, clownfish or imitator)."""


class AquawarBot:
    """Base class: the per-turn shuffle and the interface the env drives.

    Call ``begin_turn()`` once per turn, then ``guess(view)`` and ``act(view)``.
    """

    name = ""

    def __init__(self, rng: np.random.Generator) -> None:
        """Draw every random number from ``rng``."""
        self.rng = rng
        self._keys: list[float] = [0.0, 1.0, 2.0, 3.0]

    def begin_turn(self) -> None:
        """Start a new turn: a new shuffle permutation (upstream: a new wall-clock second)."""
        self._keys = self.rng.random(4).tolist()

    def shuffled(self, items: list[int]) -> list[int]:
        """``items`` in this turn's order; lists of equal length get the same permutation."""
        keys = self._keys
        order = sorted(range(len(items)), key=keys.__getitem__)
        return [items[i] for i in order]

    def guess(self, view: View) -> tuple[int, int] | None:
        """``(position, fish_id)`` to guess, or None for no guess."""
        raise NotImplementedError

    def act(self, view: View) -> Move:
        """The action to play."""
        raise NotImplementedError


class Baseline1Bot(AquawarBot):
    """``action1.py``: random guesses; a random living fish uses its skill (normal 30 % of the time).

    Guess: the first of the shuffled living enemies, with an id drawn from 1-4 (a guess at a
    revealed fish becomes no guess in the engine). Act (the SDK's ``auto_valid_action``): the actor
    is the first shuffled living own fish; with probability 0.3 it attacks the first shuffled living
    enemy; otherwise an unrevealed spray/eel uses its AOE, an unrevealed flame/sunfish infights the
    first shuffled living ally (or attacks when none is left), and a revealed fish (negative id)
    attacks.
    """

    name = "baseline1"

    def guess(self, view: View) -> tuple[int, int] | None:
        """First shuffled living enemy, random id in 1-4."""
        position = self.shuffled(view.enemy_living())[0]
        fish_id = int(self.rng.integers(1, 5))
        return position, fish_id

    def act(self, view: View) -> Move:
        """``auto_valid_action`` on the first shuffled living own fish."""
        actor = self.shuffled(view.my_living())[0]
        if self.rng.random() < 0.3:
            return Move(actor, NORMAL, self.shuffled(view.enemy_living())[0])
        fish_id = view.my_ids[actor]  # negative once revealed: matches no skill rule
        if fish_id in (SPRAY, EEL):
            return Move(actor, ACTIVE, 0)
        if fish_id in (FLAME, SUNFISH):
            allies = self.shuffled([p for p in view.my_living() if p != actor])
            if allies:
                return Move(actor, ACTIVE, allies[0])
        return Move(actor, NORMAL, self.shuffled(view.enemy_living())[0])


class Baseline2Bot(AquawarBot):
    """``action2.py``: random guesses among hidden fish; finishing blows, AOEs, then retaliation.

    Guess: a random living hidden enemy position and a random id from 1-6, 8-10 minus the ids
    already revealed (upstream's deduction from skills and passives never completes, so this
    fallback is all it ever does). Act: M is the living fish with the highest ATK (first in shuffled
    order on a tie), L the lowest-HP living enemy (lowest position on a tie). If M's normal attack
    (ATK·0.5) reaches L's HP, M attacks L; else with 2+ living enemies a living spray, else a living
    eel, uses its AOE; else M attacks the enemy fish that acted last if alive, or the first
    shuffled living enemy. It never infights.
    """

    name = "baseline2"

    def guess(self, view: View) -> tuple[int, int] | None:
        """Random hidden living position, random unrevealed id."""
        positions = [p for p in range(4) if view.enemy_ids[p] == -1 and view.enemy_hp[p] > 0]
        revealed = {i for i in view.enemy_ids if i != -1}
        ids = [i for i in BASELINE2_GUESS_IDS if i not in revealed]
        if not positions:
            return None
        position = positions[int(self.rng.integers(len(positions)))]
        fish_id = ids[int(self.rng.integers(len(ids)))]
        return position, fish_id

    def act(self, view: View) -> Move:
        """Finishing blow, else AOE, else retaliate."""
        mine = self.shuffled(view.my_living())
        enemies = self.shuffled(view.enemy_living())
        strongest, best_atk = -1, 0
        for p in mine:
            if best_atk < view.my_atk[p]:
                strongest, best_atk = p, view.my_atk[p]
        weakest = -1
        for p in range(4):
            if view.enemy_hp[p] > 0 and (weakest == -1 or view.enemy_hp[p] < view.enemy_hp[weakest]):
                weakest = p
        if view.my_atk[strongest] * 0.5 >= view.enemy_hp[weakest]:
            return Move(strongest, NORMAL, weakest)
        if len(enemies) >= 2:
            for kind in (SPRAY, EEL):
                for p in mine:
                    if abs(view.my_ids[p]) == kind:
                        return Move(p, ACTIVE, 0)
        if view.enemy_last_actor in enemies:
            return Move(strongest, NORMAL, view.enemy_last_actor)
        return Move(strongest, NORMAL, enemies[0])


BOTS: dict[str, type[AquawarBot]] = {"baseline1": Baseline1Bot, "baseline2": Baseline2Bot}
"""The bots by upstream's name."""


def make_bot(name: str, rng: np.random.Generator) -> AquawarBot:
    """Build the bot called ``name`` (``"baseline1"`` or ``"baseline2"``)."""
    try:
        return BOTS[name](rng)
    except KeyError:
        raise ValueError(f"unknown Aquawar bot {name!r}; choose from {sorted(BOTS)}") from None
