"""A tolerant parser for markup that is not well-formed XML: never raises, always gives a root.

AgentBench's lxml XML parse crashes the sample on malformed ``cleaned_html``; this env instead
reads such pages with the standard library's forgiving HTML tokenizer (unclosed and stray tags,
undefined entities, control characters, binary junk) into the same element tree.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from html.parser import HTMLParser

_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                   "param", "source", "track", "wbr"})


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = ET.Element("html")
        self.open: list[ET.Element] = [self.root]

    def _add(self, tag: str, attrs: list[tuple[str, str | None]]) -> ET.Element:
        return ET.SubElement(self.open[-1], tag, {k: v or "" for k, v in attrs})

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = self._add(tag, attrs)
        if tag not in _VOID:
            self.open.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._add(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.open) - 1, 0, -1):
            if self.open[depth].tag == tag:
                del self.open[depth:]
                return  # a stray end tag with no open match is ignored

    def handle_data(self, data: str) -> None:
        parent = self.open[-1]
        if len(parent):
            last = parent[-1]
            last.tail = (last.tail or "") + data
        else:
            parent.text = (parent.text or "") + data


def parse_tolerant(markup: str) -> ET.Element:
    """Parse ``markup`` forgivingly; a single top-level element becomes the root, else ``<html>``."""
    builder = _Builder()
    try:
        builder.feed(markup)
        builder.close()
    except Exception:  # the tokenizer is forgiving, but a page must never crash a sample
        pass
    root = builder.root
    if len(root) == 1 and not (root.text or "").strip() and root[0].tag != "text":
        only = root[0]
        only.tail = None
        return only
    return root
