"""Helpers shared by the KG tests (not a test module)."""

from __future__ import annotations

import re


def synthesize_slice(samples) -> tuple[list[tuple[str, str, str]], list[tuple[str, str, str]]]:
    """Facts that make each gold action sequence yield exactly its gold answers.

    Walking the gold program backwards, each variable gets the members its consumer needs:
    a hop's source gets one fresh node linked to every target, an intersection passes its
    targets to both sides, a superlative adds a losing member, a count gets n fresh members.
    """
    triples, attributes = [], []
    call = re.compile(r"(\w+)\((.*)\)")
    for sample in samples:
        defs = []
        for action in sample.actions:
            name, args = call.match(action).groups()
            if name not in ("get_relations", "get_attributes"):
                defs.append((name, [a.strip() for a in args.split(",")]))
        targets: dict[int, set[str]] = {len(defs) - 1: set(sample.answer)}
        for k in range(len(defs) - 1, -1, -1):
            name, args = defs[k]
            wanted = targets.get(k, set())
            if name == "count":
                wanted = {f"m.syn_{sample.id}_{k}_{i}" for i in range(int(next(iter(sample.answer))))}
                targets.setdefault(int(args[0][1:]), set()).update(wanted)
            elif name == "get_neighbors":
                source, relation = args
                if source.startswith("#"):
                    hub = f"m.syn_{sample.id}_{k}"
                    targets.setdefault(int(source[1:]), set()).add(hub)
                    source = hub
                triples += [(source, relation, t) for t in sorted(wanted)]
            elif name == "intersection":
                for arg in args:
                    targets.setdefault(int(arg[1:]), set()).update(wanted)
            elif name in ("argmax", "argmin"):
                loser = f"m.syn_{sample.id}_{k}_loser"
                best, worst = ("9", "1") if name == "argmax" else ("1", "9")
                attributes += [(t, args[1], best) for t in sorted(wanted)] + [(loser, args[1], worst)]
                targets.setdefault(int(args[0][1:]), set()).update(wanted | {loser})
    return triples, attributes
