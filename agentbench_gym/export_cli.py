"""The ``export`` subcommand: trajectory records of a run folder → fine-tuning data.

``agentbench-gym export RUN_DIR --format sft|sharegpt|parquet [--only-success] [--min-score X]``
reads every trajectory record under RUN_DIR (``*.jsonl``, as written by the runner,
``TrajectoryRecorder`` or ``play_episode``), leaves out task and agent errors, applies the
filters and writes one file. ``add_export_parser`` plugs it into the main CLI.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from agentbench_gym.trajectory import read_records, select
from agentbench_gym.trajectory_export import FORMATS, export

_SUFFIX = {"sft": ".sft.jsonl", "sharegpt": ".sharegpt.jsonl", "parquet": ".parquet"}


def add_export_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``export`` subcommand to an ``argparse`` subparsers object; returns its parser."""
    parser = subparsers.add_parser(
        "export", help="turn a run's trajectories into fine-tuning data (SFT, ShareGPT, Parquet)",
        description="Read every trajectory record under RUN_DIR (*.jsonl files from the runner, "
                    "TrajectoryRecorder or play_episode), leave out task and agent errors, apply the "
                    "filters and write one file of fine-tuning data.")
    parser.add_argument("run_dir", help="folder (or one .jsonl file) holding trajectory records")
    parser.add_argument("--format", choices=FORMATS, default="sft",
                        help="sft: OpenAI chat messages JSONL; sharegpt: ShareGPT JSONL; "
                             "parquet: one row per episode (default: sft)")
    parser.add_argument("--only-success", action="store_true",
                        help="keep only episodes that completed with the full score")
    parser.add_argument("--min-score", type=float, default=None, metavar="X",
                        help="keep only episodes scoring at least X")
    parser.add_argument("--task", action="append", default=None,
                        help="keep only this task code (repeatable)")
    parser.add_argument("--agent", action="append", default=None,
                        help="keep only this agent (repeatable)")
    parser.add_argument("-o", "--output", default=None,
                        help="output file (default: RUN_DIR/export<suffix of the format>)")
    parser.set_defaults(func=run_export, handler=run_export)
    return parser


def run_export(args: argparse.Namespace) -> int:
    """Run ``export`` with parsed arguments; returns the process exit code."""
    source = Path(args.run_dir)
    if not source.exists():
        print(f"export: {source} does not exist", file=sys.stderr)
        return 2
    records = list(read_records(source))
    if not records:
        print(f"export: no trajectory records under {source}", file=sys.stderr)
        return 1
    kept = [r for r in select(records, only_success=args.only_success, min_score=args.min_score)
            if (not args.task or r.task in args.task) and (not args.agent or r.agent in args.agent)]
    if args.output:
        output = Path(args.output)
    else:
        output = (source if source.is_dir() else source.parent) / f"export{_SUFFIX[args.format]}"
    count = export(kept, output, args.format)
    errors = sum(not r.scored for r in records)
    print(f"export: wrote {count} of {len(records)} episodes to {output} "
          f"({errors} task/agent errors left out, {len(records) - errors - count} filtered)")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Stand-alone entry point (``python -m agentbench_gym.export_cli RUN_DIR ...``)."""
    parser = argparse.ArgumentParser(prog="agentbench-gym")
    add_export_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["export", *(sys.argv[1:] if argv is None else argv)])
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
