# ruff: noqa: E501  (upstream's messages are kept verbatim, long lines included)
"""Aquawar engine, bots, prompts and parser against ../shared/AQUAWAR.md."""

from __future__ import annotations

import json

import numpy as np
import pytest

from agentbench_gym.envs.card_game import prompts
from agentbench_gym.envs.card_game.bots import Baseline1Bot, Baseline2Bot, make_bot
from agentbench_gym.envs.card_game.engine import (
    ACTIVE,
    NORMAL,
    STATE_LIMIT,
    Game,
    IllegalMove,
    Move,
    adjudicate,
)
from agentbench_gym.envs.card_game.parse import (
    INVALID,
    NO_JSON,
    candidates,
    parse_action,
    parse_guess,
)


def hp(game: Game, player: int) -> list[int]:
    return [f.hp for f in game.teams[player]]


def at_action(game: Game, player: int = 0) -> Game:
    """Skip phases (no guesses; player 1 attacks nothing harmful) until ``player``'s action."""
    while not (game.to_move == player and game.phase == "action"):
        if game.phase == "guess":
            game.guess(game.to_move, None)
        else:
            raise AssertionError("use a fresh game")
    return game


# ---------------------------------------------------------------- worked examples (§3.2)
def test_normal_attack_on_full_eel_deflects_70_30():
    game = at_action(Game())
    game.act(0, Move(0, NORMAL, 2))
    assert hp(game, 1) == [390, 390, 330, 390]


def test_170_on_eel_with_one_teammate_truncates():
    game = at_action(Game())
    for fish in game.teams[1][:2]:
        fish.hp, fish.dead = 0, True
    game.teams[0][1].atk = 340  # a flame after one infight: normal attack 170
    game.act(0, Move(1, NORMAL, 2))
    assert hp(game, 1)[2:] == [400 - 118, 400 - 51]


def test_spray_aoe_on_four_fish():
    game = at_action(Game())
    record = game.act(0, Move(0, ACTIVE, 0))
    assert hp(game, 1) == [400 - 84, 400 - 84, 400 - 56, 400 - 56]
    assert record.skill == "AOE" and record.targets == (0, 1, 2, 3) and record.value == 70
    assert [p.kind for p in record.passives] == ["Deflect", "Deflect"]


def test_sunfish_at_88_counters_60():
    game = at_action(Game())
    game.teams[1][3].hp = 88
    record = game.act(0, Move(0, NORMAL, 3))
    assert hp(game, 1) == [390, 390, 390, 18]
    assert game.teams[0][0].hp == 400 - 60
    counters = [p for p in record.passives if p.kind == "Counter"]
    assert [(p.source, p.upstream_source) for p in counters] == [(0, 3), (1, 3)]


def test_eel_aoe_uses_35_percent_of_atk_and_wound_raises_atk():
    game = at_action(Game())
    eel = game.teams[0][2]
    eel.atk = 240
    record = game.act(0, Move(2, ACTIVE, 0))
    assert record.value == 84
    game = at_action(Game())
    target = game.teams[1][2]
    target.wound = 190
    game.act(0, Move(0, NORMAL, 2))  # eel keeps 70: wound 260 -> +40 ATK, wound 60
    assert (target.atk, target.wound) == (240, 60)


def test_infight_is_untraceable_and_raises_atk():
    game = at_action(Game())
    record = game.act(0, Move(1, ACTIVE, 3))  # flame hits own sunfish: no deflect
    assert hp(game, 0) == [400, 400, 400, 325]
    assert game.teams[0][1].atk == 340 and record.own_side and record.passives == []
    game = at_action(Game())
    with pytest.raises(IllegalMove):
        game.act(0, Move(1, ACTIVE, 1))


def test_counter_triggers_on_the_killing_hit_and_death_is_deferred():
    game = at_action(Game())
    enemy = game.teams[1]
    enemy[0].hp = 40  # spray dies to the AOE's first hit but still counters for later hits
    enemy[1].hp = 60
    attacker = game.teams[0][0]
    game.act(0, Move(0, ACTIVE, 0))
    # Hit on spray (-30 hp): flame counters. Hit on flame (< 120): the dying spray counters.
    assert enemy[0].dead and enemy[1].dead
    assert attacker.hp == 400 - 30 - 30


# ---------------------------------------------------------------- guesses
def test_right_guess_reveals_and_hits_every_enemy_fish():
    game = Game()
    assert game.guess(0, 2, 3) is True
    assert game.teams[1][2].revealed and hp(game, 1) == [350] * 4
    assert game.view(1).my_ids == (1, 2, -3, 4) and game.view(0).enemy_ids == (-1, -1, 3, -1)


def test_wrong_guess_does_nothing_and_revealed_guess_is_null():
    game = Game()
    assert game.guess(0, 2, 4) is False
    assert hp(game, 1) == [400] * 4 and not game.teams[1][2].revealed
    game = Game()
    game.teams[1][0].revealed = True
    assert game.guess(0, 0, 1) is False  # turned into no guess
    assert hp(game, 1) == [400] * 4


def test_guess_can_kill_and_end_the_game():
    game = Game()
    for fish in game.teams[1]:
        fish.hp = 50
    game.guess(0, 1, 2)
    assert game.over and game.winner == 0 and game.end_reason == "eliminated"


def test_guess_at_dead_fish_is_illegal():
    game = Game()
    game.teams[1][1].dead = True
    with pytest.raises(IllegalMove):
        game.guess(0, 1, 2)


# ---------------------------------------------------------------- end of game
def test_both_teams_dead_the_mover_wins():
    game = at_action(Game())
    for fish in game.teams[1]:
        fish.hp = 1
    for fish in game.teams[0]:
        fish.hp = 1
    game.teams[1][0].hp = 10  # AOE kills all four; the last hits trigger counters that kill ours
    game.teams[1][1].hp = 10
    for fish in game.teams[0][1:]:
        fish.hp, fish.dead = 0, True
    game.teams[0][0].hp = 30
    game.act(0, Move(0, ACTIVE, 0))
    assert all(f.dead for f in game.teams[0]) and all(f.dead for f in game.teams[1])
    assert game.winner == 0


def test_state_limit_adjudication_and_tie_breaks():
    game = Game()
    phases = 0
    while not game.over:
        game.guess(game.to_move, None) if game.phase == "guess" else game.act(
            game.to_move, Move(1, ACTIVE, 0))  # flame infights spray: 75 per use
        phases += 1
        if game.phase == "action" and game.teams[game.to_move][0].hp <= 80:
            game.teams[game.to_move][0].hp = 400  # keep everyone alive
    assert game.end_reason == "state_limit" and game.state == STATE_LIMIT + 1
    assert phases == STATE_LIMIT - 2  # 126 post-pick phases

    def team(*hps):
        game = Game()
        for fish, value in zip(game.teams[0], hps, strict=True):
            fish.hp = value
        return game.teams[0]

    assert adjudicate(team(400, 400, 400, 0), team(1, 1, 1, 1)) == 1  # more living fish
    assert adjudicate(team(400, 400, 0, 0), team(300, 300, 0, 0)) == 0  # more HP
    assert adjudicate(team(300, 100, 0, 0), team(200, 200, 0, 0)) == 0  # larger top HP
    assert adjudicate(team(200, 200, 0, 0), team(200, 200, 0, 0)) == 1  # full tie: slot 1


def test_turn_order_and_damage_metric():
    game = Game()
    with pytest.raises(RuntimeError):
        game.act(0, Move(0, NORMAL, 0))
    game.guess(0, 0, 1)
    game.act(0, Move(0, NORMAL, 0))
    assert (game.to_move, game.phase) == (1, "guess")
    assert game.damage_to(1) == 4 * 50 + 100


# ---------------------------------------------------------------- bots
def play_bots(first, second) -> Game:
    game, bots = Game(), (first, second)
    while not game.over:
        player = game.to_move
        bot = bots[player]
        bot.begin_turn()
        guess = bot.guess(game.view(player))
        game.guess(player, *(guess or (None,)))
        if not game.over:
            move = bot.act(game.view(player))
            assert game.is_legal(player, move), move
            game.act(player, move)
    return game


@pytest.mark.parametrize("seed", range(60))
def test_bots_only_make_legal_moves(seed):
    names = ("baseline1", "baseline2")
    first = make_bot(names[seed % 2], np.random.default_rng(seed))
    second = make_bot(names[(seed // 2) % 2], np.random.default_rng(seed + 1000))
    game = play_bots(first, second)
    assert game.over and FIRST_OK(game.state)


def FIRST_OK(state: int) -> bool:
    return 4 <= state <= STATE_LIMIT + 1


def test_bots_are_reproducible_and_baseline2_is_stronger():
    results = [play_bots(Baseline2Bot(np.random.default_rng(s)), Baseline1Bot(np.random.default_rng(s + 1)))
               for s in range(40)]
    again = [play_bots(Baseline2Bot(np.random.default_rng(s)), Baseline1Bot(np.random.default_rng(s + 1)))
             for s in range(40)]
    assert [hp(g, 0) + hp(g, 1) for g in results] == [hp(g, 0) + hp(g, 1) for g in again]
    assert sum(g.winner == 0 for g in results) >= 28


def test_shuffles_share_one_permutation_per_turn():
    bot = Baseline1Bot(np.random.default_rng(3))
    bot.begin_turn()
    assert bot.shuffled([0, 1, 2, 3]) == bot.shuffled([0, 1, 2, 3])
    a, b = bot.shuffled([0, 1, 2]), bot.shuffled([5, 6, 7])
    assert [x + 5 for x in a] == b


def test_baseline2_never_guesses_revealed_ids_or_positions():
    view_game = Game()
    view_game.teams[0][0].revealed = True
    bot = Baseline2Bot(np.random.default_rng(0))
    for _ in range(50):
        position, fish_id = bot.guess(view_game.view(1))
        assert position != 0 and fish_id != 1 and fish_id in (2, 3, 4, 5, 6, 8, 9, 10)


# ---------------------------------------------------------------- prompts (§5)
FISH_LINE = """{'spray': {'passive': "Counter: Deal 30 damage to attacker when a teammate's health is below 30%. ", 'active': 'AOE: Attack all enemies for 35% of its attack points.'}, 'flame': {'passive': "Counter: Deal 30 damage to attacker when a teammate's health is below 30%. ", 'active': "Infight: Attack one alive teammate for 75 damage and increases your attack points by 140. Notice! You can't attack yourself or dead teamate! "}, 'eel': {'passive': 'Deflect: Distribute 70% damage to teammates and takes 30% when attacked. Gains 40 attack points after taking 200 damage accumulated. ', 'active': 'AOE: Attack all enemies for 35% of your attack points.'}, 'sunfish': {'passive': 'Deflect: Distribute 70% damage to teammates and takes 30% when attacked. Gains 40 attack points after taking 200 damage accumulated. ', 'active': "Infight: Attack one alive teammate for 75 damage and increases your attack points by 140. Notice! You can't attack yourself or dead teamate! "}}"""

GUESS_RULES = """This is a two-player battle game with four pet fish in each team. The types of fish may vary.
Each fish has its initial health, attack power, active ability, and passive ability.
All fish's identities are initially hidden. You should guess one of the enemy fish's identities in each round. If you guess right, the enemy fish's identity is revealed, and each of the enemy's fish will get 50 damage. You can only guess the identity of the live fish.
The victory condition is to have more fish alive at the end of the game.

The following are the four types of your pet fish:
FISH

The following are the four types of enemy's pet fish:
FISH

Play the game with me. In each round, you should output your thinking process, and return your move with following JSON format:
{'guess_type': "the enemy's fish type you may guess", 'target_position': "guess target's position, you must choose from [0,3]"}

Notice! You must return your move in each round. Otherwise, you will be considered defeated.""".replace("FISH", FISH_LINE)

ACTION_RULES = """This is a two-player battle game with four pet fish on each team. The types of fish may vary.
Each fish has its 400 initial health, 200 attack power, active ability, and passive ability.
You can choose a live fish to use its active skill or normal attack (causing half of attack power as damage) on an enemy fish each round.
When the conditions are met, the fish's passive ability will automatically trigger, regardless of whether it is chosen.
Your fish's identity is initially hidden. The enemy can guess one of your fish's identity in each round. If the enemy guesses right, your fish's identity is revealed, and each of your fish will get 50 damage.
The victory condition is to have more fish alive at the end of the game.

The following are the four types of your pet fish:
FISH

The following are the four types of enemy's pet fish:
FISH

Play the game with me. In each round, you should output your thinking process, and return your move with following JSON format:
{'pick_fish': 'pick an alive fish, you should give the name of the alive fish', 'action': 'choose from [normal, active]', 'target_position': "target's position, you must choose from [0,3]"}

Notice! You must return your move in each round. Otherwise, you will be considered defeated.""".replace("FISH", FISH_LINE)


def test_rules_messages_are_verbatim():
    assert prompts.GUESS_RULES == GUESS_RULES and len(GUESS_RULES) == 2910
    assert prompts.ACTION_RULES == ACTION_RULES and len(ACTION_RULES) == 3178
    assert prompts.ACKNOWLEDGEMENT == "Okay, I will play the game with you according to the rules."


def test_guess_prompt_matches_the_documented_example():
    expected = ("\nPrevious Guess: \nFalse\nLive Unknown Enemy Fish: \n['0', '1', '2', '3']\n"
                "Enemy's previous action: \n{'ACTION_FISH': '2', 'ATK': '70', 'TARGET': '[1, 2, 3]', "
                "'SKILL_TYPE': 'AOE'}\nEnemy's previous triggered passive ability: \n"
                '{"Position: 0": "Counter"}\nPlease output your guess.\n')
    action = prompts.action_summary(2, 70, [1, 2, 3], "AOE")
    assert action == str({"ACTION_FISH": "2", "ATK": "70", "TARGET": "[1, 2, 3]", "SKILL_TYPE": "AOE"})
    passives = prompts.passives_summary([(0, "Counter")])
    assert prompts.guess_prompt(False, [0, 1, 2, 3], action, passives) == expected


def test_action_prompt_matches_json_dumps():
    state = {"You": [{"POSITION": str(p), "ID": n, "HP": "400", "ATK": "200"}
                     for p, n in enumerate(("spray", "flame", "eel", "sunfish"))],
             "Enemy": [{"POSITION": str(p), "ID": "unknown", "HP": "400", "ATK": "unknown"} for p in range(4)]}
    table = prompts.state_table([400] * 4, [200] * 4, [-1] * 4, [400] * 4)
    assert table == json.dumps(state, ensure_ascii=False)
    text = prompts.action_prompt(table, prompts.NO_ACTION, prompts.NO_ACTION)
    assert text == ("\nFollowing is the current game state:\n" + table + "\nYour previous action: \n"
                    "{'ACTION_FISH': 'None', 'ATK': 'None', 'TARGET': 'None'}\nEnemy's previous action:\n"
                    "{'ACTION_FISH': 'None', 'ATK': 'None', 'TARGET': 'None'}\nPlease Output your next action.\n")


def test_passives_summary_is_json_dumps_of_the_dict():
    entries = [(2, "Deflect"), (0, "Counter"), (2, "Counter")]
    expected: dict[str, str] = {}
    for position, kind in entries:
        expected[f"Position: {position}"] = kind
    assert prompts.passives_summary(entries) == json.dumps(expected)
    assert prompts.passives_summary([]) == "{}"


def test_upstream_summaries_reproduce_the_defects():
    game = Game()
    builder = prompts.PromptBuilder(game, 0, upstream=True)
    game.guess(0, 1, 4)  # wrong guess at position 1
    builder.note_guess(1)
    game.act(0, Move(0, ACTIVE, 0))  # AOE on 0-3
    game.guess(1, None)
    game.act(1, Move(0, NORMAL, 3))  # normal attack on our sunfish
    text = builder.guess_prompt()
    assert "Live Unknown Enemy Fish: \n['0', '2', '3']\n" in text
    assert "{'ACTION_FISH': '0', 'ATK': '100', 'TARGET': '[0]', 'SKILL_TYPE': 'Normal'}" in text
    for _ in range(2):  # our normal attack, their AOE ...
        game.guess(game.to_move, None)
        game.act(game.to_move, Move(0, ACTIVE if game.to_move else NORMAL, 1))
        builder.guess_prompt()
    game.guess(0, None)
    game.act(0, Move(0, NORMAL, 1))
    game.guess(1, None)
    game.act(1, Move(0, NORMAL, 3))  # ... then their normal attack: stale slots stay
    text = builder.guess_prompt()
    assert "{'ACTION_FISH': '0', 'ATK': '100', 'TARGET': '[0, 1, 2, 3]', 'SKILL_TYPE': 'Normal'}" in text
    # Our last attack left the flame (1) under 120 HP and the spray (0) countered: upstream keys
    # the counter by the fish hit, keeps the AOE's stale deflect of 3 and adds the zero slot.
    assert '{"Position: 1": "Counter", "Position: 3": "Deflect", "Position: 0": "Counter"}' in text
    fixed = prompts.PromptBuilder(game, 0).guess_prompt()
    assert "['0', '1', '2', '3']" in fixed
    assert "{'ACTION_FISH': '0', 'ATK': '100', 'TARGET': '[3]', 'SKILL_TYPE': 'Normal'}" in fixed
    assert 'ability: \n{"Position: 0": "Counter"}\n' in fixed


def test_upstream_atk_is_stale_after_an_infight():
    game = Game()
    builder = prompts.PromptBuilder(game, 1, upstream=True)
    game.guess(0, None)
    game.act(0, Move(1, ACTIVE, 0))  # enemy flame infights its spray
    text = builder.guess_prompt()
    assert "{'ACTION_FISH': '1', 'ATK': '0', 'TARGET': '[]', 'SKILL_TYPE': 'Infight'}" in text
    fixed = prompts.PromptBuilder(game, 1).guess_prompt()
    assert "{'ACTION_FISH': '1', 'ATK': '75', 'TARGET': '[0]', 'SKILL_TYPE': 'Infight'}" in fixed


# ---------------------------------------------------------------- parser (§5.5)
@pytest.mark.parametrize(("reply", "expected"), [
    ("a {x} b {y}", ["{x}", "{y}"]),
    ("{{nested}}", ["{{nested}"]),
    ("{'a': 1}", ['{"a": 1}']),
    ("{ no close", []),
    ("}{", []),
    ("{" * 100_000, []),
])
def test_candidates_match_the_regex(reply, expected):
    import re
    assert list(candidates(reply)) == expected
    if len(reply) < 1000:
        assert [m.replace("'", '"') for m in re.findall(r"\{[\w\W]*?\}", reply)] == expected


LIVING = [0, 1, 2, 3]


@pytest.mark.parametrize(("reply", "expected"), [
    ('{"guess_type": "eel", "target_position": 2}', ((2, 3), 0)),
    ("I think {'guess_type': 'flame', 'target_position': '1'}", ((1, 2), 0)),
    ('{"guess_type": "eel", "target_position": " 2 "}', ((2, 3), 0)),
    ('{"guess_type": "eel", "target_position": 2.0}', (None, INVALID)),
    ('{"guess_type": "eel", "target_position": true}', (None, INVALID)),
    ('{"guess_type": "shark", "target_position": 2}', (None, INVALID)),
    ('{"guess_type": "eel", "target_position": 4}', (None, INVALID)),
    ('{"guess_type": ["eel"], "target_position": 2}', (None, INVALID)),
    ('{"guess_type": "eel", "target_position": [2]}', (None, INVALID)),
    ("{\"guess_type\": \"eel\", \"target_position\": 2, \"why\": \"it's\"}", (None, NO_JSON)),
    ('{"a": 1} then {"guess_type": "spray", "target_position": 0}', ((0, 1), 0)),
    ('{"guess_type": "spray", "target_position": 1' + "0" * 5000 + "}", (None, NO_JSON)),
    ("no json at all", (None, NO_JSON)),
    ("", (None, NO_JSON)),
    ('{"guess_type": {"x": "eel"}, "target_position": 2}', (None, NO_JSON)),
    ("\udcff{\"guess_type\": \"eel\", \"target_position\": 3}", ((3, 3), 0)),
])
def test_parse_guess(reply, expected):
    assert parse_guess(reply, LIVING) == expected


def test_parse_guess_needs_a_living_target():
    assert parse_guess('{"guess_type": "eel", "target_position": 2}', [0, 1, 3]) == (None, INVALID)


@pytest.mark.parametrize(("reply", "upstream", "expected"), [
    ('{"pick_fish": "spray", "action": "normal", "target_position": 3}', False, (0, "normal", 3)),
    ('{"pick_fish": "spray", "action": "active", "target_position": "x"}', False, None),
    ('{"pick_fish": "spray", "action": "active", "target_position": 3}', False, (0, "active", 0)),
    ('{"pick_fish": "eel", "action": "active", "target_position": 1}', False, (2, "active", 0)),
    ('{"pick_fish": "flame", "action": "active", "target_position": 1}', False, None),
    ('{"pick_fish": "flame", "action": "active", "target_position": 3}', False, (1, "active", 3)),
    ('{"pick_fish": "sunfish", "action": "active", "target_position": 0}', False, (3, "active", 0)),
    ('{"pick_fish": "0", "action": "normal", "target_position": 2}', False, (0, "normal", 2)),
    ('{"pick_fish": "0", "action": "normal", "target_position": 2}', True, (1, "normal", 2)),
    ('{"pick_fish": "3", "action": "normal", "target_position": 2}', True, None),
    ('{"pick_fish": "1", "action": "active", "target_position": 0}', True, None),
    ('{"pick_fish": "1", "action": "active", "target_position": 0}', False, (1, "active", 0)),
    ('{"pick_fish": "spray", "action": "special", "target_position": 0}', False, None),
    ('{"pick_fish": ["spray"], "action": "normal", "target_position": 0}', False, None),
])
def test_parse_action(reply, upstream, expected):
    move, code = parse_action(reply, LIVING, LIVING, upstream=upstream)
    assert move == expected
    assert code == (0 if expected else INVALID)


def test_parse_action_dead_fish():
    reply = '{"pick_fish": "flame", "action": "normal", "target_position": 0}'
    assert parse_action(reply, [0, 2, 3], LIVING)[0] is None
    assert parse_action(reply, LIVING, [1, 2, 3])[0] is None
