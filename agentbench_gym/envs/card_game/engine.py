"""A pure-Python Aquawar engine: AgentBench's stage-2 game with spray, flame, eel and sunfish.

Every rule follows the upstream C++ judge (``logic/src``) as ``../shared/AQUAWAR.md`` describes it:
the line-up is fixed (both teams field spray, flame, eel and sunfish at positions 0-3, 400 HP,
200 ATK), a turn is a guess ("assert") phase followed by an action phase, death is deferred to the
end of a phase, and the game ends when a team is wiped out or the state counter passes
``STATE_LIMIT``. The engine is deterministic: the only upstream randomness (the evasion of fish
5-7) belongs to fish that are never fielded.

The engine knows nothing about prompts or replies; ``Game.view`` gives what one player's client
sees, which is all the bots and the prompts need.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SPRAY, FLAME, EEL, SUNFISH = 1, 2, 3, 4
"""Fish ids (the engine's numbering); the fish at position p has id p + 1."""

FISH_NAMES: tuple[str, ...] = ("spray", "flame", "eel", "sunfish")
"""Fish names by position (and by ``id - 1``)."""

NAME_TO_ID: dict[str, int] = {name: index + 1 for index, name in enumerate(FISH_NAMES)}

MAX_HP = 400
BASE_ATK = 200
GUESS_DAMAGE = 50
AOE_SPRAY = 70
INFIGHT_DAMAGE = 75
INFIGHT_ATK_GAIN = 140
COUNTER_DAMAGE = 30
COUNTER_THRESHOLD = MAX_HP * 0.3  # a double in C++ (120.0); compared with `hp < ...`
WOUND_STEP = 200
WOUND_ATK_GAIN = 40
STATE_LIMIT = 128
"""``Game::STATE_LIMIT``: after a phase takes the state counter past it, the game is adjudicated."""
FIRST_STATE = 3
"""The state counter after both picks (it starts at 1 and each pick adds 1)."""

NORMAL, ACTIVE = "normal", "active"


class IllegalMove(ValueError):
    """A guess or action the upstream judge would reject (the offending player would lose)."""


@dataclass(frozen=True, slots=True)
class Move:
    """One action: ``actor`` (own position) uses a ``"normal"`` attack or its ``"active"`` skill.

    ``target`` is an enemy position for a normal attack, an own position for an infight (flame,
    sunfish) and ignored for an AOE (spray, eel).
    """

    actor: int
    action: str
    target: int = 0


@dataclass(frozen=True, slots=True)
class Passive:
    """A passive skill that fired: ``kind`` is ``"Counter"`` or ``"Deflect"``.

    ``source`` is the fish that fired it (the countering spray/flame, the deflecting
    eel/sunfish). ``upstream_source`` is what upstream's record says: for a counter the position
    of the teammate that was hit, for a deflect the same as ``source``.
    """

    kind: str
    source: int
    upstream_source: int


@dataclass(slots=True)
class ActionRecord:
    """What one action did, for the prompts' "previous action" summaries.

    Attributes:
        player: the acting player (0 or 1).
        actor: the acting fish's position.
        skill: ``"Normal"``, ``"AOE"`` or ``"Infight"`` (upstream's SKILL_TYPE names).
        targets: target positions, ascending; on the actor's own side for an infight.
        value: the announced damage per target (``ATK // 2``, 70, ``int(ATK*0.35)`` or 75).
        passives: passives of the target's team that fired, in upstream's order.
    """

    player: int
    actor: int
    skill: str
    targets: tuple[int, ...]
    value: int
    passives: list[Passive] = field(default_factory=list)

    @property
    def own_side(self) -> bool:
        """True when the targets are the actor's teammates (an infight)."""
        return self.skill == "Infight"


@dataclass(frozen=True, slots=True)
class View:
    """What one player's client is told (the SDK's ``Game`` object), as plain tuples.

    Attributes:
        my_ids: own fish ids, negated once the enemy has revealed that fish.
        my_hp: own HP, 0 for a dead fish.
        my_atk: own current ATK.
        enemy_ids: enemy fish ids, -1 while hidden.
        enemy_hp: enemy HP, 0 for a dead fish.
        enemy_last_actor: position of the enemy fish that acted last, -1 before its first action.
    """

    my_ids: tuple[int, ...]
    my_hp: tuple[int, ...]
    my_atk: tuple[int, ...]
    enemy_ids: tuple[int, ...]
    enemy_hp: tuple[int, ...]
    enemy_last_actor: int

    def my_living(self) -> list[int]:
        """Own positions with HP above 0, ascending."""
        return [p for p in range(4) if self.my_hp[p] > 0]

    def enemy_living(self) -> list[int]:
        """Enemy positions with HP above 0, ascending."""
        return [p for p in range(4) if self.enemy_hp[p] > 0]


class Fish:
    """One fish on the board."""

    __slots__ = ("atk", "dead", "hp", "kind", "pos", "revealed", "side", "wound")

    def __init__(self, side: int, pos: int) -> None:
        self.side = side
        self.pos = pos
        self.kind = pos + 1  # the fixed line-up: spray, flame, eel, sunfish
        self.hp = MAX_HP
        self.atk = BASE_ATK
        self.wound = 0
        self.dead = False
        self.revealed = False

    def __repr__(self) -> str:
        state = "dead" if self.dead else f"{self.hp}hp"
        return f"<{FISH_NAMES[self.kind - 1]}@{self.side}:{self.pos} {state} atk={self.atk}>"


class Game:
    """One Aquawar game between player 0 (moves first) and player 1.

    The game runs as a sequence of phases: player 0 guesses, player 0 acts, player 1 guesses,
    player 1 acts, and so on. Call ``guess`` and ``act`` for the player to move; both raise
    ``IllegalMove`` for a move the judge would reject and ``RuntimeError`` out of turn.

    Attributes:
        teams: ``teams[p]`` is player p's four fish by position.
        state: upstream's state counter (3 after the picks, +1 per phase).
        to_move: the player whose phase it is.
        phase: ``"guess"`` or ``"action"``.
        winner: the winning player once the game is over, else None.
        end_reason: ``"eliminated"`` or ``"state_limit"`` once over.
        last_action: each player's latest ``ActionRecord`` (None before its first action).
        last_guess_right: whether each player's latest guess was right.
    """

    def __init__(self) -> None:
        self.teams: tuple[list[Fish], list[Fish]] = ([Fish(0, p) for p in range(4)],
                                                     [Fish(1, p) for p in range(4)])
        self.state = FIRST_STATE
        self.to_move = 0
        self.phase = "guess"
        self.winner: int | None = None
        self.end_reason: str | None = None
        self.last_action: list[ActionRecord | None] = [None, None]
        self.last_guess_right = [False, False]
        self._record: ActionRecord | None = None

    # ------------------------------------------------------------------ queries
    @property
    def over(self) -> bool:
        """True once the game has a winner."""
        return self.winner is not None

    def living(self, player: int) -> list[int]:
        """Positions of ``player``'s fish that are not dead, ascending."""
        return [f.pos for f in self.teams[player] if not f.dead]

    def damage_to(self, player: int) -> int:
        """AgentBench's damage metric against ``player``: Σ (400 − max(hp, 0)) over its fish."""
        return sum(MAX_HP - (f.hp if f.hp > 0 else 0) for f in self.teams[player])

    def view(self, player: int) -> View:
        """What ``player``'s client sees now."""
        mine, theirs = self.teams[player], self.teams[1 - player]
        last = self.last_action[1 - player]
        return View(  # list comprehensions: measurably faster than generators on this hot path
            tuple([-f.kind if f.revealed else f.kind for f in mine]),
            tuple([0 if f.dead else f.hp for f in mine]),
            tuple([f.atk for f in mine]),
            tuple([f.kind if f.revealed else -1 for f in theirs]),
            tuple([0 if f.dead else f.hp for f in theirs]),
            -1 if last is None else last.actor,
        )

    def is_legal(self, player: int, move: Move) -> bool:
        """Whether the judge accepts ``move`` from ``player`` on the current board."""
        try:
            self._check(player, move)
        except IllegalMove:
            return False
        return True

    def legal_moves(self, player: int) -> list[Move]:
        """Every distinct legal action of ``player`` (an AOE is listed once, with target 0)."""
        team, enemy = self.teams[player], self.teams[1 - player]
        moves: list[Move] = []
        for fish in team:
            if fish.dead:
                continue
            moves.extend(Move(fish.pos, NORMAL, e.pos) for e in enemy if not e.dead)
            if fish.kind in (SPRAY, EEL):
                moves.append(Move(fish.pos, ACTIVE, 0))
            else:
                moves.extend(Move(fish.pos, ACTIVE, a.pos) for a in team if not a.dead and a is not fish)
        return moves

    # ------------------------------------------------------------------ phases
    def guess(self, player: int, position: int | None, fish_id: int = 0) -> bool:
        """Play ``player``'s guess phase; ``position=None`` is the ``Null`` (no) guess.

        A guess at an already revealed fish is turned into ``Null`` (the SDK does that before
        sending). A right guess reveals the fish and cuts 50 HP from every enemy fish (floor 0),
        bypassing every passive. Returns whether the guess was right.
        """
        self._expect(player, "guess")
        right = False
        if position is not None:
            if not 0 <= position <= 3:
                raise IllegalMove(f"guess position {position} out of range")
            target = self.teams[1 - player][position]
            if not target.revealed:
                if target.dead:
                    raise IllegalMove("assert_dead_fish")
                if not 1 <= fish_id <= 12:
                    raise IllegalMove(f"guess id {fish_id} out of range")
                right = target.kind == fish_id
                if right:
                    target.revealed = True
                    for fish in self.teams[1 - player]:
                        fish.hp = fish.hp - GUESS_DAMAGE if fish.hp >= GUESS_DAMAGE else 0
                else:
                    # Upstream applies a 0-point cut to the guesser's team: it only clamps the
                    # negative HP of dead fish to 0.
                    for fish in self.teams[player]:
                        if fish.hp < 0:
                            fish.hp = 0
        self.last_guess_right[player] = right
        self._end_phase(player)
        return right

    def act(self, player: int, move: Move) -> ActionRecord:
        """Play ``player``'s action phase and return what it did."""
        self._expect(player, "action")
        self._check(player, move)
        team, enemy = self.teams[player], self.teams[1 - player]
        actor = team[move.actor]
        if move.action == NORMAL:
            damage = actor.atk // 2
            record = ActionRecord(player, actor.pos, "Normal", (move.target,), damage)
            self._record = record
            self._hit(actor, enemy[move.target], damage)
        elif actor.kind in (SPRAY, EEL):
            # Eel's per-target damage is fixed from its ATK before the first hit.
            damage = AOE_SPRAY if actor.kind == SPRAY else int(actor.atk * 0.35)
            targets = [f for f in enemy if not f.dead]
            record = ActionRecord(player, actor.pos, "AOE", tuple(f.pos for f in targets), damage)
            self._record = record
            for target in targets:
                self._hit(actor, target, damage)
        else:
            record = ActionRecord(player, actor.pos, "Infight", (move.target,), INFIGHT_DAMAGE)
            self._record = record
            self._take(team[move.target], INFIGHT_DAMAGE, False)
            actor.atk += INFIGHT_ATK_GAIN
        self._record = None
        self.last_action[player] = record
        self._end_phase(player)
        return record

    # ------------------------------------------------------------------ rules
    def _expect(self, player: int, phase: str) -> None:
        if self.winner is not None:
            raise RuntimeError("the game is over")
        if player != self.to_move or phase != self.phase:
            raise RuntimeError(f"it is player {self.to_move}'s {self.phase} phase, "
                               f"not player {player}'s {phase} phase")

    def _check(self, player: int, move: Move) -> None:
        team, enemy = self.teams[player], self.teams[1 - player]
        if not 0 <= move.actor <= 3 or team[move.actor].dead:
            raise IllegalMove("action_with_dead_fish: the actor must be a living own fish")
        actor = team[move.actor]
        if move.action == NORMAL:
            if not 0 <= move.target <= 3 or enemy[move.target].dead:
                raise IllegalMove("a normal attack needs a living enemy target")
        elif move.action == ACTIVE:
            if actor.kind in (FLAME, SUNFISH):
                if not 0 <= move.target <= 3 or team[move.target].dead:
                    raise IllegalMove("an infight needs a living teammate")
                if move.target == move.actor:
                    raise IllegalMove("infight_myself")
        else:
            raise IllegalMove(f"unknown action {move.action!r}")

    def _take(self, fish: Fish, damage: int, traceable: bool) -> None:
        """Deal ``damage`` to ``fish``: deflect (eel, sunfish), HP loss and wound."""
        if fish.kind >= EEL:  # eel and sunfish: Deflect and Wound
            if traceable:
                others = [f for f in self.teams[fish.side] if not f.dead and f is not fish]
                if others:
                    kept = int(damage * 0.7)
                    share = int(damage * 0.3) // len(others)
                    if self._record is not None:
                        self._record.passives.append(Passive("Deflect", fish.pos, fish.pos))
                    for other in others:  # shares are untraceable: never deflected again
                        self._take(other, share, False)
                    damage = kept
            fish.hp -= damage
            fish.wound += damage
            if fish.wound >= WOUND_STEP:
                fish.atk += WOUND_ATK_GAIN * (fish.wound // WOUND_STEP)
                fish.wound %= WOUND_STEP
        else:
            fish.hp -= damage
            fish.wound += damage

    def _hit(self, attacker: Fish, target: Fish, damage: int) -> None:
        """A traceable hit: the target's resolution, then its team's counter check."""
        self._take(target, damage, True)
        if target.hp < COUNTER_THRESHOLD:
            for fish in self.teams[target.side]:
                if fish.kind <= FLAME and not fish.dead and fish.pos != target.pos:
                    if self._record is not None:
                        self._record.passives.append(Passive("Counter", fish.pos, target.pos))
                    self._take(attacker, COUNTER_DAMAGE, False)

    def _end_phase(self, mover: int) -> None:
        """Deferred deaths, the state counter, then the state limit and the end check."""
        alive = [0, 0]
        for side, team in enumerate(self.teams):
            for fish in team:
                if fish.hp <= 0:
                    fish.dead = True
                else:
                    alive[side] += 1
        self.state += 1
        if self.state > STATE_LIMIT:
            self.winner = adjudicate(self.teams[0], self.teams[1])
            self.end_reason = "state_limit"
            return
        dead0, dead1 = alive[0] == 0, alive[1] == 0
        if dead0 or dead1:
            self.winner = mover if dead0 and dead1 else (1 if dead0 else 0)
            self.end_reason = "eliminated"
            return
        if self.phase == "guess":
            self.phase = "action"
        else:
            self.phase = "guess"
            self.to_move = 1 - mover


def adjudicate(team0: list[Fish], team1: list[Fish]) -> int:
    """The state-limit winner: more fish with hp > 0, then more positive HP, then the larger
    top HP; slot 1 (the second mover) on a full tie."""
    def keys(team: list[Fish]) -> tuple[int, int, int]:
        return (sum(1 for f in team if f.hp > 0),
                sum(f.hp for f in team if f.hp > 0),
                max(0, *(f.hp for f in team)))
    k0, k1 = keys(team0), keys(team1)
    return 0 if k0 > k1 else 1
