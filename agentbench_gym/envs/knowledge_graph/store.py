"""An in-process graph store: sorted numpy key arrays that answer set-at-a-time lookups.

Edges are kept as one int64 key ``subject * n_relations + relation`` per triple, sorted, with the
object ids alongside; numeric attributes the same way. A lookup for a whole set of subjects is a
pair of ``searchsorted`` calls plus one gather, so a tool call costs a few numpy operations
whatever the set size (1M triples take about 12 bytes each, plus the node names).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np

Ids = np.ndarray
"""A sorted array of unique node ids (int64)."""

EMPTY: Ids = np.zeros(0, dtype=np.int64)


def _ranges(keys: np.ndarray, lo_keys: np.ndarray, hi_keys: np.ndarray) -> np.ndarray:
    """Indices of every ``keys`` entry in ``[lo_keys[i], hi_keys[i])`` for all i, concatenated."""
    lo = np.searchsorted(keys, lo_keys, side="left")
    hi = np.searchsorted(keys, hi_keys, side="left")
    counts = hi - lo
    total = int(counts.sum())
    if total == 0:
        return EMPTY
    starts = np.repeat(lo - np.concatenate(([0], np.cumsum(counts)[:-1])), counts)
    return starts + np.arange(total, dtype=np.int64)


class GraphStore:
    """Entities, typed relations between them, and numeric attributes, indexed for the KG tools.

    Args:
        triples: ``(subject_mid, relation, object_mid)`` edges.
        attributes: ``(mid, attribute, value)`` numeric facts (value as text or number).
        names: MID -> display name (for entity linking and rendering; optional).
        ranges: relation -> range type shown after ``get_neighbors`` (optional).
    """

    def __init__(self, triples: Iterable[tuple[str, str, str]],
                 attributes: Iterable[tuple[str, str, str | float]] = (),
                 names: Mapping[str, str] | None = None,
                 ranges: Mapping[str, str] | None = None) -> None:
        """Build the indexes (sorting is O(n log n), done once)."""
        # dict.setdefault(key, len(d)) interns in one call; insertion order gives the id -> name lists.
        nodes: dict[str, int] = {}
        relations: dict[str, int] = {}
        subjects: list[int] = []
        rels: list[int] = []
        objects: list[int] = []
        for s, r, o in triples:
            subjects.append(nodes.setdefault(s, len(nodes)))
            rels.append(relations.setdefault(r, len(relations)))
            objects.append(nodes.setdefault(o, len(nodes)))
        attribute_ids: dict[str, int] = {}
        a_subj: list[int] = []
        a_attr: list[int] = []
        a_text: list[str] = []
        for s, a, v in attributes:
            a_subj.append(nodes.setdefault(s, len(nodes)))
            a_attr.append(attribute_ids.setdefault(a, len(attribute_ids)))
            a_text.append(str(v).strip())
        self.node_ids, self.nodes = nodes, list(nodes)
        self.relation_ids, self.relations = relations, list(relations)
        self.attribute_ids, self.attributes = attribute_ids, list(attribute_ids)
        self.names: dict[str, str] = dict(names or {})
        self.ranges: dict[str, str] = dict(ranges or {})
        n_rel = max(len(self.relations), 1)
        key = np.asarray(subjects, dtype=np.int64) * n_rel + np.asarray(rels, dtype=np.int64)
        obj = np.asarray(objects, dtype=np.int64)
        order = np.lexsort((obj, key))
        self._edge_key, self._edge_obj = key[order], obj[order]
        if len(self._edge_key):  # drop duplicate triples
            keep = np.ones(len(self._edge_key), dtype=bool)
            keep[1:] = (np.diff(self._edge_key) != 0) | (np.diff(self._edge_obj) != 0)
            self._edge_key, self._edge_obj = self._edge_key[keep], self._edge_obj[keep]
        self._pair_key = np.unique(self._edge_key)
        self._n_rel = n_rel
        self._set_attributes(a_subj, a_attr, a_text)

    # ------------------------------------------------------------ building
    def _set_attributes(self, subj: list[int], attr: list[int], text: list[str]) -> None:
        n_attr = max(len(self.attributes), 1)
        values = np.array([float(t) for t in text], dtype=np.float64) if text else np.zeros(0)
        # An attribute whose every value is an integer literal is typed xsd:integer, else xsd:double.
        is_int = np.array([_is_int_text(t) for t in text], dtype=bool)
        self.attribute_types: list[str] = []
        attr_arr = np.asarray(attr, dtype=np.int64)
        for a in range(len(self.attributes)):
            mask = attr_arr == a
            self.attribute_types.append("integer" if bool(is_int[mask].all()) else "double")
        key = np.asarray(subj, dtype=np.int64) * n_attr + attr_arr
        order = np.lexsort((values, key))
        self._attr_key, self._attr_val = key[order], values[order]
        self._attr_pair_key = np.unique(self._attr_key)
        self._n_attr = n_attr

    # ------------------------------------------------------------- queries
    @property
    def n_triples(self) -> int:
        """Number of distinct relation edges (attributes not counted)."""
        return len(self._edge_key)

    @property
    def n_attribute_facts(self) -> int:
        """Number of numeric attribute facts."""
        return len(self._attr_key)

    def ids(self, mids: Iterable[str]) -> Ids:
        """The sorted ids of the given MIDs that exist in the store (unknown MIDs are dropped)."""
        found = [self.node_ids[m] for m in mids if m in self.node_ids]
        return np.unique(np.asarray(found, dtype=np.int64))

    def mids(self, ids: Ids) -> list[str]:
        """The MIDs of node ids."""
        nodes = self.nodes
        return [nodes[i] for i in ids.tolist()]

    def out_predicates(self, ids: Ids) -> set[str]:
        """Every relation and attribute name leaving any node of ``ids``."""
        if len(ids) == 0:
            return set()
        rel = self._pair_key[_ranges(self._pair_key, ids * self._n_rel, (ids + 1) * self._n_rel)] % self._n_rel
        att = self._attr_pair_key[_ranges(self._attr_pair_key, ids * self._n_attr,
                                          (ids + 1) * self._n_attr)] % self._n_attr
        # bincount instead of unique: linear, no sort, whatever the set size.
        rel_hit = np.flatnonzero(np.bincount(rel, minlength=self._n_rel)) if len(rel) else EMPTY
        att_hit = np.flatnonzero(np.bincount(att, minlength=self._n_attr)) if len(att) else EMPTY
        return {self.relations[i] for i in rel_hit.tolist()} | {self.attributes[i] for i in att_hit.tolist()}

    def neighbors(self, ids: Ids, relation: str) -> Ids:
        """The sorted unique objects reached from ``ids`` over ``relation``."""
        return np.unique(self.edges(ids, relation)[1])

    def edges(self, ids: Ids, relation: str) -> tuple[np.ndarray, np.ndarray]:
        """``(subjects, objects)`` of every ``relation`` edge leaving ``ids``."""
        r = self.relation_ids.get(relation)
        if r is None or len(ids) == 0:
            return EMPTY, EMPTY
        keys = ids * self._n_rel + r
        index = _ranges(self._edge_key, keys, keys + 1)
        return self._edge_key[index] // self._n_rel, self._edge_obj[index]

    def attribute_values(self, ids: Ids, attribute: str) -> tuple[np.ndarray, np.ndarray]:
        """``(subjects, values)`` of every ``attribute`` fact about ``ids``."""
        a = self.attribute_ids.get(attribute)
        if a is None or len(ids) == 0:
            return EMPTY, np.zeros(0)
        keys = ids * self._n_attr + a
        index = _ranges(self._attr_key, keys, keys + 1)
        return self._attr_key[index] // self._n_attr, self._attr_val[index]

    def infer_ranges(self) -> dict[str, str]:
        """Each relation's likely range: the most common domain (``a.b`` of ``a.b.c``) of its objects.

        A node's domain is the one most of its outgoing relations share; vectorised, so it takes
        well under a second at a million triples.
        """
        if not self.relations:
            return {}
        domain_names = sorted({_domain(r) for r in self.relations})
        domain_index = {d: i for i, d in enumerate(domain_names)}
        rel_domain = np.array([domain_index[_domain(r)] for r in self.relations], dtype=np.int64)
        n_dom = len(domain_names)
        subjects, rels = self._edge_key // self._n_rel, self._edge_key % self._n_rel
        node_domain = np.full(len(self.nodes), -1, dtype=np.int64)
        pairs, counts = np.unique(subjects * n_dom + rel_domain[rels], return_counts=True)
        order = np.lexsort((-counts, pairs // n_dom))  # per node, highest count first
        first = np.ones(len(order), dtype=bool)
        first[1:] = np.diff(pairs[order] // n_dom) != 0
        chosen = pairs[order][first]
        node_domain[chosen // n_dom] = chosen % n_dom
        object_domain = node_domain[self._edge_obj]
        known = object_domain >= 0
        votes, counts = np.unique(rels[known] * n_dom + object_domain[known], return_counts=True)
        order = np.lexsort((-counts, votes // n_dom))
        first = np.ones(len(order), dtype=bool)
        first[1:] = np.diff(votes[order] // n_dom) != 0
        ranges = {self.relations[int(v // n_dom)]: domain_names[int(v % n_dom)] for v in votes[order][first]}
        for relation in self.relations:
            ranges.setdefault(relation, "common.topic")
        return ranges

    def memory_bytes(self) -> int:
        """Approximate bytes held by the numpy indexes (names and dicts not included)."""
        arrays = (self._edge_key, self._edge_obj, self._pair_key, self._attr_key, self._attr_val,
                  self._attr_pair_key)
        return sum(a.nbytes for a in arrays)


def _is_int_text(text: str) -> bool:
    body = text[1:] if text[:1] in "+-" else text
    return body.isdigit() and body.isascii()


def format_value(value: float, datatype: str) -> str:
    """The canonical lexical form of an attribute value (used by every backend and the RDF export)."""
    if datatype == "integer":
        return str(int(value))
    return repr(float(value))


def _domain(relation: str) -> str:
    """``a.b`` of ``a.b.c`` (and of compound ``a.b.c.d.e.f`` paths): the type a relation leaves."""
    return ".".join(relation.split(".")[:2])
