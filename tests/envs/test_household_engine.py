"""The warm engine gives exactly what ALFWorld's engine as shipped gives (text, commands, outcome)."""

from __future__ import annotations

import gzip
import json

import numpy as np
import pytest

pytest.importorskip("alfworld", reason="needs the alfworld extra")

from agentbench_gym.envs.household import HouseholdEnv
from agentbench_gym.envs.household.backends import ReferenceEngine, WarmEngine
from agentbench_gym.envs.household.games import assemble


def compare(key, game, walkthrough, rng, random_steps=12):
    """Play walkthrough + random admissible commands + junk on both engines, twice (reset rewinds)."""
    reference, warm = ReferenceEngine(), WarmEngine()
    try:
        for episode in range(2):
            expected, got = reference.start(key, game), warm.start(key, game)
            assert got == expected, f"{key}: openings differ"
            commands = list(walkthrough) if episode == 0 else []
            for command in commands:
                expected, got = reference.step(command), warm.step(command)
                assert got == expected, f"{key}: after {command!r}"
            if commands:
                assert got.won, f"{key}: walkthrough does not win"
            for _ in range(random_steps):
                command = str(rng.choice(expected.admissible)) if rng.random() < 0.9 else "jump around"
                expected, got = reference.step(command), warm.step(command)
                assert got == expected, f"{key}: after {command!r}"
    finally:
        reference.close()
        warm.close()


def builtin_games(split="dev"):
    env = HouseholdEnv(split=split)
    try:
        return [(s.id, assemble(env._records[s.source], "agentbench"), s.walkthrough) for s in env.samples]
    finally:
        env.close()


def to_put(walkthrough):
    """``move X to Y`` -> ``put X in/on Y`` (AgentBench's games use the older phrasing)."""
    return [c.replace("move ", "put ", 1).replace(" to ", " in/on ") if c.startswith("move ") else c
            for c in walkthrough]


def agentbench_dev_games(alfworld_dir):
    with gzip.open(alfworld_dir / "alfworld_valid_unseen.jsonl.gz", "rt") as handle:
        walk = {r["name"]: r["game"]["walkthrough"] for r in map(json.loads, handle)}
    with gzip.open(alfworld_dir / "agentbench_games_v2.1.1.jsonl.gz", "rt") as handle:
        records = [r for r in map(json.loads, handle) if "dev" in r["agentbench"]]
    return [(r["name"], r["game"], to_put(walk[r["name"]])) for r in records]


def test_same_play_on_a_builtin_game():
    rng = np.random.default_rng(0)
    games = [g for g in builtin_games() if g[0].endswith(("bathroom", "bedroom"))]
    for key, game, walkthrough in games[:1]:  # every dev game: the slow test below
        compare(key, game, walkthrough, rng, random_steps=6)


def test_same_play_on_an_agentbench_game(shared_data):
    rng = np.random.default_rng(1)
    games = agentbench_dev_games(shared_data / "alfworld")
    key, game, walkthrough = next(g for g in games if "Toilet-424" in g[0])
    compare(key, game, walkthrough, rng, random_steps=6)


@pytest.mark.slow
def test_same_play_on_every_dev_game(shared_data):
    rng = np.random.default_rng(2)
    for key, game, walkthrough in builtin_games() + agentbench_dev_games(shared_data / "alfworld"):
        compare(key, game, walkthrough, rng, random_steps=25)


def test_game_switches_in_one_engine_match_fresh_loads():
    rng = np.random.default_rng(3)
    games = [g for g in builtin_games() if g[0].endswith("bathroom")][:2]
    warm, reference = WarmEngine(), ReferenceEngine()
    try:
        for _ in range(2):
            for key, game, _walk in games:  # A, B, A, B: the library reloads the SAS task on each switch
                expected, got = reference.start(key, game), warm.start(key, game)
                assert got == expected
                for _ in range(3):
                    command = str(rng.choice(expected.admissible))
                    expected = reference.step(command)
                    assert warm.step(command) == expected
    finally:
        warm.close()
        reference.close()


def test_disk_cached_game_plays_the_same_in_another_process(tmp_path, monkeypatch):
    import subprocess
    import sys

    from agentbench_gym.envs.household.backends import warm as warm_module

    monkeypatch.setenv("AGENTBENCH_GYM_CACHE", str(tmp_path))
    key, game, walkthrough = next(g for g in builtin_games() if g[0].endswith("bathroom"))
    # Another interpreter (another string-hash seed) translates the game and writes the cache entry.
    script = ("from agentbench_gym.envs.household import HouseholdEnv\n"
              f"env = HouseholdEnv(); env.reset(options={{'sample': {key!r}}}); env.close()\n")
    subprocess.run([sys.executable, "-c", script], check=True, env={**__import__("os").environ,
                                                                   "PYTHONHASHSEED": "12345"})
    assert len(list((tmp_path / "household").glob("*.pickle"))) == 1
    monkeypatch.setattr(warm_module, "_WARM", type(warm_module._WARM)())  # forget this process's warm games
    built = []
    monkeypatch.setattr(WarmEngine, "_build", lambda self, g: built.append(g))  # must come from the disk
    compare(key + ":agentbench", game, walkthrough, np.random.default_rng(4), random_steps=10)
    assert not built
