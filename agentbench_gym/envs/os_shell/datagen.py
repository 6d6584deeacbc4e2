"""Generator of the built-in OS splits (``data/dev.jsonl``, ``data/test.jsonl``).

Run ``python -m agentbench_gym.envs.os_shell.datagen`` to rewrite them; the output is a
pure function of the seeds. Each template yields one record in AgentBench's schema plus
``id`` and ``solution`` (gold bash commands). Questions are judged with ``match`` or with a
check pipeline against a reference command run after the episode (AgentBench's ``[null,
integer-match]`` form); operations are judged by check scripts. Topics follow AgentBench's:
file system, counting, text processing, users and permissions, processes, archives, and
small command-writing tasks.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from agentbench_gym.envs.os_shell.datagen_system import SYSTEM_TEMPLATES
from agentbench_gym.envs.os_shell.datagen_templates import FILE_TEMPLATES

TEMPLATES = (*FILE_TEMPLATES, *SYSTEM_TEMPLATES)

Record = dict[str, Any]


def make_split(name: str, seed: int, per_template: Callable[[int], int]) -> list[Record]:
    """Records of one split: ``per_template(i)`` samples from template ``i``, ids ``<name>-NNN``."""
    rng = np.random.default_rng(seed)
    records: list[Record] = []
    for index, template in enumerate(TEMPLATES):
        for _ in range(per_template(index)):
            record = template(rng)
            records.append({"id": f"{name}-{len(records):03d}", **record})
    return records


def write_split(records: list[Record], path: Path) -> None:
    """Write records as JSON Lines."""
    with open(path, "w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def main() -> None:
    """Rewrite the built-in splits next to this module."""
    out = Path(__file__).with_name("data")
    n = len(TEMPLATES)
    # dev: every template once (at least AgentBench's 26); test: 100+ spread over templates.
    write_split(make_split("dev", 20240601, lambda i: 1), out / "dev.jsonl")
    write_split(make_split("test", 20240602, lambda i: 3 if i < 110 - 2 * n else 2), out / "test.jsonl")


if __name__ == "__main__":
    main()
