"""WS site rules: page texts, clickables, and what each action does (WebShop's semantics)."""

from __future__ import annotations

import pytest

from agentbench_gym.envs.web_shopping.catalog import Catalog
from agentbench_gym.envs.web_shopping.data import Product, WebShopSample
from agentbench_gym.envs.web_shopping.site import ShopSession


def _product(asin: str, name: str, **kw) -> Product:
    return Product(asin=asin, name=name, query=kw.pop("query", "widgets"),
                   product_category="Home › Tools › Widgets", **kw)


@pytest.fixture
def catalog() -> Catalog:
    products = [_product("B000000001", "Red Widget Deluxe", pricing=(12.5,), description="A red widget.",
                         bullets=("sturdy build", "red paint"), attributes=("sturdy build",),
                         options={"color": ("red", "dark blue"), "size": ("small", "large")},
                         reviews=({"title": "Nice", "score": 5, "body": "Works."},))]
    products += [_product(f"B0000001{i:02d}", f"Widget model {i}", pricing=(float(i),)) for i in range(1, 25)]
    products.append(_product("B000000999", "Garden hose", query="hoses", pricing=(5.0, 9.0)))
    return Catalog(products)


@pytest.fixture
def goal() -> WebShopSample:
    return WebShopSample(id="g", instruction="i want a red widget, and price lower than 20.00 dollars",
                         asin="B000000001", name="Red Widget Deluxe", query="widgets", category="x",
                         product_category="Home › Tools › Widgets", attributes=("sturdy build",),
                         goal_options=("red", "small"), price_upper=20.0)


def test_search_page_text_and_actions(catalog, goal):
    s = ShopSession(catalog, goal)
    assert s.text() == f"WebShop [SEP] Instruction: [SEP] {goal.instruction} [SEP] Search"
    assert s.available_actions() == {"has_search_bar": True, "clickables": ["search"]}
    assert not s.click("search").valid  # the search button is not clickable by click[...]


def test_results_pages_and_paging(catalog, goal):
    s = ShopSession(catalog, goal)
    assert s.step("search[widget]").valid
    text = s.text()
    assert text.startswith(f"Instruction: [SEP] {goal.instruction} [SEP] Back to Search [SEP] Page 1 "
                           "(Total results: 25) [SEP] Next > [SEP] ")
    assert text.count("[SEP] B0") == 10
    clickables = s.clickables()
    assert clickables[:2] == ["back to search", "next >"] and len(clickables) == 12
    assert all(c.startswith("b0") for c in clickables[2:])
    s.step("click[Next >]")
    assert "Page 2 (Total results: 25) [SEP] < Prev [SEP] Next >" in s.text()
    assert s.clickables()[:3] == ["back to search", "< prev", "next >"]
    s.step("click[next >]")
    s.step("click[next >]")  # past the end: an empty page, Next > still shown
    assert s.text().endswith("Page 4 (Total results: 25) [SEP] < Prev [SEP] Next >")
    s.step("click[< prev]")
    assert "Page 3" in s.text()


def test_item_page_options_and_sub_pages(catalog, goal):
    s = ShopSession(catalog, goal)
    s.step("search[red widget deluxe]")
    assert s.step("click[B000000001]").valid
    item = s.text()
    assert item == (f"Instruction: [SEP] {goal.instruction} [SEP] Back to Search [SEP] < Prev [SEP] color "
                    "[SEP] red [SEP] dark blue [SEP] size [SEP] small [SEP] large [SEP] Red Widget Deluxe "
                    "[SEP] Price: $12.5 [SEP] Rating: N.A. [SEP] Description [SEP] Features [SEP] Reviews "
                    "[SEP] Buy Now")
    assert s.clickables() == ["back to search", "< prev", "description", "features", "reviews", "buy now",
                              "red", "dark blue", "small", "large"]
    s.step("click[dark blue]")
    s.step("click[red]")  # the latest click in a group wins
    s.step("click[small]")
    assert s.options == {"color": "red", "size": "small"}
    assert s.text() == item  # the selection is not shown in text mode
    s.step("click[Features]")
    assert s.text().endswith("< Prev [SEP] sturdy build [SEP] red paint")
    assert s.available_actions() == {"has_search_bar": False, "clickables": ["back to search", "< prev"]}
    s.step("click[< prev]")
    assert s.page == "item" and s.options == {"color": "red", "size": "small"}  # options kept
    s.step("click[description]")
    assert s.text().endswith("[SEP] A red widget.")
    s.step("click[< Prev]")
    s.step("click[reviews]")
    assert s.text().endswith("< Prev [SEP] Nice [SEP] 5 [SEP] Works.")
    s.step("click[< prev]")
    s.step("click[< prev]")  # item page -> results, options cleared
    assert s.page == "results" and s.options == {} and s.asin is None


def test_noops_change_nothing(catalog, goal):
    s = ShopSession(catalog, goal)
    before = s.text()
    for action in ("click[buy now]", "click[B000000001]", "search[]", "search[ ]", "jump[x]", "nonsense"):
        assert not s.step(action).valid
        assert s.text() == before
    s.step("search[widget]")
    results = s.text()
    assert not s.step("search[hose]").valid  # no search bar on the results page
    assert s.text() == results
    assert not s.step("click[B000000999]").valid  # not shown on this page


def test_search_anywhere_flag_reproduces_upstream(catalog, goal):
    s = ShopSession(catalog, goal, search_anywhere=True)
    s.step("search[widget]")
    s.step("click[next >]")
    assert s.step("search[garden hose]").valid
    assert s.page_no == 1 and "B000000999" in s.text()


def test_back_to_search_and_buy(catalog, goal):
    s = ShopSession(catalog, goal)
    s.step("search[widget]")
    s.step("click[back to search]")
    assert s.page == "search" and s.keywords == ""
    s.step("search[red widget deluxe]")
    s.step("click[b000000001]")
    s.step("click[red]")
    s.step("click[small]")
    out = s.step("click[BUY NOW]")
    assert out.done and out.reward == 1.0 and s.purchased == ("B000000001", {"color": "red", "size": "small"})
    assert not s.step("click[back to search]").valid  # nothing happens after the purchase


def test_same_query_same_results(catalog, goal):
    a, b = ShopSession(catalog, goal), ShopSession(catalog, goal)
    a.step("search[widget model]")
    b.step("search[widget model]")
    assert a.text() == b.text()


def test_index_holds_webshops_document_fields(catalog):
    """WebShop's Lucene document: title, description, first bullet and options (not later bullets)."""
    product = catalog.get("B000000001")
    assert product.search_text == ("red widget deluxe a red widget. sturdy build "
                                   "color: red, dark blue, and size: small, large")

    def found(query: str) -> bool:
        return "B000000001" in {p.asin for p in catalog.search(query)}

    assert found("deluxe") and found("sturdy") and found("dark blue") and found("large")
    assert not found("paint")  # only in the second bullet, which WebShop does not index
