# ruff: noqa: E501  (upstream's messages are kept verbatim, long lines included)
"""AgentBench's Aquawar messages, word for word (``../shared/AQUAWAR.md`` §5), and their builders.

The rules messages and the prompt templates are constants; ``guess_prompt`` and ``action_prompt``
fill them from plain values. The builders format by hand (no ``json.dumps``/``repr`` calls) for
speed; the tests check that the result is identical to upstream's ``json.dumps``/``str`` output.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from agentbench_gym.envs.card_game.engine import FISH_NAMES, ActionRecord, Game

ACKNOWLEDGEMENT = "Okay, I will play the game with you according to the rules."
"""The canned assistant reply that follows every rules message."""

_COUNTER = "Counter: Deal 30 damage to attacker when a teammate's health is below 30%. "
_DEFLECT = ("Deflect: Distribute 70% damage to teammates and takes 30% when attacked. "
            "Gains 40 attack points after taking 200 damage accumulated. ")
_INFIGHT = ("Infight: Attack one alive teammate for 75 damage and increases your attack points "
            "by 140. Notice! You can't attack yourself or dead teamate! ")
FISH_DESCRIPTIONS: dict[str, dict[str, str]] = {
    "spray": {"passive": _COUNTER, "active": "AOE: Attack all enemies for 35% of its attack points."},
    "flame": {"passive": _COUNTER, "active": _INFIGHT},
    "eel": {"passive": _DEFLECT, "active": "AOE: Attack all enemies for 35% of your attack points."},
    "sunfish": {"passive": _DEFLECT, "active": _INFIGHT},
}
"""The skill texts the prompts show (upstream's, including where they misdescribe the engine)."""

_FISH = repr(FISH_DESCRIPTIONS)  # upstream interpolates the dict with %s: its Python repr
_GUESS_FORMAT = repr({"guess_type": "the enemy's fish type you may guess",
                      "target_position": "guess target's position, you must choose from [0,3]"})
_ACTION_FORMAT = repr({"pick_fish": "pick an alive fish, you should give the name of the alive fish",
                       "action": "choose from [normal, active]",
                       "target_position": "target's position, you must choose from [0,3]"})

def _rules(intro: str, reply_format: str) -> str:
    """A rules message: its own opening lines, then the rosters and reply format both share."""
    return f"""{intro}
The victory condition is to have more fish alive at the end of the game.

The following are the four types of your pet fish:
{_FISH}

The following are the four types of enemy's pet fish:
{_FISH}

Play the game with me. In each round, you should output your thinking process, and return your move with following JSON format:
{reply_format}

Notice! You must return your move in each round. Otherwise, you will be considered defeated."""


GUESS_RULES = _rules("""This is a two-player battle game with four pet fish in each team. The types of fish may vary.
Each fish has its initial health, attack power, active ability, and passive ability.
All fish's identities are initially hidden. You should guess one of the enemy fish's identities in each round. If you guess right, the enemy fish's identity is revealed, and each of the enemy's fish will get 50 damage. You can only guess the identity of the live fish.""", _GUESS_FORMAT)
"""The rules message of the guess conversation (2,910 characters)."""

ACTION_RULES = _rules("""This is a two-player battle game with four pet fish on each team. The types of fish may vary.
Each fish has its 400 initial health, 200 attack power, active ability, and passive ability.
You can choose a live fish to use its active skill or normal attack (causing half of attack power as damage) on an enemy fish each round.
When the conditions are met, the fish's passive ability will automatically trigger, regardless of whether it is chosen.
Your fish's identity is initially hidden. The enemy can guess one of your fish's identity in each round. If the enemy guesses right, your fish's identity is revealed, and each of your fish will get 50 damage.""", _ACTION_FORMAT)
"""The rules message of the action conversation (3,178 characters)."""

GUESS_TEMPLATE = ("\nPrevious Guess: \n{}\nLive Unknown Enemy Fish: \n{}\nEnemy's previous action: \n{}\n"
                  "Enemy's previous triggered passive ability: \n{}\nPlease output your guess.\n")
ACTION_TEMPLATE = ("\nFollowing is the current game state:\n{}\nYour previous action: \n{}\n"
                   "Enemy's previous action:\n{}\nPlease Output your next action.\n")

NO_ACTION = "{'ACTION_FISH': 'None', 'ATK': 'None', 'TARGET': 'None'}"
NO_ENEMY_ACTION = "{'ACTION_FISH': 'None', 'ATK': 'None', 'TARGET': 'None', 'SKILL_TYPE': 'None'}"

_STATE_ROW = '{{"POSITION": "{}", "ID": "{}", "HP": "{}", "ATK": "{}"}}'


def action_summary(actor: int, value: int, targets: Sequence[int], skill: str | None = None) -> str:
    """One "previous action" entry, as upstream's ``str()`` of its dict of strings.

    ``skill`` adds the ``SKILL_TYPE`` key (the guess prompt's enemy action only).
    """
    text = f"{{'ACTION_FISH': '{actor}', 'ATK': '{value}', 'TARGET': '{list(targets)}'"
    return f"{text}, 'SKILL_TYPE': '{skill}'}}" if skill is not None else text + "}"


def passives_summary(entries: Iterable[tuple[int, str]]) -> str:
    """``json.dumps`` of ``{"Position: <p>": <kind>}``; later entries overwrite earlier keys."""
    found: dict[int, str] = {}
    for position, kind in entries:
        found[position] = kind
    return "{" + ", ".join(f'"Position: {p}": "{k}"' for p, k in found.items()) + "}"


def guess_prompt(previous_right: bool, unknown: Iterable[int], enemy_action: str, passives: str) -> str:
    """The per-decision guess prompt."""
    live = "[" + ", ".join(f"'{p}'" for p in unknown) + "]"
    return GUESS_TEMPLATE.format(previous_right, live, enemy_action, passives)


def state_table(my_hp: Sequence[int], my_atk: Sequence[int],
                enemy_ids: Sequence[int], enemy_hp: Sequence[int]) -> str:
    """The action prompt's state table: ``json.dumps`` of ``{"You": [...], "Enemy": [...]}``.

    Own fish always show their names; enemy fish show ``unknown`` until revealed (id -1).
    """
    you = ", ".join(_STATE_ROW.format(p, FISH_NAMES[p], my_hp[p], my_atk[p]) for p in range(4))
    enemy = ", ".join(_STATE_ROW.format(p, "unknown" if enemy_ids[p] == -1 else FISH_NAMES[enemy_ids[p] - 1],
                                        enemy_hp[p], "unknown") for p in range(4))
    return f'{{"You": [{you}], "Enemy": [{enemy}]}}'


def action_prompt(state: str, my_action: str, enemy_action: str) -> str:
    """The per-decision action prompt."""
    return ACTION_TEMPLATE.format(state, my_action, enemy_action)


_ZERO_TARGETS = (0,) * 12
_ZERO_PASSIVES = ((0, "Counter"),) * 24  # upstream's zero-filled slots read as "Position: 0": "Counter"


class PromptBuilder:
    """Builds one player's guess and action prompts, as AgentBench's client ``AI_En`` does.

    With ``upstream=False`` (the default) the summaries are correct: "Live Unknown Enemy Fish" is
    the living hidden enemy positions, each previous action shows the acting position, the damage
    per target and the target positions, and the passives are those the enemy fired during our
    last action, keyed by the fish that fired them. With ``upstream=True`` they reproduce
    upstream's defects (AQUAWAR.md §5.4): positions ever guessed drop out of "Live Unknown",
    TARGET lists indices of non-zero slots of a never-cleared 12-slot array, ATK is stale after an
    infight, and the passive dict reads 24 never-cleared slots (so ``"Position: 0": "Counter"`` is
    always there) with a counter keyed by the fish that was hit.

    Call ``note_guess`` after each accepted guess reply of this player.
    """

    def __init__(self, game: Game, player: int, *, upstream: bool = False) -> None:
        """Build prompts for ``player`` of ``game`` (an ``engine.Game``)."""
        self.game = game
        self.player = player
        self.upstream = upstream
        self.guessed: list[int] = []  # positions of accepted guesses (upstream's known_enemy)
        # Upstream's SDK records, per acting player: enemy-side target slots and their values,
        # and the opposing team's passives (source, kind) in 24 slots.
        self._targets = [list(_ZERO_TARGETS), list(_ZERO_TARGETS)]
        self._values = [list(_ZERO_TARGETS), list(_ZERO_TARGETS)]
        self._passives = [list(_ZERO_PASSIVES), list(_ZERO_PASSIVES)]
        self._seen: list[object] = [None, None]

    def note_guess(self, position: int) -> None:
        """Record an accepted guess at ``position`` (right or wrong)."""
        self.guessed.append(position)

    def guess_prompt(self) -> str:
        """The prompt of this player's guess decision on the current board."""
        game, me = self.game, self.player
        enemy = game.teams[1 - me]
        record = game.last_action[1 - me]
        mine = game.last_action[me]
        if self.upstream:
            self._sync()
            unknown = [f.pos for f in enemy if not f.dead and f.pos not in self.guessed]
            slots = [*self._passives[me], *_ZERO_PASSIVES]
            passives = passives_summary((s, k) for s, k in slots)
        else:
            unknown = [f.pos for f in enemy if not f.dead and not f.revealed]
            passives = passives_summary((p.source, p.kind) for p in mine.passives) if mine else "{}"
        enemy_action = self._summary(record, 1 - me, True)
        return guess_prompt(game.last_guess_right[me], unknown, enemy_action, passives)

    def action_prompt(self) -> str:
        """The prompt of this player's action decision on the current board."""
        game, me = self.game, self.player
        if self.upstream:
            self._sync()
        mine, theirs = game.teams[me], game.teams[1 - me]
        state = state_table([0 if f.dead else f.hp for f in mine], [f.atk for f in mine],
                            [f.kind if f.revealed else -1 for f in theirs],
                            [0 if f.dead else f.hp for f in theirs])
        return action_prompt(state, self._summary(game.last_action[me], me, False),
                             self._summary(game.last_action[1 - me], 1 - me, False))

    def _summary(self, record: ActionRecord | None, actor_player: int, with_skill: bool) -> str:
        if record is None:
            return NO_ENEMY_ACTION if with_skill else NO_ACTION
        skill = record.skill if with_skill else None
        if self.upstream:
            slots = self._targets[actor_player]
            targets = [i for i in range(12) if slots[i] != 0]
            return action_summary(record.actor, self._values[actor_player][0], targets, skill)
        return action_summary(record.actor, record.value, record.targets, skill)

    def _sync(self) -> None:
        """Write each player's newest action into upstream's never-cleared slot arrays."""
        for player in (0, 1):
            record = self.game.last_action[player]
            if record is None or record is self._seen[player]:
                continue
            self._seen[player] = record
            if not record.own_side:  # an infight's targets go to the other array: these stay stale
                for i, target in enumerate(record.targets):
                    self._targets[player][i] = target
                    self._values[player][i] = record.value
            for i, passive in enumerate(record.passives[:24]):
                self._passives[player][i] = (passive.upstream_source, passive.kind)
