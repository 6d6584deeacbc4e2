"""WB samples and their loaders: the built-in steps and Mind2Web's JSON (AgentBench's data folders).

Both read Mind2Web's raw task format (``website``, ``confirmed_task``, ``annotation_id``,
``action_reprs`` and ``actions`` with ``action_uid``, ``operation``, ``cleaned_html``,
``pos_candidates``, ``neg_candidates``) and flatten it into one ``Step`` per action, as
AgentBench's ``get_data_split`` does. Already-flattened steps (one object with ``cleaned_html``
and ``previous_actions``, e.g. SeeAct's example step) are read too.
"""

from __future__ import annotations

import gzip
import io
import json
import logging
import pickle
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agentbench_gym.data import builtin_file, read_jsonl
from agentbench_gym.errors import DataFormatError

logger = logging.getLogger(__name__)

# AgentBench's folders (configs/tasks/mind2web.yaml) per split name; other names are read as
# Mind2Web's own split folders (train, test_task, test_website, test_domain) under data_dir.
UPSTREAM_FOLDERS = {"dev": "data_dev", "test": "data_std", "std": "data_std"}
SCORE_FILE = "scores_all_data.pkl"


@dataclass(frozen=True, slots=True)
class Candidate:
    """A candidate element: its ``backend_node_id`` and, when the data has them, ranker rank/score."""

    uid: str
    rank: int | None = None
    score: float | None = None


@dataclass(frozen=True, slots=True)
class Step:
    """One Mind2Web action step: the page, the task so far and the gold action."""

    id: str
    annotation_id: str
    action_uid: str
    website: str
    task: str
    previous_actions: tuple[str, ...]
    op: str
    value: str
    cleaned_html: str
    positives: tuple[Candidate, ...]
    negatives: tuple[Candidate, ...]
    action_repr: str = ""

    @property
    def ranked(self) -> bool:
        """True when every candidate carries a ranker rank (else the env ranks them with BM25)."""
        return all(c.rank is not None for c in (*self.positives, *self.negatives))


@dataclass(frozen=True, slots=True)
class TaskSample:
    """A whole task: its steps in order (for ``mode="task"``)."""

    id: str
    website: str
    task: str
    steps: tuple[Step, ...]


def _candidates(records: Any, where: str) -> tuple[Candidate, ...]:
    if not isinstance(records, list):
        raise DataFormatError(f"{where}: candidates must be a list")
    out = []
    for record in records:
        if not isinstance(record, Mapping) or "backend_node_id" not in record:
            raise DataFormatError(f"{where}: a candidate lacks backend_node_id")
        rank, score = record.get("rank"), record.get("score")
        out.append(Candidate(str(record["backend_node_id"]), None if rank is None else int(rank),
                             None if score is None else float(score)))
    return tuple(out)


def _step(action: Mapping[str, Any], *, task: Mapping[str, Any], previous: Sequence[str], repr_: str,
          where: str) -> Step:
    for key in ("operation", "cleaned_html", "pos_candidates", "neg_candidates"):
        if key not in action:
            raise DataFormatError(f"{where}: action lacks {key!r}")
    operation = action["operation"]
    if not isinstance(operation, Mapping) or "op" not in operation:
        raise DataFormatError(f"{where}: operation must be an object with 'op'")
    annotation = str(task.get("annotation_id", ""))
    uid = str(action.get("action_uid", len(previous)))
    return Step(
        id=f"{annotation}_{uid}", annotation_id=annotation, action_uid=uid,
        website=str(task.get("website", "")), task=str(task.get("confirmed_task", "")),
        previous_actions=tuple(str(a) for a in previous), op=str(operation["op"]),
        value=str(operation.get("value") or ""), cleaned_html=str(action["cleaned_html"]),
        positives=_candidates(action["pos_candidates"], where),
        negatives=_candidates(action["neg_candidates"], where), action_repr=repr_,
    )


def task_steps(task: Mapping[str, Any], where: str) -> tuple[Step, ...]:
    """Flatten one raw Mind2Web task into its steps (previous actions = the earlier reprs)."""
    actions = task.get("actions")
    if not isinstance(actions, list):
        raise DataFormatError(f"{where}: 'actions' must be a list")
    reprs = [str(r) for r in (task.get("action_reprs") or [])]
    steps = []
    for i, action in enumerate(actions):
        if not isinstance(action, Mapping):
            raise DataFormatError(f"{where}: action {i} is not an object")
        repr_ = reprs[i] if i < len(reprs) else f"-> {action.get('operation', {}).get('op', '')}"
        steps.append(_step(action, task=task, previous=reprs[:i], repr_=repr_, where=f"{where}, action {i}"))
    return tuple(steps)


def _records(path: Path) -> list[Any]:
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rt", encoding="utf-8") as handle:
            if path.name.endswith((".jsonl", ".jsonl.gz")):
                return [json.loads(line) for line in handle if line.strip()]
            data = json.load(handle)
    except (OSError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise DataFormatError(f"{path}: not readable JSON ({exc})") from exc
    return data if isinstance(data, list) else [data]


def read_tasks(path: Path) -> Iterator[TaskSample]:
    """Tasks of one file; flattened steps become one-step tasks, label-free records are skipped."""
    skipped = 0
    for number, record in enumerate(_records(path)):
        where = f"{path}, record {number}"
        if not isinstance(record, Mapping):
            raise DataFormatError(f"{where}: expected an object")
        if "actions" in record:
            steps = task_steps(record, where)
        elif "cleaned_html" in record:  # an already-flattened step
            steps = (_step(record, task=record, previous=record.get("previous_actions") or [],
                           repr_="", where=where),)
        else:
            skipped += 1  # e.g. a task list without annotations (SeeAct's online tasks)
            continue
        if steps:
            yield TaskSample(steps[0].annotation_id or path.stem, steps[0].website, steps[0].task, steps)
    if skipped:
        logger.info("%s: skipped %d records without actions", path, skipped)


class _ScoreUnpickler(pickle.Unpickler):
    """Only plain containers and numbers: a score file must not run code when it is read."""

    def find_class(self, module: str, name: str) -> Any:
        if module.startswith("numpy") and name in {"scalar", "dtype", "_reconstruct", "ndarray"}:
            return super().find_class(module, name)
        raise DataFormatError(f"score file: refusing to load {module}.{name}")


def read_scores(path: Path) -> dict[str, dict[str, dict[str, Any]]]:
    """Mind2Web's ``scores_all_data.pkl``: ``{"scores": {sid: {id: float}}, "ranks": {sid: {id: int}}}``."""
    try:
        data = _ScoreUnpickler(io.BytesIO(path.read_bytes())).load()
    except (OSError, pickle.UnpicklingError, EOFError) as exc:
        raise DataFormatError(f"{path}: not a readable score pickle ({exc})") from exc
    if not isinstance(data, Mapping) or "ranks" not in data:
        raise DataFormatError(f"{path}: expected a dict with 'scores' and 'ranks'")
    return {"scores": dict(data.get("scores") or {}), "ranks": dict(data["ranks"])}


def apply_scores(step: Step, scores: Mapping[str, Mapping[str, Any]]) -> Step:
    """Give the step's candidates the score file's ranks (those it lacks keep their own)."""
    ranks = scores["ranks"].get(step.id, {})
    values = scores["scores"].get(step.id, {})

    def update(c: Candidate) -> Candidate:
        if c.uid not in ranks:
            return c
        score = values.get(c.uid)
        return Candidate(c.uid, int(ranks[c.uid]), None if score is None else float(score))

    fields = {k: getattr(step, k) for k in step.__dataclass_fields__}
    fields["positives"] = tuple(map(update, step.positives))
    fields["negatives"] = tuple(map(update, step.negatives))
    return Step(**fields)


def load_builtin(split: str) -> list[TaskSample]:
    """The project's own steps (``data/<split>.jsonl``, one Mind2Web-format task per line)."""
    path = builtin_file("agentbench_gym.envs.web_browsing", f"{split}.jsonl")
    tasks = []
    for number, record in enumerate(read_jsonl(path), 1):
        steps = task_steps(record, f"{path}:{number}")
        tasks.append(TaskSample(str(record["annotation_id"]), str(record.get("website", "")),
                                str(record.get("confirmed_task", "")), steps))
    return tasks


def load_data_dir(data_dir: str | Path, split: str) -> list[TaskSample]:
    """Mind2Web JSON under ``data_dir``: AgentBench's ``data_dev``/``data_std`` folders (with the
    optional ``scores_all_data.pkl``), Mind2Web's split folders, or JSON files directly inside."""
    root = Path(data_dir)
    if not root.is_dir():
        raise DataFormatError(f"WB data_dir {root} is not a directory")
    folder = root / UPSTREAM_FOLDERS.get(split, split)
    base = folder if folder.is_dir() else root
    files = sorted(p for p in base.iterdir() if p.is_file() and p.name.endswith((".json", ".json.gz",
                                                                                ".jsonl", ".jsonl.gz")))
    tasks = [task for path in files for task in read_tasks(path)]
    if not tasks:
        raise DataFormatError(f"WB: no Mind2Web steps under {base} (expected JSON task lists with "
                              f"'actions', e.g. AgentBench's {UPSTREAM_FOLDERS.get(split, 'data_dev')}/*.json)")
    score_path = root / SCORE_FILE
    if score_path.is_file():
        scores = read_scores(score_path)
        tasks = [TaskSample(t.id, t.website, t.task, tuple(apply_scores(s, scores) for s in t.steps))
                 for t in tasks]
    return tasks


def load_prompt(path: str | Path) -> list[dict[str, str]]:
    """AgentBench's prompt template (``prompt/llm_prompt*.json``) as chat messages, minus the
    empty last user slot; roles ``agent`` become ``assistant``."""
    try:
        messages = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise DataFormatError(f"{path}: not a readable prompt template ({exc})") from exc
    if not isinstance(messages, list) or not all(isinstance(m, Mapping) for m in messages):
        raise DataFormatError(f"{path}: expected a JSON list of messages")
    out = [{"role": "assistant" if m.get("role") == "agent" else "user", "content": str(m.get("content", ""))}
           for m in messages]
    if out and out[-1]["role"] == "user" and not out[-1]["content"]:
        out.pop()
    return out
