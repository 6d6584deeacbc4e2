"""A tolerant parser for markup that is not well-formed XML: never raises, always gives a root.

AgentBench's lxml XML parse crashes the sample on malformed ``cleaned_html``; this env instead
reads such pages with the standard library's forgiving HTML tokenizer (unclosed and stray tags,
undefined entities, control characters, binary junk) into the same flat node list.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from agentbench_gym.envs.web_browsing.dom import Node

_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                   "param", "source", "track", "wbr"})


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        from agentbench_gym.envs.web_browsing.dom import Node

        self._node = Node
        self.nodes: list[Node] = [Node("html", {}, None, None, -1, [])]
        self.open: list[int] = [0]

    def _add(self, tag: str, attrs: list[tuple[str, str | None]]) -> int:
        parent = self.open[-1]
        index = len(self.nodes)
        self.nodes.append(self._node(tag, {k: v or "" for k, v in attrs}, None, None, parent, []))
        self.nodes[parent].children.append(index)
        return index

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        index = self._add(tag, attrs)
        if tag not in _VOID:
            self.open.append(index)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._add(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.open) - 1, 0, -1):
            if self.nodes[self.open[depth]].tag == tag:
                del self.open[depth:]
                return  # a stray end tag with no open match is ignored

    def handle_data(self, data: str) -> None:
        parent = self.nodes[self.open[-1]]
        if parent.children:
            last = self.nodes[parent.children[-1]]
            last.tail = (last.tail or "") + data
        else:
            parent.text = (parent.text or "") + data


def parse_tolerant(markup: str) -> list[Node]:
    """Parse ``markup`` forgivingly; a single top-level element becomes the root, else ``<html>``."""
    builder = _Builder()
    try:
        builder.feed(markup)
        builder.close()
    except Exception:  # the tokenizer is forgiving, but a page must never crash a sample
        pass
    nodes = builder.nodes
    top = nodes[0]
    if len(top.children) == 1 and not (top.text or "").strip() and nodes[top.children[0]].tag != "text":
        # Re-root at the single element (drop the synthetic wrapper), renumbering parents.
        return [_shift(node) for node in nodes[1:]]
    return nodes


def _shift(node: Node) -> Node:
    node.parent -= 1
    node.children = [c - 1 for c in node.children]
    return node
