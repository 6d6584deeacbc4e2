"""Mind2Web's cleaned HTML: parsing, candidate-centred pruning and AgentBench's text rendering.

AgentBench parses ``cleaned_html`` as XML with lxml, prunes the tree around five candidates
(``prune_tree``) and renders it (``get_tree_repr``). This module implements the same rules on a
flat, immutable index of the page so that a round never copies the tree: pruning is a walk over
the kept part only, and rendering writes the string lxml would have written, then applies the
same rewriting chain. Malformed markup falls back to a tolerant HTML parser; nothing raises.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from agentbench_gym.envs.web_browsing.html_fallback import parse_tolerant

ID_ATTR = "backend_node_id"
MAX_DEPTH = 5  # descendants kept down to MAX_DEPTH + 1 levels below a candidate
MAX_CHILDREN = 50  # ... and at most this many of them, in pre-order
MAX_SIBLING = 3  # siblings kept on each side of a candidate
MAX_VALUE_TOKENS = 5  # tokens kept per attribute value
MAX_TOKENS = 20  # tokens kept per meta string and per text node
OPTION_TOKENS = 10  # tokens of an option's text
META_ATTRS = ("role", "aria_role", "type", "alt", "aria_description", "aria_label", "label", "title",
              "name", "text_value", "value", "placeholder", "input_checked", "input_value",
              "option_selected", "class")
_DULL_VALUES = frozenset({"hidden", "none", "presentation", "null", "undefined"})
# The entity table AgentBench unescapes after serialising (order matters: &amp; goes early).
_UNESCAPE = (("&quot;", '"'), ("&amp;", "&"), ("&lt;", "<"), ("&gt;", ">"), ("&nbsp;", " "),
             ("&ndash;", "-"), ("&rsquo;", "'"), ("&lsquo;", "'"), ("&ldquo;", '"'), ("&rdquo;", '"'),
             ("&#39;", "'"), ("&#40;", "("), ("&#41;", ")"))
_TEXT_WRAPPER = re.compile(r"<text>(.*?)</text>")
_SPACES = re.compile(r"\s+")
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(slots=True)
class Node:
    """One element of a page, in document (pre-)order."""

    tag: str
    attrs: dict[str, str]
    text: str | None
    tail: str | None
    parent: int
    children: list[int]
    meta: str | None = None  # AgentBench's attribute summary, computed lazily

    @property
    def uid(self) -> str:
        """The ``backend_node_id`` ('' when absent, as AgentBench's ``attrib.get`` gives)."""
        return self.attrs.get(ID_ATTR, "")


class Page:
    """A parsed page: nodes in document order and the first node of each ``backend_node_id``."""

    def __init__(self, nodes: list[Node]) -> None:
        """Index ``nodes`` (index 0 is the root)."""
        self.nodes = nodes
        self.by_id: dict[str, int] = {}
        for index, node in enumerate(nodes):
            uid = node.attrs.get(ID_ATTR)
            if uid is not None and uid not in self.by_id:
                self.by_id[uid] = index

    @classmethod
    def parse(cls, html: str) -> Page:
        """Parse cleaned HTML as XML (as AgentBench does); fall back to a tolerant HTML parse."""
        try:
            root = ET.fromstring(html)
        except (ET.ParseError, ValueError, TypeError):
            return cls(parse_tolerant(html if isinstance(html, str) else ""))
        nodes: list[Node] = []
        stack: list[tuple[ET.Element, int]] = [(root, -1)]
        while stack:
            element, parent = stack.pop()
            index = len(nodes)
            tag = element.tag if isinstance(element.tag, str) else "comment"
            nodes.append(Node(tag.rpartition("}")[2], dict(element.attrib), element.text,
                              element.tail, parent, []))
            if parent >= 0:
                nodes[parent].children.append(index)
            stack.extend((child, index) for child in reversed(element))
        return cls(nodes)

    def text_of(self, index: int, limit: int = 200) -> list[str]:
        """Up to ``limit`` whitespace tokens of the text under node ``index`` (for ranking)."""
        out: list[str] = []
        stack = [index]
        while stack and len(out) < limit:
            node = self.nodes[stack.pop()]
            if node.text:
                out.extend(node.text.split())
            stack.extend(reversed(node.children))
        return out[:limit]

    # ------------------------------------------------------------------ pruning
    def keep_set(self, candidates: Iterable[str]) -> set[str]:
        """The ids ``prune_tree`` marks: candidates, ancestors, near descendants and siblings."""
        keep: set[str] = set()
        nodes = self.nodes
        for uid in candidates:
            index = self.by_id.get(uid)
            if index is None:
                continue  # AgentBench raises here; a missing id simply offers nothing
            node = nodes[index]
            keep.add(node.uid)
            parent = node.parent
            while parent >= 0:
                keep.add(nodes[parent].uid)
                parent = nodes[parent].parent
            keep.update(nodes[i].uid for i in self._descendants(index))
            if node.parent >= 0 and node.tag != "text":
                siblings = [i for i in nodes[node.parent].children if nodes[i].tag != "text"]
                at = siblings.index(index)
                keep.update(nodes[i].uid for i in siblings[max(0, at - MAX_SIBLING): at + MAX_SIBLING + 1])
        return keep

    def _descendants(self, index: int) -> list[int]:
        """Pre-order descendants down to ``MAX_DEPTH + 1`` levels, the first ``MAX_CHILDREN``."""
        out: list[int] = []
        stack = [(child, 0) for child in reversed(self.nodes[index].children)]
        while stack and len(out) < MAX_CHILDREN:
            child, depth = stack.pop()
            out.append(child)
            if depth < MAX_DEPTH:
                stack.extend((grand, depth + 1) for grand in reversed(self.nodes[child].children))
        return out

    def prune(self, candidates: Sequence[str]) -> Pruned:
        """Prune around ``candidates`` with ``prune_tree``'s rules (see ``Pruned``)."""
        keep = self.keep_set(candidates)
        wanted = set(candidates)
        nodes = self.nodes
        kids: dict[int, list[int]] = {}
        # Surviving nodes top-down: a text node lives when its parent's id is kept, any other
        # node when its own id is; a dropped node takes its subtree (and its tail) with it.
        alive: list[int] = []
        stack = [0]  # the root stays even when unmarked: AgentBench removes only nodes with a parent
        while stack:
            index = stack.pop()
            alive.append(index)
            uid = nodes[index].uid
            stack.extend(c for c in reversed(nodes[index].children)
                         if (uid if nodes[c].tag == "text" else nodes[c].uid) in keep)
        # Reverse pre-order = AgentBench's reverse-document-order walk: children before parents.
        replaced: dict[int, list[int]] = {}
        for index in reversed(alive):
            node = nodes[index]
            children = [r for c in node.children if c in replaced for r in replaced[c]]
            kids[index] = children
            is_candidate = node.tag != "text" and node.uid in wanted
            attrs_left = len(node.attrs) - (ID_ATTR in node.attrs) + is_candidate
            if (attrs_left == 0 and node.parent >= 0 and node.tag != "text" and len(children) <= 1
                    and not any(nodes[c].tag == "text" for c in children)):
                replaced[index] = children  # spliced out: the child takes its place; text/tail go
            else:
                replaced[index] = [index]
        order = [i for i in _preorder(0, kids) if nodes[i].tag != "text" and nodes[i].uid in wanted]
        return Pruned(self, kids, order)


def _preorder(root: int, kids: dict[int, list[int]]) -> list[int]:
    out, stack = [], [root]
    while stack:
        index = stack.pop()
        out.append(index)
        stack.extend(reversed(kids.get(index, ())))
    return out


class Pruned:
    """A pruned view of a page: kept children per node and the candidates in document order.

    ``choices[k]`` is the backend id rendered as ``id=k`` and offered as letter ``chr(66 + k)``.
    """

    def __init__(self, page: Page, kids: dict[int, list[int]], order: list[int]) -> None:
        """Wrap the pruning result (built by ``Page.prune``)."""
        self.page = page
        self.kids = kids
        self.order = order
        self.number = {index: k for k, index in enumerate(order)}
        self.choices = [page.nodes[i].uid for i in order]

    def html(self) -> str:
        """The pruned page as AgentBench renders it (``get_tree_repr(keep_html_brackets=True)``)."""
        parts: list[str] = []
        self._write(0, parts, with_tail=False)
        return _rewrite("".join(parts))

    def option(self, k: int) -> str:
        """Choice ``k``'s option text: the first ten tokens of its rendered subtree."""
        parts: list[str] = []
        self._write(self.order[k], parts, with_tail=True)
        return " ".join(_rewrite("".join(parts)).split()[:OPTION_TOKENS])

    def _write(self, index: int, out: list[str], *, with_tail: bool) -> None:
        # Emit exactly what lxml's tostring would for the rewritten element, iteratively.
        nodes = self.page.nodes
        stack: list[tuple[int, bool]] = [(index, False)]
        while stack:
            i, closing = stack.pop()
            node = nodes[i]
            if closing:
                out.append(f"</{node.tag}>")
                if node.tail and (i != index or with_tail):
                    out.append(_escape_text(node.tail))
                continue
            children = self.kids.get(i, ())
            if node.tag == "text":
                attrs = "".join(f' {k}="{_escape_attr(v)}"' for k, v in node.attrs.items() if k != ID_ATTR)
                words = " ".join((node.text or "").split()[:MAX_TOKENS])
                out.append(f"<text{attrs}>{_escape_text(words)}")
            else:
                attrs = f' id="{self.number[i]}"' if i in self.number else ""
                meta = _meta(node)
                if meta:
                    attrs += f' meta="{_escape_attr(meta)}"'
                if not node.text and not children:
                    out.append(f"<{node.tag}{attrs}/>")
                    if node.tail and (i != index or with_tail):
                        out.append(_escape_text(node.tail))
                    continue
                out.append(f"<{node.tag}{attrs}>")
                if node.text:
                    out.append(_escape_text(node.text))
            stack.append((i, True))
            stack.extend((child, False) for child in reversed(children))


def _meta(node: Node) -> str:
    """AgentBench's ``get_attribute_repr`` summary of a node's salient attributes (cached)."""
    if node.meta is None:
        seen: set[str] = set()
        values: list[str] = []
        for name in META_ATTRS:
            raw = node.attrs.get(name)
            if raw is None:
                continue
            value = raw.lower()
            if value in _DULL_VALUES or value.startswith("http"):
                continue
            value = " ".join([v for v in value.split() if len(v) < 15][:MAX_VALUE_TOKENS])
            if value and value not in seen:
                seen.add(value)
                values.append(value)
        node.meta = " ".join(" ".join(values).split()[:MAX_TOKENS])
    return node.meta


def _escape_text(text: str) -> str:
    text = _INVALID_XML.sub("", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def _escape_attr(text: str) -> str:
    return (_escape_text(text).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;"))


def _rewrite(serialised: str) -> str:
    """AgentBench's string rewriting after ``etree.tostring`` (quotes, meta=, text wrappers, entities)."""
    text = serialised.replace('"', " ")
    text = text.replace("meta= ", "").replace("id= ", "id=").replace(" >", ">")
    text = _TEXT_WRAPPER.sub(r"\1", text)
    for entity, char in _UNESCAPE:
        text = text.replace(entity, char)
    return _SPACES.sub(" ", text).strip()
