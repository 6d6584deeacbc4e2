"""WB per-step latency (HTML parsing, pruning/rendering, candidate ranking) and ranker recall@k.

Usage: python benchmarks/bench_web_browsing.py [--repeat 5]

One Mind2Web step is one episode (a tournament of 2-3 rounds). Its latency is the env's own time
from ``reset`` to the last ``step`` with the scripted solver (the solver's time excluded), with
the page and ranking caches cleared first, so parsing and ranking are counted every time.
Prints Markdown for benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
from agentbench_gym.baselines import make_policy
from timing import percentile  # benchmarks/timing.py (scripts run with benchmarks/ on sys.path)

from agentbench_gym.envs.web_browsing import WebBrowsingEnv
from agentbench_gym.envs.web_browsing.data import load_builtin, load_data_dir
from agentbench_gym.envs.web_browsing.sites import E, button, candidates, footer, header, link, page, render
from agentbench_gym.envs.web_browsing.tournament import candidate_ranks, parse_page, recall_at_k

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"


def big_page_dir(folder: Path, target_kb: int = 200) -> Path:
    """A results page of at least ``target_kb`` KB (one step, no ranker scores: BM25 ranks it)."""
    rng = np.random.default_rng(0)
    cards, n = [], 0
    while True:
        cards.append(E("li", {"class": "product-card"}, link(f"Brand{n} product number {n}"),
                       E("span", {}, f"${n % 97}.99"), button("Add to cart", aria_label=f"Add item {n} to cart")))
        n += 1
        if n % 50 == 0:
            root = page("bigshop", header("Bigshop", ["Deals", "New"]), E("main", {}, E("ul", {}, *cards)),
                        footer("Bigshop", [("Help", ["Returns"])]))
            html = render(root, rng)
            if len(html) >= target_kb * 1000:
                break
    target = cards[len(cards) // 2].kids[0]
    pos, neg = candidates(root, target)
    task = {"annotation_id": "big", "website": "bigshop", "confirmed_task": f"Open {target.label()}",
            "action_reprs": ["[link]  target -> CLICK"], "actions": [{
                "action_uid": "a0", "operation": {"op": "CLICK", "value": ""}, "cleaned_html": html,
                "pos_candidates": pos, "neg_candidates": neg}]}
    (folder / "big.json").write_text(json.dumps([task]), encoding="utf-8")
    return folder


def measure(env: WebBrowsingEnv, repeat: int) -> dict[str, float]:
    """Per-step (episode) env time in seconds over every sample, ``repeat`` times."""
    policy = make_policy("scripted", env)
    times, cpu, rounds, sizes = [], [], [], []
    for _ in range(repeat):
        for index, sample in enumerate(env.samples):
            parse_page.cache_clear()
            candidate_ranks.cache_clear()
            policy.reset()
            t0, c0 = time.perf_counter(), time.process_time()
            obs, info = env.reset(seed=index, options={"sample": index})
            elapsed, used = time.perf_counter() - t0, time.process_time() - c0
            done = False
            while not done:
                action = policy.act(obs, info)
                t0, c0 = time.perf_counter(), time.process_time()
                obs, _r, terminated, truncated, info = env.step(action)
                elapsed += time.perf_counter() - t0
                used += time.process_time() - c0
                done = terminated or truncated
            times.append(elapsed)
            cpu.append(used)
            rounds.append(info["turn"])
            sizes.append(len(sample.cleaned_html))
    return {"median": statistics.median(times), "p95": percentile(times, 0.95), "n": len(times),
            "cpu_median": statistics.median(cpu), "cpu_p95": percentile(cpu, 0.95),
            "rounds": statistics.mean(rounds), "kb": statistics.mean(sizes) / 1000}


def main() -> None:
    """Run the cases and print the Markdown section."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--big-repeat", type=int, default=40, help="episodes on the 200 KB page")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        cases = [("built-in dev (BM25)", WebBrowsingEnv(split="dev")),
                 ("built-in test (BM25)", WebBrowsingEnv(split="test")),
                 ("synthetic 200 KB page (BM25)", WebBrowsingEnv(data_dir=str(big_page_dir(Path(tmp)))))]
        if (SHARED / "mind2web").is_dir():
            folder = str(SHARED / "mind2web")
            cases += [("real Mind2Web step (data ranks)", WebBrowsingEnv(data_dir=folder)),
                      ("real Mind2Web step (BM25 over 468)", WebBrowsingEnv(data_dir=folder, ranker="bm25"))]
        for name, env in cases:
            m = measure(env, args.big_repeat if len(env.samples) == 1 else args.repeat)
            candidates_n = statistics.mean(len(s.positives) + len(s.negatives) for s in env.samples)
            rows.append(f"| {name} | {m['kb']:.0f} | {candidates_n:.0f} | {m['rounds']:.1f} | "
                        f"{m['median'] * 1000:.2f} | {m['p95'] * 1000:.2f} | {m['cpu_median'] * 1000:.2f} | "
                        f"{m['cpu_p95'] * 1000:.2f} | {m['n']} |")
    print(f"load average at the end: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    print()
    print("| steps | page KB | candidates | rounds | median ms/step | p95 ms/step | CPU median ms | CPU p95 ms "
          "| episodes |")
    print("|---|---|---|---|---|---|---|---|---|")
    print("\n".join(rows))
    print()
    print("| data | ranker | recall@1 | @5 | @10 | @20 | @50 | steps |")
    print("|---|---|---|---|---|---|---|---|")
    sets = [(f"built-in {split}", [s for t in load_builtin(split) for s in t.steps]) for split in ("dev", "test")]
    if (SHARED / "mind2web").is_dir():
        sets.append(("real Mind2Web step", [s for t in load_data_dir(SHARED / "mind2web", "dev") for s in t.steps]))
    for name, steps in sets:
        for use_data in (True, False):
            if use_data and not all(s.ranked for s in steps):
                continue
            r = recall_at_k(steps, use_data_ranks=use_data)
            label = "Mind2Web DeBERTa (data)" if use_data else "BM25 + prior"
            print(f"| {name} | {label} | " + " | ".join(f"{r[k]:.3f}" for k in (1, 5, 10, 20, 50))
                  + f" | {len(steps)} |")


if __name__ == "__main__":
    main()
