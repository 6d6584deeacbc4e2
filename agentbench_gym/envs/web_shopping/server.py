"""HTML mode: the shopping site over HTTP on localhost (FastAPI), one session per episode.

(No ``from __future__ import annotations`` here: FastAPI resolves the route annotations.)

Routes: ``GET /`` (goal list), ``GET /start?goal=<id or index>`` (new session, redirects to
its page), ``GET /s/<sid>`` (the page), ``POST /s/<sid>/search`` (form ``keywords``),
``POST /s/<sid>/click`` (form ``value``), ``POST /s/<sid>/act`` (form ``action``: a raw
``search[...]``/``click[...]``), ``GET /s/<sid>/state`` (JSON: page, text, available actions,
done, reward and its parts). Rules and rewards are those of the text env (`ShopSession`).

Run: ``agentbench-gym serve ws [--port 3000] [--split dev] [--data-dir DIR]`` (or
``python -m agentbench_gym.envs.web_shopping.server ...``); extra ``ws-html``.
"""


import argparse
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from html import escape
from typing import Any
from urllib.parse import parse_qs

from agentbench_gym.envs.web_shopping.catalog import Catalog
from agentbench_gym.envs.web_shopping.data import WebShopSample
from agentbench_gym.envs.web_shopping.html import render_page
from agentbench_gym.envs.web_shopping.site import ShopSession
from agentbench_gym.errors import MissingExtra

MAX_SESSIONS = 10_000  # oldest sessions are dropped beyond this


def _fastapi() -> Any:
    try:
        import fastapi
        import fastapi.responses
    except ImportError as exc:
        raise MissingExtra("ws-html", "the WS HTML server (fastapi, uvicorn)", exc) from exc
    return fastapi


class SessionStore:
    """Thread-safe map of session id -> `ShopSession`, bounded in size."""

    def __init__(self) -> None:
        """An empty store."""
        self._sessions: OrderedDict[str, ShopSession] = OrderedDict()
        self._lock = threading.Lock()

    def add(self, session: ShopSession, session_id: str | None = None) -> str:
        """Store ``session``; return its id (a fresh random token unless given)."""
        sid = session_id or secrets.token_hex(8)
        with self._lock:
            self._sessions[sid] = session
            while len(self._sessions) > MAX_SESSIONS:
                self._sessions.popitem(last=False)
        return sid

    def get(self, session_id: str) -> ShopSession | None:
        """The session, or None."""
        with self._lock:
            return self._sessions.get(session_id)

    def lock(self) -> threading.Lock:
        """The lock serialising actions (a session's state machine is not thread-safe)."""
        return self._lock


def create_app(catalog: Catalog, goals: Sequence[WebShopSample], *, store: SessionStore | None = None,
               tagger: str = "auto", search_anywhere: bool = False, option_pairs: bool = False):
    """The FastAPI app serving ``catalog`` with ``goals`` (see the module docstring)."""
    fastapi = _fastapi()
    responses = fastapi.responses
    app = fastapi.FastAPI(title="agentbench-gym WebShop", docs_url=None, redoc_url=None)
    store = store or SessionStore()
    app.state.store = store
    by_id = {g.id: g for g in goals}

    def session_or_404(sid: str) -> ShopSession:
        session = store.get(sid)
        if session is None:
            raise fastapi.HTTPException(status_code=404, detail="unknown session")
        return session

    async def form(request) -> dict[str, str]:
        body = (await request.body()).decode("utf-8", errors="replace")
        return {k: v[0] for k, v in parse_qs(body, keep_blank_values=True).items()}

    def page(sid: str):
        return responses.RedirectResponse(f"/s/{sid}", status_code=303)

    @app.get("/", response_class=responses.HTMLResponse)
    def index() -> str:
        items = "".join(f"<li><a href='/start?goal={escape(g.id)}'>{escape(g.id)}</a>: "
                        f"{escape(g.instruction)}</li>" for g in goals[:500])
        return f"<!doctype html><html><body><h1>WebShop goals</h1><ol>{items}</ol></body></html>"

    @app.get("/start")
    def start(goal: str = "0"):
        chosen = by_id.get(goal)
        if chosen is None and goal.lstrip("-").isdigit() and -len(goals) <= int(goal) < len(goals):
            chosen = goals[int(goal)]
        if chosen is None:
            raise fastapi.HTTPException(status_code=404, detail=f"unknown goal {goal!r}")
        sid = store.add(ShopSession(catalog, chosen, tagger=tagger, search_anywhere=search_anywhere,
                                    option_pairs=option_pairs))
        return page(sid)

    @app.get("/s/{sid}", response_class=responses.HTMLResponse)
    def show(sid: str) -> str:
        session = session_or_404(sid)
        with store.lock():
            return render_page(session, sid)

    async def submit(sid: str, request: fastapi.Request, field: str, template: str):
        """Apply the action a form posts (``template`` around its ``field``) and show the page."""
        session = session_or_404(sid)
        value = (await form(request)).get(field, "")
        with store.lock():
            session.step(template.format(value))
        return page(sid)

    @app.post("/s/{sid}/search")
    async def search(sid: str, request: fastapi.Request):
        return await submit(sid, request, "keywords", "search[{}]")

    @app.post("/s/{sid}/click")
    async def click(sid: str, request: fastapi.Request):
        return await submit(sid, request, "value", "click[{}]")

    @app.post("/s/{sid}/act")
    async def act(sid: str, request: fastapi.Request):
        return await submit(sid, request, "action", "{}")

    @app.get("/s/{sid}/state")
    def state(sid: str) -> dict[str, Any]:
        session = session_or_404(sid)
        with store.lock():
            return {"goal": session.goal.id, "page": session.page, "text": session.text(),
                    "available_actions": session.available_actions(), "done": session.done,
                    "reward": session.reward, "parts": session.parts,
                    "purchased": list(session.purchased) if session.purchased else None}

    return app


class WebShopServer:
    """`create_app` served by uvicorn in a background thread on 127.0.0.1.

    Args:
        catalog, goals: what to serve.
        port: the TCP port (0 picks a free one; see ``url``).
        **options: ``tagger``, ``search_anywhere``, ``option_pairs`` for `create_app`.
    """

    def __init__(self, catalog: Catalog, goals: Sequence[WebShopSample], *, host: str = "127.0.0.1",
                 port: int = 0, **options: Any) -> None:
        """Start serving (returns once the server accepts connections)."""
        try:
            import uvicorn
        except ImportError as exc:
            raise MissingExtra("ws-html", "the WS HTML server (fastapi, uvicorn)", exc) from exc
        self.store = SessionStore()
        self.app = create_app(catalog, goals, store=self.store, **options)
        config = uvicorn.Config(self.app, host=host, port=port, log_level="warning", lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="webshop-http", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the WebShop HTTP server did not start")
            time.sleep(0.01)
        sock = self._server.servers[0].sockets[0]
        self.host, self.port = sock.getsockname()[:2]
        self.url = f"http://{self.host}:{self.port}"

    def add_session(self, session: ShopSession) -> str:
        """Serve an existing session (e.g. a text env's episode); return its page URL."""
        sid = self.store.add(session)
        return f"{self.url}/s/{sid}"

    def close(self) -> None:
        """Stop the server and wait for its thread."""
        self._server.should_exit = True
        self._thread.join(timeout=10)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m agentbench_gym.envs.web_shopping.server``: serve a split until interrupted."""
    parser = argparse.ArgumentParser(prog="agentbench-gym serve ws",
                                     description="Serve the WS shopping site over HTTP (HTML mode).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=3000)
    parser.add_argument("--split", default="dev")
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--tagger", default="auto", choices=("auto", "spacy", "heuristic"))
    args = parser.parse_args(argv)
    from agentbench_gym.envs.web_shopping.env import WebShopEnv

    env = WebShopEnv(split=args.split, data_dir=args.data_dir, tagger=args.tagger)
    import uvicorn

    print(f"WebShop ({len(env.samples)} goals, {len(env.catalog)} products) on http://{args.host}:{args.port}/")
    uvicorn.run(create_app(env.catalog, env.samples, tagger=args.tagger), host=args.host, port=args.port,
                log_level="warning")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
