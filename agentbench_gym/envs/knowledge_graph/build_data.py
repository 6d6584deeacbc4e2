"""Regenerate the built-in KG and its questions: ``python -m agentbench_gym.envs.knowledge_graph.build_data``.

Each question comes from a template that writes a gold tool-call sequence over seed entities;
the sequence is run through the real tools on the local backend and the executed final variable
is the gold answer, so every question has a scripted solution by construction.
"""

from __future__ import annotations

import argparse
import gzip
import json
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import numpy as np

from agentbench_gym.envs.knowledge_graph.backends.local import LocalBackend
from agentbench_gym.envs.knowledge_graph.data import load_graph
from agentbench_gym.envs.knowledge_graph.session import KGSession
from agentbench_gym.envs.knowledge_graph.tools import ToolBox
from agentbench_gym.envs.knowledge_graph.world import World, build_world

HERE = Path(__file__).resolve().parent / "data"
SEED = 20231005
SPLIT_SIZES = {"dev": {"multi-hop": 8, "intersection": 6, "count": 6, "superlative": 6},
               "test": {"multi-hop": 45, "intersection": 35, "count": 35, "superlative": 35}}
MAX_ANSWERS = 12


class Plan:
    """Writes a gold action sequence, numbering variables as the tools will."""

    def __init__(self) -> None:
        """Start with no actions."""
        self.actions: list[str] = []
        self.n = 0

    def hop(self, source: str, relation: str) -> str:
        """``get_relations`` then ``get_neighbors``; returns the new variable (``#k``)."""
        self.actions += [f"get_relations({source})", f"get_neighbors({source}, {relation})"]
        return self._new()

    def intersect(self, a: str, b: str) -> str:
        """``intersection(a, b)``."""
        self.actions.append(f"intersection({a}, {b})")
        return self._new()

    def count(self, v: str) -> str:
        """``count(v)``."""
        self.actions.append(f"count({v})")
        return self._new()

    def best(self, v: str, op: str, attribute: str) -> str:
        """``get_attributes`` then ``argmax``/``argmin``."""
        self.actions += [f"get_attributes({v})", f"{op}({v}, {attribute})"]
        return self._new()

    def _new(self) -> str:
        self.n += 1
        return f"#{self.n - 1}"


def _templates() -> dict[str, list[tuple[str, list[str], Callable[[Plan, list[str]], None]]]]:
    """kind -> [(question pattern, seed kinds, plan writer)]; ``{0}``... are the seed names."""
    return {
        "multi-hop": [
            ("which films were directed by {0}?", ["director"], lambda p, s: p.hop(s[0], "film.director.film")),
            ("what are the professions of {0}?", ["person"], lambda p, s: p.hop(s[0], "people.person.profession")),
            ("what nationality is the director of {0}?", ["film"],
             lambda p, s: p.hop(p.hop(s[0], "film.film.directed_by"), "people.person.nationality")),
            ("in which country was the author of {0} born?", ["book"],
             lambda p, s: p.hop(p.hop(p.hop(s[0], "book.written_work.author"), "people.person.place_of_birth"),
                                "location.location.containedby")),
            ("what genres are the films that {0} starred in?", ["actor"],
             lambda p, s: p.hop(p.hop(s[0], "film.actor.film"), "film.film.genre")),
            ("which universities did people born in {0} attend?", ["city"],
             lambda p, s: p.hop(p.hop(s[0], "location.location.people_born_here"), "people.person.education")),
            ("in which city is the headquarters of the studio that produced {0}?", ["film"],
             lambda p, s: p.hop(p.hop(s[0], "film.film.production_companies"),
                                "organization.organization.headquarters")),
            ("what is the capital of the country where {0} was born?", ["person"],
             lambda p, s: p.hop(p.hop(p.hop(s[0], "people.person.place_of_birth"), "location.location.containedby"),
                                "location.country.capital")),
            ("who published the books written by {0}?", ["writer"],
             lambda p, s: p.hop(p.hop(s[0], "book.author.works_written"), "book.book.publisher")),
        ],
        "intersection": [
            ("which films directed by {0} starred {1}?", ["director", "actor"],
             lambda p, s: p.intersect(p.hop(s[0], "film.director.film"), p.hop(s[1], "film.actor.film"))),
            ("which {1} films did {0} act in?", ["actor", "film_genre"],
             lambda p, s: p.intersect(p.hop(s[0], "film.actor.film"),
                                      p.hop(s[1], "film.film_genre.films_in_this_genre"))),
            ("who was born in {0} and studied at {1}?", ["city", "university"],
             lambda p, s: p.intersect(p.hop(s[0], "location.location.people_born_here"),
                                      p.hop(s[1], "education.educational_institution.alumni"))),
            ("which {1} books were published by {0}?", ["publisher", "book_genre"],
             lambda p, s: p.intersect(p.hop(s[0], "book.publishing_company.books_published"),
                                      p.hop(s[1], "book.book_genre.books"))),
            ("which films did both {0} and {1} appear in?", ["actor", "actor"],
             lambda p, s: p.intersect(p.hop(s[0], "film.actor.film"), p.hop(s[1], "film.actor.film"))),
            ("which {1} films were produced by {0}?", ["studio", "film_genre"],
             lambda p, s: p.intersect(p.hop(s[0], "film.production_company.films"),
                                      p.hop(s[1], "film.film_genre.films_in_this_genre"))),
        ],
        "count": [
            ("how many films has {0} directed?", ["director"], lambda p, s: p.count(p.hop(s[0], "film.director.film"))),
            ("how many people were born in {0}?", ["city"],
             lambda p, s: p.count(p.hop(s[0], "location.location.people_born_here"))),
            ("how many books has {0} published?", ["publisher"],
             lambda p, s: p.count(p.hop(s[0], "book.publishing_company.books_published"))),
            ("how many {1} films did {0} star in?", ["actor", "film_genre"],
             lambda p, s: p.count(p.intersect(p.hop(s[0], "film.actor.film"),
                                              p.hop(s[1], "film.film_genre.films_in_this_genre")))),
            ("how many films were directed by people born in {0}?", ["city"],
             lambda p, s: p.count(p.hop(p.hop(s[0], "location.location.people_born_here"), "film.director.film"))),
        ],
        "superlative": [
            ("what is the longest film directed by {0}?", ["director"],
             lambda p, s: p.best(p.hop(s[0], "film.director.film"), "argmax", "film.film.runtime_minutes")),
            ("which city in {0} has the largest population?", ["country"],
             lambda p, s: p.best(p.hop(s[0], "location.location.contains"), "argmax",
                                 "location.statistical_region.population")),
            ("who is the oldest person born in {0}?", ["city"],
             lambda p, s: p.best(p.hop(s[0], "location.location.people_born_here"), "argmin",
                                 "people.person.birth_year")),
            ("what is the earliest book written by {0}?", ["writer"],
             lambda p, s: p.best(p.hop(s[0], "book.author.works_written"), "argmin", "book.book.publication_year")),
            ("who is the tallest actor in {0}?", ["film"],
             lambda p, s: p.best(p.hop(s[0], "film.film.starring"), "argmax", "people.person.height_meters")),
            ("what is the most populous city in the country where {0} was born?", ["person"],
             lambda p, s: p.best(p.hop(p.hop(p.hop(s[0], "people.person.place_of_birth"),
                                             "location.location.containedby"), "location.location.contains"),
                                 "argmax", "location.statistical_region.population")),
            ("which university attended by people born in {0} was founded first?", ["city"],
             lambda p, s: p.best(p.hop(p.hop(s[0], "location.location.people_born_here"), "people.person.education"),
                                 "argmin", "organization.organization.founding_year")),
        ],
    }


def _pools(world: World) -> dict[str, list[str]]:
    pools = {kind: list(mids) for kind, mids in world.kinds.items()}
    by_relation: dict[str, set[str]] = defaultdict(set)
    for s, r, _ in world.triples:
        by_relation[r].add(s)
    for role, relation in (("director", "film.director.film"), ("actor", "film.actor.film"),
                           ("writer", "book.author.works_written")):
        pools[role] = [m for m in world.kinds["person"] if m in by_relation[relation]]
    return pools


def generate(seed: int = SEED) -> tuple[World, dict[str, list[dict]]]:
    """Build the world and the question splits (deterministic in ``seed``)."""
    world = build_world(seed)
    store, ontology = load_graph_from_world(world)
    backend = LocalBackend(store)
    rng = np.random.default_rng(seed + 1)
    pools = _pools(world)
    templates = _templates()
    questions: set[str] = set()
    splits: dict[str, list[dict]] = {name: [] for name in SPLIT_SIZES}
    for split, sizes in SPLIT_SIZES.items():
        for kind, wanted in sizes.items():
            found, attempts = 0, 0
            while found < wanted:
                attempts += 1
                if attempts > 200 * wanted:
                    raise RuntimeError(f"could not generate {wanted} {kind} questions")
                pattern, seed_kinds, write = templates[kind][(found + attempts) % len(templates[kind])]
                seeds = [pools[k][int(rng.integers(len(pools[k])))] for k in seed_kinds]
                if len(set(seeds)) < len(seeds):
                    continue
                names = [world.names[m] for m in seeds]
                question = pattern.format(*names).lower()
                if question in questions:
                    continue
                plan = Plan()
                write(plan, names)
                answer = _run(plan.actions, dict(zip(names, seeds, strict=True)), backend, ontology)
                if not answer or (kind != "count" and len(answer) > MAX_ANSWERS) or answer == ["0"]:
                    continue
                questions.add(question)
                found += 1
                splits[split].append({
                    "id": f"{split}-{len(splits[split]):03d}", "question": question, "kind": kind,
                    "entities": dict(zip(names, seeds, strict=True)), "actions": plan.actions,
                    "answer": answer, "source": "builtin",
                })
    return world, splits


def _run(actions: list[str], entities: dict[str, str], backend, ontology) -> list[str] | None:
    """The executed answer of a gold plan, or None when a step fails (the seeds do not fit)."""
    session = KGSession(ToolBox(backend, ontology), entities)
    for action in actions:
        observation = session.handle(f"Action: {action}").observation
        if "cannot be executed" in observation or "syntax error" in observation:
            return None
    last = len(session.tools.variables) - 1
    result = session.handle(f"Final Answer: #{last}")
    return None if result.prediction is None or result.error else result.prediction


def load_graph_from_world(world: World):
    """Store and ontology of a generated world, built through the same TSV loader users get."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        write_world(world, Path(tmp))
        folder = Path(tmp)
        return load_graph(folder / "triples.tsv.gz", folder / "names.tsv.gz", folder / "attributes.tsv.gz",
                          folder / "schema.txt")


def _write_gz(path: Path, lines: list[str]) -> None:
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as handle:
        handle.write("".join(line + "\n" for line in lines).encode("utf-8"))


def write_world(world: World, folder: Path) -> None:
    """Write the graph files (TSV, gzipped with a fixed timestamp so rebuilds are byte-identical)."""
    folder.mkdir(parents=True, exist_ok=True)
    _write_gz(folder / "triples.tsv.gz", ["subject\trelation\tobject", *("\t".join(t) for t in world.triples)])
    _write_gz(folder / "names.tsv.gz", ["mid\tname", *(f"{m}\t{n}" for m, n in sorted(world.names.items()))])
    _write_gz(folder / "attributes.tsv.gz",
              ["mid\tattribute\tvalue", *("\t".join(a) for a in sorted(world.attributes))])
    (folder / "schema.txt").write_text("\n".join(world.schema_lines()) + "\n", encoding="utf-8")
    types = [f"{m}\t{t}" for m, ts in sorted(world.types.items()) for t in ts]
    _write_gz(folder / "types.tsv.gz", ["mid\ttype", *types])


def write_all(out: Path = HERE, seed: int = SEED) -> None:
    """Regenerate every built-in file under ``out``."""
    world, splits = generate(seed)
    write_world(world, out / "world")
    for split, records in splits.items():
        with open(out / f"{split}.jsonl", "w", encoding="utf-8") as handle:
            for record in records:
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=HERE, help="output folder (default: the package data)")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    write_all(args.out, args.seed)


if __name__ == "__main__":
    main()
