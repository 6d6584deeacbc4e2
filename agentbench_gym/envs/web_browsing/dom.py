"""Mind2Web's cleaned HTML: parsing, candidate-centred pruning and AgentBench's text rendering.

AgentBench parses ``cleaned_html`` as XML with lxml, prunes the tree around five candidates
(``prune_tree``) and renders it (``get_tree_repr``). This module implements the same rules on a
flat, immutable index of the page so that a round never copies the tree: pruning is a walk over
the kept part only, and rendering writes the string lxml would have written, then applies the
same rewriting chain. Malformed markup falls back to a tolerant HTML parser; nothing raises.
"""

from __future__ import annotations

import gc
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping, Sequence

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


def uid_of(element: ET.Element) -> str:
    """An element's ``backend_node_id`` ('' when absent, as AgentBench's ``attrib.get`` gives)."""
    return element.get(ID_ATTR, "")


def tag_of(element: ET.Element) -> str:
    """The element's tag without any XML namespace."""
    tag = element.tag
    if not isinstance(tag, str):
        return "comment"
    return tag.rpartition("}")[2] if tag.startswith("{") else tag


class Page:
    """A parsed page: the element tree, parent links and the first element of each ``backend_node_id``."""

    def __init__(self, root: ET.Element) -> None:
        """Index the tree under ``root``."""
        self.root = root
        self.parent: dict[ET.Element, ET.Element] = {child: parent for parent in root.iter() for child in parent}
        self.by_id: dict[str, ET.Element] = {}
        for element in root.iter():
            uid = element.get(ID_ATTR)
            if uid is not None and uid not in self.by_id:
                self.by_id[uid] = element
        self.meta: dict[ET.Element, str] = {}
        self._position: dict[ET.Element, int] | None = None

    @property
    def position(self) -> dict[ET.Element, int]:
        """Each element's index in document order (built on first use)."""
        if self._position is None:
            self._position = {element: i for i, element in enumerate(self.root.iter())}
        return self._position

    @classmethod
    def parse(cls, html: str) -> Page:
        """Parse cleaned HTML as XML (as AgentBench does); fall back to a tolerant HTML parse.

        The cyclic garbage collector is paused while the tree and its index are built (and
        restored as it was): a 200 KB page allocates tens of thousands of container objects,
        which otherwise trigger full collections that set the p95 step latency (see
        benchmarks/RESULTS.md). Any cycle made meanwhile is collected later, as usual.
        """
        enabled = gc.isenabled()
        gc.disable()
        try:
            try:
                return cls(ET.fromstring(html))
            except (ET.ParseError, ValueError, TypeError):
                return cls(parse_tolerant(html if isinstance(html, str) else ""))
        finally:
            if enabled:
                gc.enable()

    def text_of(self, uid: str, limit: int = 200) -> list[str]:
        """Up to ``limit`` whitespace tokens of the text under element ``uid`` (for ranking)."""
        element = self.by_id.get(uid)
        if element is None:
            return []
        out: list[str] = []
        for piece in element.itertext():
            out.extend(piece.split())
            if len(out) >= limit:
                break
        return out[:limit]

    # ------------------------------------------------------------------ pruning
    def keep_set(self, candidates: Iterable[str]) -> set[str]:
        """The ids ``prune_tree`` marks: candidates, ancestors, near descendants and siblings."""
        keep: set[str] = set()
        parents = self.parent
        for uid in candidates:
            element = self.by_id.get(uid)
            if element is None:
                continue  # AgentBench raises here; a missing id simply offers nothing
            keep.add(uid)
            up = parents.get(element)
            while up is not None:
                keep.add(uid_of(up))
                up = parents.get(up)
            keep.update(uid_of(e) for e in _descendants(element))
            parent = parents.get(element)
            if parent is not None and tag_of(element) != "text":
                siblings = [e for e in parent if tag_of(e) != "text"]
                at = next(i for i, e in enumerate(siblings) if e is element)
                keep.update(uid_of(e) for e in siblings[max(0, at - MAX_SIBLING): at + MAX_SIBLING + 1])
        return keep

    def prune(self, candidates: Sequence[str]) -> Pruned:
        """Prune around ``candidates`` with ``prune_tree``'s rules (see ``Pruned``)."""
        keep = self.keep_set(candidates)
        wanted = set(candidates)
        # Surviving elements top-down: a text element lives when its parent's id is kept, any
        # other when its own id is; a dropped element takes its subtree (and its tail) with it.
        alive: list[ET.Element] = []
        stack = [self.root]  # the root stays even when unmarked: AgentBench removes only nodes with a parent
        while stack:
            element = stack.pop()
            alive.append(element)
            uid = uid_of(element)
            stack.extend(c for c in reversed(element) if (uid if tag_of(c) == "text" else uid_of(c)) in keep)
        # Reverse pre-order = AgentBench's reverse-document-order walk: children before parents.
        kids: dict[ET.Element, list[ET.Element]] = {}
        replaced: dict[ET.Element, list[ET.Element]] = {}
        for element in reversed(alive):
            children = [r for c in element if c in replaced for r in replaced[c]]
            kids[element] = children
            tag = tag_of(element)
            is_candidate = tag != "text" and uid_of(element) in wanted
            attrs_left = len(element.attrib) - (ID_ATTR in element.attrib) + is_candidate
            if (attrs_left == 0 and element is not self.root and tag != "text" and len(children) <= 1
                    and not any(tag_of(c) == "text" for c in children)):
                replaced[element] = children  # spliced out: the child takes its place; text/tail go
            else:
                replaced[element] = [element]
        order = [e for e in _preorder(self.root, kids) if tag_of(e) != "text" and uid_of(e) in wanted]
        return Pruned(self, kids, order)


def _descendants(element: ET.Element) -> list[ET.Element]:
    """Pre-order descendants down to ``MAX_DEPTH + 1`` levels, the first ``MAX_CHILDREN``."""
    out: list[ET.Element] = []
    stack = [(child, 0) for child in reversed(element)]
    while stack and len(out) < MAX_CHILDREN:
        child, depth = stack.pop()
        out.append(child)
        if depth < MAX_DEPTH:
            stack.extend((grand, depth + 1) for grand in reversed(child))
    return out


def _preorder(root: ET.Element, kids: dict[ET.Element, list[ET.Element]]) -> list[ET.Element]:
    out, stack = [], [root]
    while stack:
        element = stack.pop()
        out.append(element)
        stack.extend(reversed(kids.get(element, ())))
    return out


class Pruned:
    """A pruned view of a page: kept children per element and the candidates in document order.

    ``choices[k]`` is the backend id rendered as ``id=k`` and offered as letter ``chr(66 + k)``.
    """

    def __init__(self, page: Page, kids: dict[ET.Element, list[ET.Element]], order: list[ET.Element]) -> None:
        """Wrap the pruning result (built by ``Page.prune``)."""
        self.page = page
        self.kids = kids
        self.order = order
        self.number = {id(e): k for k, e in enumerate(order)}
        self.choices = [uid_of(e) for e in order]

    def html(self) -> str:
        """The pruned page as AgentBench renders it (``get_tree_repr(keep_html_brackets=True)``)."""
        parts: list[str] = []
        self._write(self.page.root, parts, with_tail=False)
        return _rewrite("".join(parts))

    def option(self, k: int) -> str:
        """Choice ``k``'s option text: the first ten tokens of its rendered subtree."""
        parts: list[str] = []
        self._write(self.order[k], parts, with_tail=True)
        return " ".join(_rewrite("".join(parts)).split()[:OPTION_TOKENS])

    def _write(self, top: ET.Element, out: list[str], *, with_tail: bool) -> None:
        # Emit exactly what lxml's tostring would for the rewritten element, iteratively.
        stack: list[tuple[ET.Element, bool]] = [(top, False)]
        while stack:
            element, closing = stack.pop()
            tag = tag_of(element)
            tail = element.tail if (element is not top or with_tail) else None
            if closing:
                out.append(f"</{tag}>")
                if tail:
                    out.append(_escape_text(tail))
                continue
            children = self.kids.get(element, ())
            if tag == "text":
                attrs = "".join(f' {k}="{_escape_attr(v)}"' for k, v in element.attrib.items() if k != ID_ATTR)
                words = " ".join((element.text or "").split()[:MAX_TOKENS])
                out.append(f"<text{attrs}>{_escape_text(words)}")
            else:
                number = self.number.get(id(element))
                attrs = f' id="{number}"' if number is not None else ""
                meta = self.page.meta.get(element)
                if meta is None:
                    meta = self.page.meta[element] = _meta(element.attrib)
                if meta:
                    attrs += f' meta="{_escape_attr(meta)}"'
                if not element.text and not children:
                    out.append(f"<{tag}{attrs}/>")
                    if tail:
                        out.append(_escape_text(tail))
                    continue
                out.append(f"<{tag}{attrs}>")
                if element.text:
                    out.append(_escape_text(element.text))
            stack.append((element, True))
            stack.extend((child, False) for child in reversed(children))


def _meta(attrs: Mapping[str, str]) -> str:
    """AgentBench's ``get_attribute_repr`` summary of an element's salient attributes."""
    seen: set[str] = set()
    values: list[str] = []
    for name in META_ATTRS:
        raw = attrs.get(name)
        if raw is None:
            continue
        value = raw.lower()
        if value in _DULL_VALUES or value.startswith("http"):
            continue
        value = " ".join([v for v in value.split() if len(v) < 15][:MAX_VALUE_TOKENS])
        if value and value not in seen:
            seen.add(value)
            values.append(value)
    return " ".join(" ".join(values).split()[:MAX_TOKENS])


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
