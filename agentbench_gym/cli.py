"""The ``agentbench-gym`` command line: list, play, run, eval, export, doctor, serve."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

import gymnasium as gym
from rich.console import Console
from rich.markup import escape
from rich.table import Table

import agentbench_gym
from agentbench_gym.baselines import TASK_BASELINES, baseline_task
from agentbench_gym.export_cli import add_export_parser
from agentbench_gym.registration import TASKS, env_class

DESCRIPTION = """\
The eight AgentBench tasks as Gymnasium environments.

commands:
  list     registered env ids with their splits, sample counts and backends
  play     play one episode yourself in the terminal (you are the agent)
  run      run agents on tasks, max-flow scheduled and resumable (no options: the embedded
           default, every registered task with the scripted, random and baseline policies)
  eval     metrics, overall score and outcome distribution of a run folder
  export   turn recorded trajectories into fine-tuning data (SFT, ShareGPT, Parquet)
  doctor   which backends work on this machine, and how to enable the others
  serve    serve a task's site over HTTP (WS: the shopping site as HTML, one session per episode)
  setup    prepare this machine for a task once (e.g. `setup os` builds the OS sandbox's base)

Run `agentbench-gym COMMAND --help` for a command's options.
"""


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    return args.handler(args)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="agentbench-gym", description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=agentbench_gym.__version__)
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")

    p = sub.add_parser("list", help="list env ids, splits, sample counts and backends",
                       description="List every registered env id with its splits, the number of "
                                   "samples in each built-in split, and its backends (first = default).")
    p.set_defaults(handler=cmd_list)

    p = sub.add_parser("play", help="play an episode in the terminal",
                       description="Play one episode as the agent: the observation is shown, you type "
                                   "your reply (end it with a line holding only '.', or EOF), and the "
                                   "outcome and score are shown at the end.")
    p.add_argument("env_id", metavar="ID", help="env id (AgentBench/DCG-v0) or task code (DCG)")
    p.add_argument("--sample", help="sample id or index (default: drawn with the seed)")
    p.add_argument("--seed", type=int, default=None, help="seed for the episode")
    p.add_argument("--split", default=None, help="split name (default: the built-in dev split)")
    p.add_argument("--show-prefix", action="store_true", help="also print the chat prefix (instructions, examples)")
    p.set_defaults(handler=cmd_play)

    p = sub.add_parser("run", help="run agents on tasks (max-flow scheduled, resumable)",
                       description="Play every sample of each task's split with each agent, several episodes "
                                   "at once under the worker limits (AgentBench's max-flow assignment), "
                                   "writing one JSONL of trajectory records per (agent, task) to --out; "
                                   "rerunning with the same --out resumes (finished samples are skipped, "
                                   "task/agent errors re-run). Prints the results table at the end. Without "
                                   "options: the embedded default, every registered task with the scripted "
                                   "solver, the random policy and the task baselines.")
    p.add_argument("--agent", action="append", default=None, metavar="NAME=SPEC[:W]",
                   help="agent: NAME=SPEC[:workers][?key=value&...] with SPEC scripted, random, openai:MODEL "
                        f"(options base_url, api_key, ...), hf:PATH, or a task baseline ({', '.join(TASK_BASELINES)}); "
                        "repeatable; default workers 1")
    p.add_argument("--task", action="append", default=None, metavar="CODE[:W]",
                   help=f"task code and env workers: {', '.join(TASKS)} (repeatable; default workers 1; "
                        "without --task: every task with 2)")
    p.add_argument("--split", default=None, help="split name (default: each task's dev split)")
    p.add_argument("--out", default=None, help="output folder (default: runs/<timestamp>); reuse it to resume")
    p.add_argument("--limit", type=int, default=None, help="at most this many samples per task")
    p.add_argument("--seed", type=int, default=0, help="base seed (sample i uses seed+i)")
    p.add_argument("--retries", type=int, default=2, help="re-runs of a task_error/agent_error sample")
    p.add_argument("--no-progress", action="store_true", help="no progress bars")
    p.add_argument("--backend", choices=("thread", "ray"), default="thread",
                   help="where env workers run: threads here (default) or Ray actors (extra [ray])")
    p.add_argument("--ray-address", default=None, help="Ray cluster to join (default: start a local Ray)")
    p.set_defaults(handler=cmd_run)

    p = sub.add_parser("eval", help="metrics, overall score and outcome distribution of a run folder",
                       description="Recompute everything from the saved records (no LLM call): per-task "
                                   "metrics over scored samples, AgentBench's overall score per agent, the "
                                   "outcome distribution, error counts and mean turns. Prints a table and "
                                   "writes report.json and report.md (and PNG plots with --plots).")
    p.add_argument("run_dir", metavar="DIR", help="a folder written by `agentbench-gym run`")
    p.add_argument("--weights", default=None, metavar="T=W,...",
                   help="OA weights per task (default: AgentBench's published average scores)")
    p.add_argument("--out", default=None, help="where to write the report (default: DIR)")
    p.add_argument("--plots", action="store_true", help="also write scores.png and outcomes.png (extra [plots])")
    p.set_defaults(handler=cmd_eval)

    add_export_parser(sub)

    p = sub.add_parser("doctor", help="say which backends work here",
                       description="Probe every task's backends on this machine and say how to enable "
                                   "the ones that do not work.")
    p.set_defaults(handler=cmd_doctor)

    p = sub.add_parser("serve", help="serve a task's site over HTTP (WS: HTML mode)",
                       description="Serve a task's environment over HTTP on localhost, one session per "
                                   "episode (WS: the shopping site as HTML). Options after TASK go to the "
                                   "task's server; see `agentbench-gym serve ws --help`.")
    p.add_argument("task", metavar="TASK", help=f"task code: {', '.join(SERVERS)}")
    p.add_argument("server_args", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    p.set_defaults(handler=cmd_serve)

    p = sub.add_parser("setup", help="prepare this machine for a task (e.g. `setup os`)",
                       description="Run a task's one-time machine setup (tasks: "
                                   f"{', '.join(t.lower() for t in SETUP_ENTRY_POINTS)}).")
    p.add_argument("task", metavar="TASK", help="task code, e.g. os")
    p.add_argument("options", nargs=argparse.REMAINDER, help="passed to the task's setup")
    p.set_defaults(handler=cmd_setup)
    return parser


def _resolve_id(name: str) -> str:
    if name in TASKS:
        return TASKS[name]
    if name.upper() in TASKS:
        return TASKS[name.upper()]
    if name in TASKS.values():
        return name
    raise SystemExit(f"unknown env {name!r}; registered: {', '.join(TASKS.values())}")


def cmd_list(args: argparse.Namespace) -> int:
    """Print the registry."""
    table = Table(title="AgentBench environments")
    for column in ("id", "task", "split", "samples", "backends", "max turns"):
        table.add_column(column)
    for task, env_id in TASKS.items():
        cls = env_class(task)
        for split in cls.splits:
            env = gym.make(env_id, split=split)
            try:
                count = len(env.unwrapped.samples)
            finally:
                env.close()
            table.add_row(env_id, task, split, str(count), ", ".join(cls.backends) or "builtin",
                          str(cls.default_max_turns or "game-bounded"))
    Console().print(table)
    return 0


def cmd_play(args: argparse.Namespace) -> int:
    """Let a person play one episode."""
    console = Console()
    env = gym.make(_resolve_id(args.env_id), **({"split": args.split} if args.split else {}))
    options = {}
    if args.sample is not None:
        options["sample"] = int(args.sample) if args.sample.lstrip("-").isdigit() else args.sample
    try:
        obs, info = env.reset(seed=args.seed, options=options)
        if args.show_prefix:
            for message in info.get("prefix", []):
                console.rule(message["role"])
                console.print(message["content"], markup=False, highlight=False)
        console.rule(f"{info['task']} · sample {info['sample_id']}")
        while True:
            console.print(obs, markup=False, highlight=False)
            reply = _read_reply(console)
            if reply is None:
                console.print("[yellow]input closed; episode abandoned[/]")
                return 1
            obs, _reward, terminated, truncated, info = env.step(reply)
            if terminated or truncated:
                console.print(obs, markup=False, highlight=False)
                console.rule("episode over")
                console.print(f"outcome: [bold]{info['outcome'].value}[/]   score: [bold]{info['score']:.3f}[/]"
                              f"   turns: {info['turn']}")
                return 0
    finally:
        env.close()


def _read_reply(console: Console) -> str | None:
    """Read lines until one holding only '.', or EOF; None when nothing was typed before EOF."""
    console.print("[dim]your reply (finish with a line '.'):[/]")
    lines: list[str] = []
    for line in sys.stdin:
        if line.rstrip("\n") == ".":
            return "\n".join(lines)
        lines.append(line.rstrip("\n"))
    return "\n".join(lines) if lines else None


def default_plan(tasks: Sequence[str]) -> tuple[list, list]:
    """The embedded default: scripted and random on every task, each task baseline on its own task."""
    from agentbench_gym.runner import AgentSpec, TaskSpec

    agents = [AgentSpec("scripted", "scripted", workers=4), AgentSpec("random", "random", workers=4)]
    for name in TASK_BASELINES:
        if baseline_task(name) in tasks:
            agents.append(AgentSpec(name, name, workers=2, tasks=(baseline_task(name),)))
    return agents, [TaskSpec(t, workers=2) for t in tasks]


def cmd_run(args: argparse.Namespace) -> int:
    """Run agents on tasks with the max-flow runner and print the results table."""
    import datetime as dt

    from agentbench_gym.eval_report import evaluate_run
    from agentbench_gym.runner import parse_agent, parse_task, run

    try:
        tasks = [parse_task(t) for t in args.task] if args.task else None
        agents = [parse_agent(a) for a in args.agent] if args.agent else None
    except ValueError as exc:
        raise SystemExit(str(exc)) from exc
    codes = [t.name for t in tasks] if tasks else list(TASKS)
    default_agents, default_tasks = default_plan(codes)
    out = args.out or f"runs/{dt.datetime.now():%Y%m%d-%H%M%S}"
    try:
        result = run(agents or default_agents, tasks or default_tasks, out=out, split=args.split, seed=args.seed,
                     limit=args.limit, max_retries=args.retries, progress=not args.no_progress,
                     backend=args.backend, ray_address=args.ray_address)
    except ValueError as exc:
        raise SystemExit(str(exc)) from exc
    console = Console()
    console.print(evaluate_run(result.out).table())  # every attempt in the folder: errors counted
    console.print(f"records in {out} · `agentbench-gym eval {out}` for the full report")
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    """Evaluate a run folder offline."""
    from agentbench_gym.eval_report import evaluate_run, parse_weights, write_outputs

    try:
        weights = parse_weights(args.weights) if args.weights else None
        report = evaluate_run(args.run_dir, weights)
    except (ValueError, FileNotFoundError) as exc:
        raise SystemExit(str(exc)) from exc
    if not report.pairs:
        raise SystemExit(f"no records in {args.run_dir}")
    Console().print(report.table())
    written = write_outputs(report, args.out or args.run_dir, plots=args.plots)
    Console().print("wrote " + ", ".join(str(p) for p in written))
    return 0


def cmd_doctor(args: argparse.Namespace) -> int:
    """Print which backends work here."""
    table = Table(title="Backends on this machine")
    for column in ("task", "backend", "status", "how to enable"):
        table.add_column(column)
    for task in TASKS:
        try:
            status = env_class(task).backend_status()
        except Exception as exc:  # a broken probe must not hide the other tasks
            status = {"?": f"probe failed: {exc}"}
        for backend, problem in status.items():
            table.add_row(task, backend, "[green]ok[/]" if problem is None else "[red]unavailable[/]",
                          escape(problem or ""))  # hints name extras like [ws-spacy]: not markup
    Console().print(table)
    return 0


# Task code -> "module:function(argv) -> int" of its HTTP server.
SERVERS = {"WS": "agentbench_gym.envs.web_shopping.server:main"}


def cmd_serve(args: argparse.Namespace) -> int:
    """Run a task's HTTP server (blocks until interrupted)."""
    import importlib

    entry = SERVERS.get(args.task.upper())
    if entry is None:
        raise SystemExit(f"no server for task {args.task!r}; available: {', '.join(SERVERS)}")
    module, _, name = entry.partition(":")
    return getattr(importlib.import_module(module), name)(args.server_args)


SETUP_ENTRY_POINTS = {"OS": "agentbench_gym.envs.os_shell.setup:main"}
"""Task code -> "module:function(argv) -> exit status" of its one-time machine setup."""


def cmd_setup(args: argparse.Namespace) -> int:
    """Run a task's machine setup."""
    task = args.task.upper()
    if task not in SETUP_ENTRY_POINTS:
        raise SystemExit(f"nothing to set up for {args.task!r}; tasks with a setup step: "
                         f"{', '.join(t.lower() for t in SETUP_ENTRY_POINTS)}")
    module, _, name = SETUP_ENTRY_POINTS[task].partition(":")
    return getattr(importlib.import_module(module), name)(args.options)


if __name__ == "__main__":
    sys.exit(main())
