"""A naive WS policy as a difficulty yardstick: search the instruction, buy the first hit.

Usage: python benchmarks/ws_first_hit_baseline.py [--data-dir ../shared/data/webshop]

Prints mean reward and success rate on the built-in dev/test splits and, when the folder
exists, on WebShop's 1000-product data (synthetic goals, dev = 200-279, test = 0-199).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from agentbench_gym.envs.web_shopping.env import WebShopEnv


def first_hit(env: WebShopEnv) -> tuple[float, float]:
    """Mean reward and success rate of the first-hit policy over the env's split."""
    rewards = []
    for index in range(len(env.samples)):
        env.reset(options={"sample": index})
        env.step(f"Action: search[{env.sample.instruction.split(', and price')[0]}]")
        hits = [c for c in env.session.clickables() if c.startswith("b0")]
        if hits:
            env.step(f"Action: click[{hits[0]}]")
            reward = env.step("Action: click[buy now]")[1]
        else:
            reward = 0.0
        rewards.append(reward)
    return sum(rewards) / len(rewards), sum(r == 1.0 for r in rewards) / len(rewards)


def main() -> int:
    """Print one line per (data, split)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path(__file__).resolve().parents[2] / "shared"
                        / "data" / "webshop")
    args = parser.parse_args()
    sources = [(None, "built-in")] + ([(str(args.data_dir), "WebShop 1000")] if args.data_dir.is_dir() else [])
    for data_dir, name in sources:
        for split in ("dev", "test"):
            mean, success = first_hit(WebShopEnv(split=split, data_dir=data_dir, tagger="heuristic"))
            print(f"{name} {split}: mean reward {mean:.3f}, success {success:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
