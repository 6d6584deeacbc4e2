"""DCG samples: AgentBench's generated game list, and the upstream-style record loader."""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agentbench_gym.envs.card_game.bots import BOTS
from agentbench_gym.errors import DataFormatError


@dataclass(frozen=True, slots=True)
class CardGameSample:
    """One game: the opponent bot, the agent's seat and the bot's seed.

    Attributes:
        id: e.g. ``"baseline2-first-1"`` (opponent, agent moves first/second, repeat).
        opponent: ``"baseline1"`` or ``"baseline2"``.
        agent_slot: 0 when the agent moves first, 1 when the bot does.
        seed: seeds the bot's ``numpy.random.Generator``; it fixes the whole game.
    """

    id: str
    opponent: str
    agent_slot: int
    seed: int


def make_samples(split: str, test_time: int) -> list[CardGameSample]:
    """AgentBench's sample list: baseline1/baseline2 x agent first/second x ``test_time`` repeats.

    The seed of each sample is the CRC-32 of ``"DCG/<split>/<id>"``.
    """
    samples = []
    for opponent in ("baseline1", "baseline2"):
        for slot in (0, 1):
            for repeat in range(test_time):
                sample_id = f"{opponent}-{('first', 'second')[slot]}-{repeat}"
                seed = zlib.crc32(f"DCG/{split}/{sample_id}".encode())
                samples.append(CardGameSample(sample_id, opponent, slot, seed))
    return samples


def sample_from_record(record: Mapping[str, Any], index: int, path: Path) -> CardGameSample:
    """A sample from an upstream-style record ``{"stage": 2, "base": "baseline1", "agent": 0}``."""
    try:
        opponent, slot = str(record["base"]), int(record["agent"])
    except (KeyError, TypeError, ValueError) as exc:
        raise DataFormatError(f"{path}: record {index} needs 'base' and 'agent' ({exc})") from exc
    if opponent not in BOTS or slot not in (0, 1) or record.get("stage", 2) != 2:
        raise DataFormatError(f"{path}: record {index}: base must be one of {sorted(BOTS)}, "
                              "agent 0 or 1, stage 2")
    sample_id = str(record.get("id", f"{index}"))
    seed = int(record.get("seed", zlib.crc32(f"DCG/{path.stem}/{sample_id}".encode())))
    return CardGameSample(sample_id, opponent, slot, seed)
