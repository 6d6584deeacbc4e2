"""WB page handling: Mind2Web pruning and rendering rules, conformance on a real step, bad markup."""

from __future__ import annotations

import gzip
import json
import time

import pytest

from agentbench_gym.envs.web_browsing.dom import Page


def ids(html: str, *candidates: str):
    page = Page.parse(html)
    pruned = page.prune(list(candidates))
    return pruned, pruned.html()


@pytest.fixture(scope="module")
def thumbtack(shared_data):
    with gzip.open(shared_data / "mind2web" / "seeact_example_step.json.gz", "rt", encoding="utf-8") as handle:
        return json.load(handle)


def test_real_step_renders_as_mind2web_pipeline(thumbtack):
    # SeeAct's prompts were rendered by Mind2Web's prune_tree/get_tree_repr from this very page.
    page = Page.parse(thumbtack["cleaned_html"])
    assert len(thumbtack["seeact_multichoice_queries"]) == 3
    for query in thumbtack["seeact_multichoice_queries"]:
        choice_ids = [c[0] for c in query["choices"]]
        pruned = page.prune(choice_ids)
        assert pruned.html() == query["context_html"]
        assert pruned.choices == choice_ids
        assert [pruned.option(k) for k in range(len(choice_ids))] == [c[1] for c in query["choices"]]


def test_worked_example_group(thumbtack):
    # TASK_DETAILS.md §3.3: a five-candidate group of the real step, rendered and optioned.
    page = Page.parse(thumbtack["cleaned_html"])
    top = {c["backend_node_id"] for c in thumbtack["neg_candidates"] if c["rank"] < 10}
    group = [uid for uid in ("8863", "9256", "9370", "10623", "10628") if uid in top]
    pruned = page.prune(group)
    html = pruned.html()
    assert html.startswith("<html> <body> <div> <div> <button id=0 button> HIRE A PRO </button> "
                           "<button button> FIND CUSTOMERS </button> </div>")
    assert "<input id=3 zip code zip_code 43235 />" in html and html.endswith("</html>")
    assert pruned.option(0) == "<button id=0 button> HIRE A PRO </button>"
    assert pruned.option(1) == "<a id=1> <source image/webp /> <div wedding and event photography>"


def test_candidate_keeps_id_others_lose_it_and_bare_wrappers_are_spliced():
    html = ('<html backend_node_id="1"> <div backend_node_id="2"> <div backend_node_id="3">'
            ' <button backend_node_id="4" aria_label="Go"> <text backend_node_id="5">Go</text> </button>'
            ' </div> </div> </html>')
    pruned, out = ids(html, "4")
    assert out == "<html> <button id=0 go> Go </button> </html>"
    assert pruned.choices == ["4"]


def test_wrapper_with_text_or_attributes_survives():
    html = ('<html backend_node_id="1"> <div backend_node_id="2" class="box"> <a backend_node_id="3">'
            '<text backend_node_id="4">x</text></a> </div>'
            ' <p backend_node_id="5"> <text backend_node_id="6">hi</text> <b backend_node_id="7"/> </p> </html>')
    _, out = ids(html, "3", "7")
    assert out == "<html> <div box> <a id=0>x</a> </div> <p> hi <b id=1 /> </p> </html>"


def test_sibling_window_is_three_each_side():
    items = "".join(f' <li backend_node_id="{i}" title="t{i}"/>' for i in range(10, 20))
    html = f'<html backend_node_id="1"> <ul backend_node_id="2">{items} </ul> </html>'
    _, out = ids(html, "15")
    kept = [f"t{i}" for i in range(10, 20) if f" t{i}" in out]
    assert kept == [f"t{i}" for i in range(12, 19)]


def test_descendants_limited_to_fifty_and_six_levels():
    deep = "".join(f'<div backend_node_id="{100 + i}" title="d{i}">' for i in range(9)) + "</div>" * 9
    wide = "".join(f'<i backend_node_id="{300 + i}" title="w{i}"/>' for i in range(60))
    html = (f'<html backend_node_id="1"><section backend_node_id="2" class="c">{deep}</section>'
            f'<nav backend_node_id="3" class="n">{wide}</nav></html>')
    _, out = ids(html, "2", "3")
    assert "d5" in out and "d6" not in out  # levels 1..6 below the candidate
    assert "w49" in out and "w50" not in out


def test_meta_rules():
    attrs = ('role="presentation" type="checkbox" aria_label="HTTP://x.example Shop NOW" '
             'title="shop now" name="averyveryverylongtoken short" placeholder="None" class="a b c d e f g"')
    html = f'<html backend_node_id="1"><input backend_node_id="2" {attrs}/></html>'
    _, out = ids(html, "2")
    # dull values and http* (after lower-casing) dropped, duplicates dropped, >=15-char tokens
    # dropped, 5 tokens per value; no whitespace in the source, so none between the tags
    assert out == "<html><input id=0 checkbox shop now short a b c d e /></html>"


def test_text_is_cut_to_twenty_tokens_and_quotes_and_entities_follow_agentbench():
    words = " ".join(f"w{i}" for i in range(30))
    html = (f'<html backend_node_id="1"><p backend_node_id="2"><text backend_node_id="3">{words}</text>'
            '<text backend_node_id="4">say "hi" &amp;nbsp; &lt;b&gt;</text></p></html>')
    _, out = ids(html, "2")
    assert "w19" in out and "w20" not in out
    # text nodes join without a space when the source has none; quotes in text become spaces;
    # escaped markup comes back unescaped and "&amp;nbsp;" is unescaped twice (to a space)
    assert out == "<html><p id=0>" + " ".join(f"w{i}" for i in range(20)) + "say hi <b></p></html>"


def test_missing_and_text_candidates_are_not_offered():
    html = '<html backend_node_id="1"><p backend_node_id="2"><text backend_node_id="3">t</text></p></html>'
    pruned, out = ids(html, "3", "99")
    assert pruned.choices == [] and "id=" not in out


@pytest.mark.parametrize("markup", [
    "", "   ", "<", "<<<>>>", "<div><span>unclosed", "</p></p>", "<html><body>&nbsp;&bogus;</body></html>",
    "\x00\x01<a backend_node_id='1'>x\x1b</a>", "\udcff<b backend_node_id='2'>\ud800</b>", "plain text only",
    "<a backend_node_id='1'><b></a></b>", "<?xml version='1.0' encoding='utf-8'?><html/>",
    '<html backend_node_id="1"><div backend_node_id="2"',
])
def test_malformed_markup_never_crashes(markup):
    page = Page.parse(markup)
    pruned = page.prune(["1", "2", "3"])
    assert isinstance(pruned.html(), str)
    assert all(isinstance(pruned.option(k), str) for k in range(len(pruned.choices)))


def test_tolerant_parser_recovers_candidates():
    page = Page.parse('<div backend_node_id="1"><a backend_node_id="2" aria_label="Buy">Buy &nbsp;now<br></div>')
    pruned = page.prune(["2"])
    assert pruned.choices == ["2"] and "buy" in pruned.html()


def test_deep_and_huge_pages_stay_fast():
    depth = 20_000
    deep = "".join(f'<div backend_node_id="{i}">' for i in range(depth)) + "</div>" * depth
    page = Page.parse(deep)
    assert page.prune([str(depth - 1)]).choices == [str(depth - 1)]
    rows = "".join(f'<li backend_node_id="{i}" class="row"><text backend_node_id="t{i}">item {i} '
                   f'{"lorem ipsum " * 20}</text></li>' for i in range(10, 8000))
    huge = f'<html backend_node_id="1"><ul backend_node_id="2">{rows}</ul></html>'
    assert len(huge) > 1_000_000
    start = time.perf_counter()
    pruned = Page.parse(huge).prune(["100", "4000", "7000"])
    html = pruned.html()
    assert time.perf_counter() - start < 5.0
    assert len(html) < 10_000  # pruned to the candidates' neighbourhood, as AgentBench does


def test_random_markup_soup_never_crashes():
    """Seeded fuzz: random sequences of tag pieces, ids, entities and control characters."""
    import numpy as np

    from agentbench_gym.envs.web_browsing.rank import rank_candidates

    pieces = ["<", ">", "/", "</", "/>", "<div", "<text", "</text>", "<a", "</a>", "<select>", "</div>",
              ' backend_node_id="1"', ' backend_node_id="2"', " backend_node_id='3'", ' backend_node_id=',
              ' aria_label="x y"', ' class="http://z"', "&amp;", "&bogus;", "&#0;", "&#x110000;", '"', "'",
              "=", "word ", "\x00", "\x0b", "\ud800", "\u00e9", "<!--", "-->", "<![CDATA[", "]]>", "<?x?>",
              "<!DOCTYPE html>", "\n", " "]
    rng = np.random.default_rng(0)
    for _ in range(400):
        markup = "".join(pieces[i] for i in rng.integers(len(pieces), size=int(rng.integers(1, 60))))
        page = Page.parse(markup)
        pruned = page.prune(["1", "2", "3"])
        assert isinstance(pruned.html(), str)
        assert all(isinstance(pruned.option(k), str) for k in range(len(pruned.choices)))
        assert sorted(r for r, _ in rank_candidates(page, "word x", ["1", "2", "3"]).values()) == [0, 1, 2]


def test_parse_restores_the_garbage_collector_state():
    import gc

    assert gc.isenabled()
    Page.parse('<html backend_node_id="1"><a backend_node_id="2">x</a></html>')
    Page.parse("<div><span>unclosed")  # the tolerant fallback path
    assert gc.isenabled()
    gc.disable()
    try:
        Page.parse('<html backend_node_id="1"/>')
        assert not gc.isenabled()  # a caller's disabled collector stays disabled
    finally:
        gc.enable()
