"""Building blocks of the project's own websites, written as Mind2Web-style cleaned HTML.

Pages are trees of ``E`` elements rendered the way Mind2Web's ``cleaned_html`` looks: every
element carries a ``backend_node_id``, text sits in ``<text>`` elements, only salient attributes
remain. ``sitegen`` composes these blocks into tasks.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

INTERACTIVE = frozenset({"a", "button", "input", "select", "textarea"})
CLICKABLE_ROLES = frozenset({"button", "link", "option", "tab", "checkbox", "menuitem", "radio"})


class E:
    """An element: tag, attributes and children (``str`` children become ``<text>`` nodes)."""

    __slots__ = ("attrs", "kids", "tag", "uid")

    def __init__(self, tag: str, attrs: dict[str, str] | None = None, *kids: E | str) -> None:
        """Create the element."""
        self.tag = tag
        self.attrs = dict(attrs or {})
        self.kids: list[E | str] = list(kids)
        self.uid = ""

    def walk(self) -> Iterator[E]:
        """This element and its element descendants, in document order."""
        yield self
        for kid in self.kids:
            if isinstance(kid, E):
                yield from kid.walk()

    @property
    def interactive(self) -> bool:
        """Whether Mind2Web-style candidate generation would consider it (a control or link)."""
        return self.tag in INTERACTIVE or self.attrs.get("role", "") in CLICKABLE_ROLES

    def label(self) -> str:
        """The element's visible text, else its aria label, placeholder or name (for action reprs)."""
        if self.tag in ("select", "input", "textarea") and self.attrs.get("aria_label"):
            return self.attrs["aria_label"]
        words = " ".join(k for k in self._texts())
        return words or self.attrs.get("aria_label") or self.attrs.get("placeholder") or \
            self.attrs.get("name", "")

    def _texts(self) -> Iterator[str]:
        for kid in self.kids:
            if isinstance(kid, E):
                yield from kid._texts()
            else:
                yield kid

    def role(self) -> str:
        """The accessibility role Mind2Web's action reprs show in brackets."""
        if "role" in self.attrs:
            return self.attrs["role"]
        kind = self.attrs.get("type", "")
        if self.tag == "input":
            return {"checkbox": "checkbox", "radio": "radio", "search": "searchbox",
                    "submit": "button"}.get(kind, "textbox")
        return {"a": "link", "button": "button", "select": "combobox", "textarea": "textbox",
                "li": "listitem", "img": "img", "span": "span", "div": "div"}.get(self.tag, self.tag)


def _quote(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def render(root: E, rng: np.random.Generator) -> str:
    """Serialise with fresh ``backend_node_id`` values (increasing, with gaps) and indentation."""
    counter = [int(rng.integers(100, 20000))]

    def next_id() -> str:
        counter[0] += int(rng.integers(1, 4))
        return str(counter[0])

    lines: list[str] = []

    def emit(node: E, depth: int) -> None:
        node.uid = next_id()
        pad = "  " * depth
        attrs = f' backend_node_id="{node.uid}"' + "".join(
            f' {k}="{_quote(v)}"' for k, v in node.attrs.items() if v != "")
        if not node.kids:
            lines.append(f"{pad}<{node.tag}{attrs}/>")
            return
        lines.append(f"{pad}<{node.tag}{attrs}>")
        for kid in node.kids:
            if isinstance(kid, E):
                emit(kid, depth + 1)
            else:
                lines.append(f'{pad}  <text backend_node_id="{next_id()}">{_quote(kid)}</text>')
        lines.append(f"{pad}</{node.tag}>")

    emit(root, 0)
    return "\n".join(lines)


# --------------------------------------------------------------------- blocks
def link(text: str, **attrs: str) -> E:
    """A link with visible text."""
    return E("a", attrs, text)


def button(text: str, **attrs: str) -> E:
    """A button with visible text."""
    return E("button", {"type": "button", **attrs}, text)


def text_input(label: str, value: str = "", kind: str = "text", **attrs: str) -> E:
    """A text field labelled by ``label`` (aria label and placeholder), with its current value."""
    return E("input", {"type": kind, "aria_label": label, "placeholder": label, "input_value": value,
                       **attrs})


def select(label: str, options: Sequence[str], chosen: str = "", **attrs: str) -> E:
    """A drop-down with options (the chosen one marked as Mind2Web's ``option_selected``)."""
    kids = [E("option", {"value": o.lower(), "option_selected": "true" if o == chosen else ""}, o)
            for o in options]
    return E("select", {"aria_label": label, "name": label.lower().replace(" ", "_"), **attrs}, *kids)


def checkbox(label: str, checked: bool = False) -> E:
    """A labelled checkbox."""
    return E("label", {}, E("input", {"type": "checkbox", "aria_label": label,
                                      "input_checked": "true" if checked else "false"}), label)


def header(site: str, nav: Sequence[str], extra: Sequence[E] = ()) -> E:
    """A site header: logo link, navigation links, account links and any extra controls."""
    return E("header", {"role": "banner"},
             E("div", {"class": "logo"}, link(site, aria_label=f"{site} home")),
             E("nav", {"aria_label": "main menu"}, E("ul", {}, *[E("li", {}, link(n)) for n in nav])),
             *extra,
             E("div", {"class": "account"}, link("Sign in"), link("Help")))


def footer(site: str, columns: Sequence[tuple[str, Sequence[str]]]) -> E:
    """A footer with columns of links and a copyright line."""
    blocks = [E("div", {}, E("h3", {}, title), E("ul", {}, *[E("li", {}, link(x)) for x in items]))
              for title, items in columns]
    return E("footer", {"role": "contentinfo"}, *blocks, E("p", {}, f"© 2024 {site}. All rights reserved."))


def promo(title: str, body: str, cta: str) -> E:
    """A promotional box with a call-to-action link."""
    return E("section", {"class": "promo"}, E("h2", {}, title), E("p", {}, body), link(cta))


def page(title: str, *body: E) -> E:
    """The document root."""
    return E("html", {}, E("head", {}, E("title", {}, title)), E("body", {}, *body))


def candidates(root: E, target: E) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """Mind2Web-style candidate lists: the target, and every other interactive element."""
    pos = [{"backend_node_id": target.uid, "tag": target.tag}]
    neg = [{"backend_node_id": e.uid, "tag": e.tag} for e in root.walk() if e.interactive and e is not target]
    return pos, neg


def action_repr(target: E, op: str, value: str) -> str:
    """Mind2Web's ``action_reprs`` entry: ``[role]  text -> OP: value`` (no value for CLICK)."""
    text = " ".join(target.label().split())
    if len(text) > 50:
        text = text[:50] + "..."
    return f"[{target.role()}]  {text} -> {op}" + (f": {value}" if op != "CLICK" else "")


# ------------------------------------------------------------------ helpers
Step = tuple[E, E, str, str]
"""A task step: page root, target element, operation, value."""

FOOT = [("Company", ["About us", "Careers", "Press", "Blog"]),
        ("Support", ["Help center", "Returns", "Shipping", "Contact us"]),
        ("Legal", ["Privacy", "Terms of use", "Cookie settings"])]


def pick(rng: np.random.Generator, items: list[Any]) -> Any:
    """One item drawn with ``rng``."""
    return items[int(rng.integers(len(items)))]


def sample(rng: np.random.Generator, items: list[Any], n: int) -> list[Any]:
    """``n`` distinct items drawn with ``rng``."""
    return [items[i] for i in rng.permutation(len(items))[:n]]
