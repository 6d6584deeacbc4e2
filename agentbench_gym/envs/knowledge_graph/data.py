"""Samples and graphs: the built-in world and questions, AgentBench's question files, TSV graphs."""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from agentbench_gym.data import builtin_file, read_jsonl
from agentbench_gym.envs.knowledge_graph.store import GraphStore
from agentbench_gym.envs.knowledge_graph.tools import Ontology
from agentbench_gym.errors import DataFormatError

PACKAGE = "agentbench_gym.envs.knowledge_graph"
ATTRIBUTE_RANGES = ("type.int", "type.float", "type.datetime")
"""Ranges that make a schema entry a numeric attribute rather than a relation (as in vocab.json)."""


@dataclass(frozen=True)
class KGSample:
    """One question.

    Attributes:
        id: sample id (built-in: ``dev-007``; upstream: the array index as a string).
        question: the question text shown to the agent.
        entities: ``(name, mid)`` pairs; the agent sees the names, tools swap a name for its MID.
        answer: the gold answer set (MIDs, or a number as a string for counting questions).
        actions: a gold tool-call sequence that reaches the answer (may be empty upstream).
        kind: question kind (multi-hop, intersection, count, superlative) when known.
        source: where the question comes from (``builtin``, ``grailqa``, ...).
        s_expression: the gold logical form when the data has one.
    """

    id: str
    question: str
    entities: tuple[tuple[str, str], ...]
    answer: tuple[str, ...]
    actions: tuple[str, ...] = ()
    kind: str = ""
    source: str = ""
    s_expression: str = ""

    @property
    def entity_map(self) -> dict[str, str]:
        """Name -> MID, as the tools use it."""
        return dict(self.entities)


# ----------------------------------------------------------------- questions
def load_builtin(split: str) -> list[KGSample]:
    """The built-in questions of ``split`` (``dev`` or ``test``)."""
    path = builtin_file(PACKAGE, f"{split}.jsonl")
    return [_from_record(record, path, n) for n, record in enumerate(read_jsonl(path), 1)]


def _from_record(record: Mapping, path: Path, number: int) -> KGSample:
    try:
        return KGSample(
            id=str(record["id"]), question=str(record["question"]),
            entities=tuple((str(k), str(v)) for k, v in record["entities"].items()),
            answer=tuple(str(a) for a in record["answer"]),
            actions=tuple(str(a) for a in record.get("actions", ())),
            kind=str(record.get("kind", "")), source=str(record.get("source", "builtin")),
            s_expression=str(record.get("s_expression", "")),
        )
    except (KeyError, TypeError, AttributeError) as exc:
        raise DataFormatError(f"{path}:{number}: bad KG record ({exc!r})") from exc


UPSTREAM_FILES = {"dev": "dev.json", "test": "std.json", "std": "std.json"}


def load_upstream(data_dir: str | Path, split: str) -> list[KGSample]:
    """AgentBench's ``data/knowledgegraph/<dev|std>.json`` questions (``test`` means ``std.json``).

    Gold is the set of ``answer_argument`` values; the sample id is the array index, as upstream.
    """
    path = Path(data_dir) / UPSTREAM_FILES.get(split, f"{split}.json")
    if not path.is_file():
        raise FileNotFoundError(f"KG: no {path.name} in {data_dir} (splits: dev -> dev.json, test -> std.json)")
    try:
        records = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise DataFormatError(f"{path}: not valid JSON ({exc})") from exc
    if not isinstance(records, list):
        raise DataFormatError(f"{path}: expected a JSON array of questions")
    samples = []
    for index, item in enumerate(records):
        try:
            samples.append(KGSample(
                id=str(index), question=str(item["question"]),
                entities=tuple((str(k), str(v)) for k, v in item["entities"].items()),
                answer=tuple(dict.fromkeys(str(a["answer_argument"]) for a in item["answer"])),
                actions=tuple(str(a) for a in item.get("actions", ())),
                source=str(item.get("source", "")), s_expression=str(item.get("s_expression", "")),
            ))
        except (KeyError, TypeError, AttributeError) as exc:
            raise DataFormatError(f"{path}: record {index} is not a KG question ({exc!r})") from exc
    return samples


def load_upstream_ontology(ontology_dir: str | Path) -> Ontology:
    """Whitelists from ``vocab.json`` and ranges from ``fb_roles`` (``domain relation range`` lines)."""
    directory = Path(ontology_dir)
    try:
        vocab = json.loads((directory / "vocab.json").read_text(encoding="utf-8"))
        relations, attributes = vocab["relations"], vocab["attributes"]
    except (OSError, json.JSONDecodeError, KeyError, TypeError) as exc:
        raise DataFormatError(f"{directory}/vocab.json: need 'relations' and 'attributes' ({exc})") from exc
    ranges: dict[str, str] = {}
    with open(directory / "fb_roles", encoding="utf-8") as handle:
        for line in handle:  # upstream splits on single spaces and keeps the third field
            fields = line.rstrip("\n").split(" ")
            if len(fields) >= 3:
                ranges[fields[1]] = fields[2]
    return Ontology(frozenset(relations), frozenset(attributes), ranges)


# -------------------------------------------------------------------- graphs
def _open_text(path: str | Path) -> io.TextIOBase:
    path = Path(path)
    if path.suffix == ".gz":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8")
    return open(path, encoding="utf-8")


def _rows(path: str | Path, width: int) -> Iterator[list[str]]:
    """Tab-separated rows with at least ``width`` fields; a header row is skipped."""
    with _open_text(path) as handle:
        for number, line in enumerate(handle, 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            fields = line.split("\t")
            if len(fields) < width:
                raise DataFormatError(f"{path}:{number}: expected {width} tab-separated fields")
            if number == 1 and not _looks_like_mid(fields[0]):
                continue  # header
            yield fields


def _looks_like_mid(text: str) -> bool:
    return text.startswith(("m.", "g.", "f.", "/m/", "/g/")) or "." in text


@lru_cache(maxsize=1 << 20)
def freebase_id(text: str) -> str:
    """``/m/027rn`` -> ``m.027rn``; ``/film/film/genre`` -> ``film.film.genre``; dotted ids unchanged.

    FB15k-237's compound (CVT-collapsed) paths ``/a/b/c./d/e/f`` become one dotted relation.
    """
    if text.startswith("/"):
        return text[1:].replace("./", ".").replace("/", ".")
    return text


def load_graph(triples: str | Path, names: str | Path | None = None, attributes: str | Path | None = None,
               schema: str | Path | None = None) -> tuple[GraphStore, Ontology]:
    """A graph from TSV files, with the ontology the tools need.

    Args:
        triples: ``subject  relation  object`` rows (extra columns ignored; ``.gz`` allowed).
            Freebase-path ids (``/m/0x``, ``/film/film/genre``) are converted to dotted form.
        names: ``mid  name`` rows.
        attributes: ``mid  attribute  value`` numeric rows.
        schema: ``domain relation range`` lines (space-separated, like AgentBench's ``fb_roles``);
            a relation missing from it gets a range inferred from its objects' own relations.
    Returns:
        the store and an ontology whose whitelists are every relation and attribute in the files.
    """
    triple_rows = [(freebase_id(s), freebase_id(r), freebase_id(o)) for s, r, o, *_ in _rows(triples, 3)]
    name_map = {freebase_id(row[0]): row[1] for row in _rows(names, 2)} if names else {}
    attr_rows = [(freebase_id(m), freebase_id(a), v) for m, a, v, *_ in _rows(attributes, 3)] if attributes else []
    ranges: dict[str, str] = {}
    if schema:
        with _open_text(schema) as handle:
            for line in handle:
                fields = line.split()
                if len(fields) >= 3:
                    ranges[fields[1]] = fields[2]
    store = GraphStore(triple_rows, attr_rows, name_map, ranges)
    for relation, inferred in store.infer_ranges().items():
        ranges.setdefault(relation, inferred)
    store.ranges = ranges
    relations = frozenset(store.relations)
    attribute_names = frozenset(store.attributes) | {r for r, t in ranges.items() if t in ATTRIBUTE_RANGES}
    return store, Ontology(relations - attribute_names, attribute_names, ranges)


@lru_cache(maxsize=1)
def builtin_graph() -> tuple[GraphStore, Ontology]:
    """The project's own world (loaded once per process; read-only)."""
    folder = builtin_file(PACKAGE, "world")
    return load_graph(folder / "triples.tsv.gz", folder / "names.tsv.gz", folder / "attributes.tsv.gz",
                      folder / "schema.txt")


def load_graph_dir(directory: str | Path) -> tuple[GraphStore, Ontology]:
    """A graph folder laid out like the built-in one.

    It holds ``triples.tsv[.gz]`` and optionally ``names.tsv[.gz]``, ``attributes.tsv[.gz]`` and
    ``schema.txt``.
    """
    folder = Path(directory)

    def pick(stem: str) -> Path | None:
        for name in (f"{stem}.tsv.gz", f"{stem}.tsv"):
            if (folder / name).is_file():
                return folder / name
        return None

    triples = pick("triples")
    if triples is None:
        raise FileNotFoundError(f"KG: no triples.tsv[.gz] in {folder}")
    schema = folder / "schema.txt"
    return load_graph(triples, pick("names"), pick("attributes"), schema if schema.is_file() else None)


def builtin_types() -> list[tuple[str, str]]:
    """``(mid, type)`` pairs of the built-in world (exported to RDF as ``type.object.type``)."""
    return [(row[0], row[1]) for row in _rows(builtin_file(PACKAGE, "world") / "types.tsv.gz", 2)]
