"""Report which samples' gold SQL/answer score 1.0 on a backend (e.g. which official samples run on SQLite).

Usage: ``python -m agentbench_gym.envs.database.check [DATA_DIR] [--split dev|std] [--backend sqlite|mysql]``

Without ``DATA_DIR`` the built-in split is checked. Each failing sample is listed with its type,
the observation of its gold SQL and the graded answer, so that a MySQL-only sample is explained.
"""

from __future__ import annotations

import argparse
from typing import Any

import gymnasium as gym

import agentbench_gym  # noqa: F401  (registers the ids)
from agentbench_gym.baselines import make_policy


def check(env: Any) -> list[dict[str, Any]]:
    """Replay every sample's gold through ``env``; return one record per sample."""
    policy = make_policy("scripted", env)
    records = []
    for index, sample in enumerate(env.unwrapped.samples):
        policy.reset()
        obs, info = env.reset(options={"sample": index})
        observations = []
        while True:
            obs, _reward, terminated, truncated, info = env.step(policy.act(obs, info))
            observations.append(obs)
            if terminated or truncated:
                break
        metrics = info["metrics"]
        records.append({"id": sample.id, "type": sample.type, "score": info["score"],
                        "outcome": str(info["outcome"]), "gold_observation": observations[0][:300],
                        "answer": metrics.get("answer", ""), "setup_errors": metrics.get("setup_errors")})
    return records


def main() -> None:
    """Print the number of samples scoring 1.0 and explain the others."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data_dir", nargs="?", help="AgentBench's data/dbbench folder (default: built-in)")
    parser.add_argument("--split", default="dev")
    parser.add_argument("--backend", default="sqlite", choices=("sqlite", "mysql"))
    parser.add_argument("--mysql-url", default=None)
    args = parser.parse_args()
    kwargs: dict[str, Any] = {"split": args.split, "backend": args.backend}
    if args.data_dir:
        kwargs["data_dir"] = args.data_dir
    if args.mysql_url:
        kwargs["mysql_url"] = args.mysql_url
    env = gym.make("AgentBench/DB-v0", **kwargs)
    try:
        records = check(env)
    finally:
        env.close()
    good = sum(r["score"] == 1.0 for r in records)
    print(f"{good} of {len(records)} samples score 1.0 with their gold on {args.backend}")
    for r in records:
        if r["score"] != 1.0 or r["setup_errors"]:
            print(f"- sample {r['id']} ({r['type']}): score {r['score']}, {r['outcome']}; gold SQL gave "
                  f"{r['gold_observation']!r}; graded answer {r['answer']!r}; set-up errors {r['setup_errors']}")


if __name__ == "__main__":
    main()
