"""WS HTML mode: the site over HTTP, driven end to end by headless Chromium (Playwright)."""

from __future__ import annotations

import shutil

import pytest

from agentbench_gym.envs.web_shopping.env import WebShopEnv

pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")
httpx = pytest.importorskip("httpx")

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        pytest.skip("Debian package chromium not installed")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def env():
    env = WebShopEnv(serve_html=True)
    yield env
    env.close()


def _text_env_reward(sample_index: int, actions: list[str]) -> float:
    text_env = WebShopEnv()
    text_env.reset(options={"sample": sample_index})
    for action in actions:
        _, reward, terminated, truncated, info = text_env.step(f"Thought:\nok\n\nAction:\n{action}")
        if terminated or truncated:
            return reward
    raise AssertionError("the text episode did not end")


def test_http_session_per_episode_matches_text_env(env):
    obs, info = env.reset(options={"sample": 1})
    url = info["url"]
    client = httpx.Client(follow_redirects=True, timeout=60)
    page = client.get(url)
    assert page.status_code == 200 and "id='search_input'" in page.text
    goal = env.sample
    product = env.catalog.get(goal.asin)
    client.post(url + "/search", data={"keywords": product.name})
    client.post(url + "/click", data={"value": goal.asin.lower()})
    client.post(url + "/click", data={"value": "no such button"})  # a no-op, as in text mode
    for option in goal.solution:
        client.post(url + "/click", data={"value": option})
    state = client.get(url + "/state").json()
    assert state["page"] == "item" and not state["done"]
    assert state["text"] == env.session.text()  # the env's episode and the page are one session
    done = client.post(url + "/click", data={"value": "buy now"})
    assert "Thank you for shopping with us!" in done.text
    state = client.get(url + "/state").json()
    actions = [f"search[{product.name}]", f"click[{goal.asin}]", *(f"click[{o}]" for o in goal.solution),
               "click[buy now]"]
    assert state["done"] and state["reward"] == _text_env_reward(1, actions) == 1.0
    assert client.get(url.rsplit("/", 1)[0] + "/nope").status_code == 404


def test_chromium_search_open_choose_buy(env, browser):
    env.reset(options={"sample": 5})
    goal = env.sample
    product = env.catalog.get(goal.asin)
    page = browser.new_page()
    page.goto(f"{env.server.url}/start?goal={goal.id}")
    assert goal.instruction in page.inner_text("#instruction")
    page.fill("#search_input", product.name)
    page.click("button.btn:has-text('Search')")
    page.wait_for_selector("button.product-link")
    page.click(f"button.product-link[value='{goal.asin.lower()}']")
    page.wait_for_selector("button.btn[value='buy now']")
    for option in goal.solution:
        page.click(f"button.option[value='{option}']")
        assert page.get_attribute(f"button.option[value='{option}']", "aria-pressed") == "true"
    page.click("button.btn[value='features']")
    assert product.bullets[0] in page.content()
    page.click("button.btn[value='< prev']")
    page.click("button.btn[value='buy now']")
    shown = float(page.inner_text("#reward"))
    page.close()
    actions = [f"search[{product.name}]", f"click[{goal.asin}]", *(f"click[{o}]" for o in goal.solution),
               "click[features]", "click[< prev]", "click[buy now]"]
    assert shown == _text_env_reward(5, actions) == 1.0


def test_chromium_wrong_purchase_shows_same_partial_reward(env, browser):
    goal = env.samples[7]
    page = browser.new_page()
    page.goto(f"{env.server.url}/start?goal={goal.id}")
    page.fill("#search_input", "headphone")
    page.click("button.btn:has-text('Search')")
    links = page.locator("button.product-link")
    asin = next(v for v in (links.nth(i).get_attribute("value") for i in range(links.count()))
                if v.upper() != goal.asin)
    page.click(f"button.product-link[value='{asin}']")
    page.click("button.btn[value='buy now']")
    shown = float(page.inner_text("#reward"))
    page.close()
    assert shown == _text_env_reward(7, ["search[headphone]", f"click[{asin}]", "click[buy now]"]) < 1.0


def test_cli_serve_ws_starts_the_site():
    import socket
    import subprocess
    import sys
    import time

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "agentbench_gym.cli", "serve", "ws", "--port", str(port),
                             "--tagger", "heuristic"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                page = httpx.get(f"http://127.0.0.1:{port}/start?goal=dev-001", follow_redirects=True,
                                 timeout=60)
                break
            except httpx.TransportError:
                assert proc.poll() is None and time.monotonic() < deadline, proc.stdout.read()
                time.sleep(0.2)
        assert page.status_code == 200 and "search_input" in page.text
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_render_escapes_markup():
    from agentbench_gym.envs.web_shopping.catalog import Catalog
    from agentbench_gym.envs.web_shopping.data import Product, WebShopSample
    from agentbench_gym.envs.web_shopping.html import render_page
    from agentbench_gym.envs.web_shopping.site import ShopSession

    evil = "<script>alert(1)</script>"
    product = Product(asin="B0EVIL0001", name=f"Lamp {evil}", options={"color": (f"red'{evil}",)})
    goal = WebShopSample(id="x", instruction=f"buy {evil}", asin="B0EVIL0001", name="Lamp", query="",
                         category="", product_category="", attributes=(), goal_options=(), price_upper=1e6)
    session = ShopSession(Catalog([product]), goal)
    assert evil not in render_page(session, "sid")
    session.step("search[lamp]")
    session.step("click[b0evil0001]")
    html = render_page(session, "sid'><x")
    assert evil not in html and "&lt;script&gt;" in html and "sid'><x" not in html
