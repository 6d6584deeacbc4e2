"""OS samples: the frozen ``OSSample`` and loaders for our JSONL and AgentBench's format.

Both formats share AgentBench's record schema (``description``, ``create.init``, ``start``,
``evaluation.match`` | ``evaluation.check`` + ``example``, ``labels``); our built-in records
add ``id`` and ``solution`` (the gold bash commands the scripted solver runs) and keep
every script inline. Upstream records name script files relative to ``scripts/<dir>/``;
the generic check programs are built in (see ``scoring.BUILTIN_CHECKS``).
"""

from __future__ import annotations

import glob
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agentbench_gym.data import builtin_file, read_json, read_jsonl
from agentbench_gym.errors import DataFormatError

logger = logging.getLogger(__name__)

LANGUAGES = ("bash", "python", "c", "c++")
BUILTIN_CHECK_NAMES = ("integer-match", "string-match", "size-match", "containing", "in")


@dataclass(frozen=True, slots=True)
class Script:
    """A program run in the sandbox (``language`` + ``code``) or a built-in check (``builtin``).

    ``missing`` names a script file the data refers to but that was not found; such a script
    cannot run and the sample says so when it is started.
    """

    language: str = "bash"
    code: str = ""
    builtin: str | None = None
    file: str | None = None
    missing: str | None = None


@dataclass(frozen=True, slots=True)
class Match:
    """Answer matching: exact ``answer`` (after ``strip``) or ``re.search(regex, answer)``."""

    answer: str | None = None
    regex: str | None = None
    strip: bool = True


@dataclass(frozen=True, slots=True)
class OSSample:
    """One OS problem.

    Attributes:
        id: sample id (ours, or AgentBench's index such as ``dev-001-dev-00003``).
        description: the problem text the agent sees.
        init: scripts run once, each as its own process, before the dialogue.
        start: a script run in the agent's shell before the first turn (background jobs, cd).
        match: answer matching, or None for check-script evaluation.
        check: the check pipeline; None entries run ``example``.
        example: the reference solution (upstream's ``evaluation.example``).
        labels: topic tags.
        solution: gold bash commands for the scripted solver (our data only).
        source: the file the sample came from.
    """

    id: str
    description: str
    init: tuple[Script, ...] = ()
    start: Script | None = None
    match: Match | None = None
    check: tuple[Script | None, ...] = ()
    example: Script | None = None
    labels: tuple[str, ...] = ()
    solution: tuple[str, ...] = ()
    source: str = ""

    @property
    def missing_scripts(self) -> tuple[str, ...]:
        """Script files the sample needs but that were not found under ``data_dir``."""
        scripts = [*self.init, self.start, *self.check, self.example]
        return tuple(s.missing for s in scripts if s is not None and s.missing)


def _script(spec: Any, script_dir: Path | None, where: str) -> Script:
    """Parse an AgentBench script spec: a bash string, or ``{language, code | file}``."""
    if isinstance(spec, str):
        return Script("bash", spec)
    if not isinstance(spec, dict):
        raise DataFormatError(f"{where}: a script must be a string or an object, got {spec!r:.80}")
    language = spec.get("language", "bash")
    if language not in LANGUAGES:
        raise DataFormatError(f"{where}: unsupported script language {language!r}")
    if "builtin" in spec:
        if spec["builtin"] not in BUILTIN_CHECK_NAMES:
            raise DataFormatError(f"{where}: unknown built-in check {spec['builtin']!r}")
        return Script(language, builtin=spec["builtin"])
    if "file" in spec:
        name = str(spec["file"])
        stem = Path(name).stem
        if Path(name).parent.name == "check" and stem in BUILTIN_CHECK_NAMES:
            # The generic comparison programs are ours (scoring.BUILTIN_CHECKS).
            return Script(language, builtin=stem, file=name)
        path = script_dir / name if script_dir is not None else None
        if path is None or not path.is_file():
            return Script(language, file=name, missing=str(path or name))
        return Script(language, path.read_text(encoding="utf-8"), file=name)
    if "code" in spec:
        return Script(language, str(spec["code"]))
    raise DataFormatError(f"{where}: a script object needs 'code' or 'file'")


def parse_record(record: Any, sample_id: str, script_dir: Path | None, source: str) -> OSSample:
    """Build a sample from one AgentBench-format record (upstream ``_load_configs`` rules)."""
    where = f"{source} record {sample_id}"
    if not isinstance(record, dict) or not isinstance(record.get("description"), str):
        raise DataFormatError(f"{where}: expected an object with a string 'description'")
    create = record.get("create")
    init: list[Script] = []
    # A list-valued "create" (an upstream data bug) behaves like "no init", as upstream.
    if isinstance(create, dict) and create.get("init") is not None:
        specs = create["init"] if isinstance(create["init"], list) else [create["init"]]
        init = [_script(spec, script_dir, where) for spec in specs]
    start = _script(record["start"], script_dir, where) if record.get("start") is not None else None
    evaluation = record.get("evaluation")
    if not isinstance(evaluation, dict):
        raise DataFormatError(f"{where}: missing 'evaluation'")
    match = None
    check: list[Script | None] = []
    example = None
    if "match" in evaluation:
        spec = evaluation["match"]
        if isinstance(spec, str):
            match = Match(answer=spec)
        elif isinstance(spec, dict) and ("answer" in spec or "regex" in spec):
            match = Match(answer=spec.get("answer"), regex=spec.get("regex"),
                          strip=bool(spec.get("strip", True)))
        else:
            raise DataFormatError(f"{where}: 'match' must be a string or {{answer|regex, strip}}")
    elif "check" in evaluation:
        specs = evaluation["check"] if isinstance(evaluation["check"], list) else [evaluation["check"]]
        check = [None if spec is None else _script(spec, script_dir, where) for spec in specs]
        if evaluation.get("example") is not None:
            example = _script(evaluation["example"], script_dir, where)
        if any(entry is None for entry in check) and example is None:
            raise DataFormatError(f"{where}: a null check entry needs an 'example'")
    else:
        raise DataFormatError(f"{where}: 'evaluation' needs 'match' or 'check'")
    labels = record.get("labels") or ()
    solution = record.get("solution") or ()
    return OSSample(
        id=sample_id, description=record["description"], init=tuple(init), start=start,
        match=match, check=tuple(check), example=example,
        labels=tuple(str(x) for x in labels), solution=tuple(str(x) for x in solution),
        source=source,
    )


def load_builtin(split: str) -> list[OSSample]:
    """Our built-in split (``dev`` or ``test``)."""
    path = builtin_file("agentbench_gym.envs.os_shell", f"{split}.jsonl")
    samples = []
    for number, record in enumerate(read_jsonl(path)):
        sample_id = str(record.get("id", f"{split}-{number:03d}"))
        samples.append(parse_record(record, sample_id, None, str(path)))
    return samples


# AgentBench's configs/tasks/os.yaml: split -> (problem globs, script dir, index prefix).
UPSTREAM_SPLITS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "dev": (("data/dev.json", "scripts/dev", "dev-001-"),),
    "std": tuple((f"data/{n}/*.json", f"scripts/{n}", f"std-00{n}-") for n in range(1, 8)),
}
UPSTREAM_SPLITS["test"] = UPSTREAM_SPLITS["std"]


def find_task_root(data_dir: str | os.PathLike[str]) -> Path:
    """The folder holding ``data/`` (and ``scripts/``): an AgentBench checkout, its
    ``data/os_interaction`` folder, or a copy of that folder."""
    root = Path(data_dir)
    candidates = [root, root / "data" / "os_interaction", root / "os_interaction"]
    if root.name == "data":  # the problems folder itself was given
        candidates.append(root.parent)
    for candidate in candidates:
        if (candidate / "data").is_dir() and (
            (candidate / "data" / "dev.json").is_file() or glob.glob(str(candidate / "data" / "[0-9]"))
        ):
            return candidate
    raise DataFormatError(f"{data_dir}: no AgentBench os_interaction data found (expected "
                          "data/dev.json or data/<n>/*.json under it)")


def load_upstream(data_dir: str | os.PathLike[str], split: str) -> list[OSSample]:
    """Load AgentBench's os_interaction split (``dev`` or ``std``/``test``) from ``data_dir``.

    Sample ids are AgentBench's indices. Files named in ``UPSTREAM_SPLITS`` that are absent
    are skipped (a partial copy loads what it has).
    """
    if split not in UPSTREAM_SPLITS:
        raise ValueError(f"OS: unknown upstream split {split!r}; choose from {sorted(UPSTREAM_SPLITS)}")
    root = find_task_root(data_dir)
    samples: list[OSSample] = []
    for pattern, script_dir, prefix in UPSTREAM_SPLITS[split]:
        for file in sorted(glob.glob(str(root / pattern))):
            samples.extend(_load_problem_file(Path(file), root / script_dir, prefix))
    missing = [s for s in samples if s.missing_scripts]
    if missing:
        logger.warning("OS: %d of %d samples in %s need script files that are not there "
                       "(e.g. %s needs %s); they end with task_error when started",
                       len(missing), len(samples), root, missing[0].id, missing[0].missing_scripts[0])
    return samples


def _load_problem_file(file: Path, script_dir: Path, prefix: str) -> Sequence[OSSample]:
    if file.suffix == ".jsonl":
        records: Any = list(read_jsonl(file))
    else:
        records = read_json(file)
    if isinstance(records, dict):
        records = [records]
    if not isinstance(records, list):
        raise DataFormatError(f"{file}: expected a JSON array of problems")
    base = prefix + file.name.removesuffix(".jsonl").removesuffix(".json") + "-"
    return [parse_record(record, f"{base}{index:05d}", script_dir, str(file))
            for index, record in enumerate(records)]
