"""LTP offline judge: per-turn latency and agreement with labelled questions.

Usage: python benchmarks/bench_ltp.py [--steps 600] [--embeddings] [--torch-threads 1]
       [--turtlebench ../shared/data/ltp/turtlebench_cases_1532.jsonl]

Latency: ``env.step`` time of ``AgentBench/LTP-v0`` (offline judge, test split) over the
puzzles' probe and oracle questions, median and p95. Agreement: the judge's yes/no/irrelevant
against the gold answers of the built-in probe questions (dev: thresholds were chosen there;
test: held out) and its key-point decisions against the gold key labels. With --turtlebench,
also agreement with TurtleBench's labelled guesses (Correct/Incorrect/Unknown = yes/no/
irrelevant), judging from each story's solution text alone (no structured key: the solution's
sentences are taken as true facts), which shows what the structured key buys.
Prints Markdown for benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import time
from pathlib import Path

import gymnasium as gym
from timing import percentile  # benchmarks/timing.py (scripts run with benchmarks/ on sys.path)

import agentbench_gym  # noqa: F401
from agentbench_gym.envs.lateral_thinking.agreement import probe_agreement
from agentbench_gym.envs.lateral_thinking.backends.offline import OfflineJudge
from agentbench_gym.envs.lateral_thinking.data import Fact, KeyPoint, Puzzle, load_builtin
from agentbench_gym.envs.lateral_thinking.oracle import oracle_questions


def latency(steps: int, embeddings: bool) -> tuple[float, float, int]:
    """(median s, p95 s, steps) of env.step with the offline judge."""
    env = gym.make("AgentBench/LTP-v0", split="test", embeddings=embeddings, stop_when_solved=False)
    base = env.unwrapped
    times: list[float] = []
    index = 0
    while len(times) < steps:
        env.reset(options={"sample": index % len(base.samples)})
        puzzle = base.sample
        questions = [p.question for p in puzzle.probes] + [q for _, q in oracle_questions(puzzle)]
        for question in questions:
            t0 = time.perf_counter()
            *_, terminated, truncated, _info = env.step(question)
            times.append(time.perf_counter() - t0)
            if terminated or truncated:
                break
        index += 1
    env.close()
    return statistics.median(times), percentile(times, 0.95), len(times)


def turtlebench(path: Path, stories_path: Path, judge: OfflineJudge) -> tuple[float, int]:
    """Accuracy of the judge on TurtleBench's English guesses, from solution sentences alone."""
    stories = {s["title_en"].strip(): s for s in json.loads(stories_path.read_text(encoding="utf-8"))}
    gold = {"Correct": "yes", "Incorrect": "no", "Unknown": "irrelevant"}
    right = n = 0
    current = None
    for line in path.open(encoding="utf-8"):
        case = json.loads(line)
        story = stories.get(case["title_en"].strip())
        if story is None:
            continue
        if current != story["title_en"]:
            sentences = [s for s in re.split(r"(?<=[.!?])\s+", story["bottom_en"]) if s.strip()]
            judge.start(Puzzle(id=story["title_en"], story=story["surface_en"], truth=story["bottom_en"],
                               story_keys=(), answer_key_lines=tuple(sentences),
                               key_points=tuple(KeyPoint(s) for s in sentences),
                               facts=tuple(Fact(s, True) for s in sentences)))
            current = story["title_en"]
        n += 1
        right += judge.ask(case["guess_en"], ()).verdict == gold[case["label_en"]]
    return right / max(1, n), n


def main() -> None:
    """Measure and print Markdown."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=600)
    parser.add_argument("--embeddings", action="store_true", help="also measure the embedding judge")
    parser.add_argument("--torch-threads", type=int, default=0, help="torch.set_num_threads (0: leave)")
    parser.add_argument("--turtlebench", type=Path, help="turtlebench_cases_1532.jsonl (stories file beside it)")
    args = parser.parse_args()
    modes = [False, True] if args.embeddings else [False]
    if args.embeddings and args.torch_threads:
        import torch

        torch.set_num_threads(args.torch_threads)
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs\n")
    print("| judge | step median | step p95 | steps | dev answers | dev keys | test answers | test keys |"
          + (" TurtleBench |" if args.turtlebench else ""))
    print("|---|---|---|---|---|---|---|---|" + ("---|" if args.turtlebench else ""))
    for embeddings in modes:
        median, p95, n = latency(args.steps, embeddings)
        judge = OfflineJudge(embeddings=embeddings)
        dev, test = probe_agreement(judge, load_builtin("dev")), probe_agreement(judge, load_builtin("test"))
        row = (f"| {'lexical + MiniLM' if embeddings else 'lexical'} | {median * 1e3:.2f} ms | {p95 * 1e3:.2f} ms "
               f"| {n} | {dev.answer_accuracy:.1%} ({dev.n}) | {dev.key_accuracy:.1%} "
               f"| {test.answer_accuracy:.1%} ({test.n}) | {test.key_accuracy:.1%} |")
        if args.turtlebench:
            accuracy, cases = turtlebench(args.turtlebench, args.turtlebench.parent / "turtlebench_stories.json",
                                          judge)
            row += f" {accuracy:.1%} ({cases}) |"
        print(row)
    print(f"\nload average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
