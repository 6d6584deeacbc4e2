"""HTML rendering of the site's pages (the same elements the text mode joins with [SEP])."""

from __future__ import annotations

from html import escape

from agentbench_gym.envs.web_shopping.site import ShopSession

_STYLE = """
body{font-family:sans-serif;max-width:60rem;margin:1rem auto;padding:0 1rem}
.instruction{background:#f4f4f4;padding:.5rem}
button{margin:.15rem;padding:.3rem .6rem;cursor:pointer}
button.product-link{background:none;border:none;color:#06c;text-decoration:underline;padding:0}
button.option.selected{background:#333;color:#fff}
.result{border-bottom:1px solid #ddd;padding:.4rem 0}
"""


def render_page(session: ShopSession, session_id: str) -> str:
    """The current page of ``session`` as an HTML document.

    Every clickable is a submit button carrying its clickable value (``name="value"``), so a
    browser click performs exactly ``click[value]``; the search box posts ``search[keywords]``.
    Element ids/classes follow WebShop's templates where it has them (``search_input``, ``btn``,
    ``product-link``).
    """
    base = f"/s/{escape(session_id)}"
    parts = [f"<!doctype html><html><head><meta charset='utf-8'><title>WebShop</title>"
             f"<style>{_STYLE}</style></head><body>"]
    elements = session.elements()
    if session.page == "search" and not session.done:
        parts.append("<h1>WebShop</h1>")
    parts.append(f"<div class='instruction' id='instruction'><b>Instruction:</b> "
                 f"{escape(session.goal.instruction)}</div>")
    if session.done:
        parts.append("<h2>Thank you for shopping with us!</h2>")
        parts.append(f"<p>Your score (min 0.0, max 1.0): <span id='reward'>{session.reward}</span></p>")
        if session.purchased:
            parts.append(f"<p id='purchased'>{escape(session.purchased[0])}</p>")
        parts.append("</body></html>")
        return "".join(parts)
    if session.page == "search":
        parts.append(f"<form method='post' action='{base}/search'>"
                     "<input id='search_input' name='keywords' autofocus size='50'>"
                     "<button class='btn' type='submit'>Search</button></form>")
        parts.append("</body></html>")
        return "".join(parts)
    parts.append(f"<form method='post' action='{base}/click'>")
    for element in elements[2:]:  # the instruction is shown above
        text = escape(element.text)
        value = escape(element.text.lower() if element.kind in ("button", "link") else element.text, quote=True)
        if element.kind == "button":
            parts.append(f"<button class='btn' name='value' value='{value}'>{text}</button>")
        elif element.kind == "link":
            parts.append(f"<div class='result'><button class='product-link' name='value' "
                         f"value='{value}'>{text}</button></div>")
        elif element.kind == "option":
            selected = " selected" if element.selected else ""
            parts.append(f"<button class='option{selected}' name='value' value='{value}' "
                         f"aria-pressed='{str(element.selected).lower()}'>{text}</button>")
        elif element.text.strip():
            tag = "h4" if _is_group_name(session, element.text) else "p"
            parts.append(f"<{tag}>{text}</{tag}>")
    parts.append("</form></body></html>")
    return "".join(parts)


def _is_group_name(session: ShopSession, text: str) -> bool:
    product = session.product
    return session.page == "item" and product is not None and text in product.options
