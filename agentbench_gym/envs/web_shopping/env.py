"""AgentBench/WS-v0: WebShop as AgentBench runs it, on an in-memory catalog with BM25 search."""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

from agentbench_gym.core import AgentBenchEnv, Outcome, TurnResult
from agentbench_gym.data import builtin_file
from agentbench_gym.envs.web_shopping import prompts
from agentbench_gym.envs.web_shopping.catalog import Catalog
from agentbench_gym.envs.web_shopping.data import (
    WebShopSample,
    read_goals,
    read_products,
)
from agentbench_gym.envs.web_shopping.parse import parse_action
from agentbench_gym.envs.web_shopping.site import ShopSession
from agentbench_gym.envs.web_shopping.upstream import load_upstream

_PACKAGE = "agentbench_gym.envs.web_shopping"
_CATALOGS: dict[str, Catalog] = {}
_UPSTREAM_GOALS: dict[str, list[WebShopSample]] = {}
_CATALOG_LOCK = threading.Lock()


def builtin_catalog() -> Catalog:
    """The project's 2,000-product catalog, loaded and indexed once per process."""
    with _CATALOG_LOCK:
        if "builtin" not in _CATALOGS:
            _CATALOGS["builtin"] = Catalog(list(read_products(builtin_file(_PACKAGE, "catalog.jsonl.gz"))))
        return _CATALOGS["builtin"]


class WebShopEnv(AgentBenchEnv):
    """WebShop (Yao et al., 2022) as AgentBench's WS task, with a catalog that fits in memory.

    ## Description
    The agent reads a shopping instruction ("i need a sandal with rubber sole, in olive, in size 7,
    and price lower than 70.00 dollars"), searches the catalog, opens products, picks options and
    clicks Buy Now. The site follows WebShop's pages: search page; results (10 per page from at
    most 50 BM25 hits, `< Prev`/`Next >`); item page with option groups; Description, Features and
    Reviews sub-pages; Buy Now.

    ## Observation
    ``reset`` returns ``Observation:\\n<page text>\\n\\nAvailable Actions:\\n<dict repr>``, where the
    page text is WebShop's "simple" rendering (visible strings joined by `` [SEP] ``) and the dict
    is ``{'has_search_bar': bool, 'clickables': [...]}``; ``info["prefix"]`` holds AgentBench's
    instruction, "Ok." and the l'eau d'issey one-shot. ``info["available_actions"]`` carries the
    same dict, ``info["page"]`` the page kind.

    ## Reply format
    ``Thought:\\nI think ...\\n\\nAction:\\nclick[something]``; the env takes the first match of
    ``[Aa]ction: *\\n* *((search|click)\\[.+?])``. The argument is lower-cased. ``search[kw]`` works
    where the page has a search bar (``search_anywhere=True`` reproduces the upstream text env,
    which searches from any page); ``click[x]`` needs x among the clickables.

    ## Outcomes
    - ``completed``: Buy Now was clicked; the score is the reward.
    - ``invalid_format``: no action in the reply; ends the episode with score 0 (as AgentBench).
    - an action not allowed on the page is a no-op (same page, counted in ``metrics["noops"]``);
      it only costs a turn.
    - ``task_limit``: 10 replies without buying (score 0).

    ## Score & metrics
    Score = WebShop's reward: ``(attribute matches + option matches + [price <= bound]) /
    (#attributes + #options + 1) * r_type``, with thefuzz token-set matching (> 85), WebShop's
    colour normalisation and its type factor (query/category match, noun overlap of the names).
    ``metrics``: ``reward``, ``success`` (reward == 1), the parts ``r_att``, ``r_option``,
    ``r_price``, ``r_type``, ``title_score``, ``query_match``, ``category_match`` (and the
    weights ``w_att``, ``w_option``, ``w_price``), ``purchased_asin``, and the counters
    ``noops`` (actions not allowed on their page) and ``searches``. Task metrics: ``main`` =
    mean reward (AgentBench's "reward"), ``success_rate`` (share of episodes with reward 1).
    ``dense=True`` adds shaped rewards from the goal (0.25 when its product is listed, 0.5 on
    its page, up to 0.75 with its options chosen; moving away gives the difference back); the
    rewards of an episode still sum to the score.

    Noun tagging (the type factor): ``tagger="auto"`` uses spaCy when it and an English pipeline
    are installed (``$AGENTBENCH_SPACY_MODEL``, else en_core_web_lg/md/sm; AgentBench uses lg),
    else a heuristic tagger (`nouns.heuristic_nouns`: title words minus function words,
    numerals, some units and -ed/-ly words); ``"spacy"`` requires spaCy (extra ``ws-spacy``
    plus a pipeline). Gold purchases score 1 with either. On WebShop's 1000-product data
    (``benchmarks/compare_ws_taggers.py``, against spaCy's small English pipeline) the
    heuristic's noun sets have Jaccard 0.845 with spaCy's; over 2,800 purchases of the top-10
    search hits of 280 goals, r_type differs in 3.2% and the reward by 0.0054 on average
    (max 0.54).

    ## Arguments
    ``split`` ("dev" 80 goals, "test" 200; with ``data_dir``: "dev" = goals 200–279, "test" =
    0–199, "all"), ``data_dir`` (WebShop files, see Data), ``max_turns`` (10), ``tagger``,
    ``render_mode="ansi"``. Upstream quirks, off by default: ``search_anywhere=True`` (WebShop's
    text env runs ``search[...]`` from any page although only the search page has a search
    bar); ``upstream_option_pairs=True`` (named goal options of WebShop's synthetic goals reach
    the reward as ``(name, value)`` pairs, so e.g. the gold colour "r.brown2070" misses).

    ## Backends
    ``memory``: in-process catalog with a bm25s index (Lucene's BM25, pyserini's k1=0.9, b=0.4)
    over title, description, first bullet and options, as WebShop's index; top 50 hits, ties
    broken by catalog order, so the same query always gives the same results. Tokens are
    lower-cased words minus Lucene's English stop words with a minimal plural stemmer (Lucene's
    analyzer uses Porter), so rankings can differ from WebShop's Lucene in places.

    HTML mode (extra ``ws-html``): ``serve_html=True`` starts a FastAPI server on 127.0.0.1 (a
    free port) and serves each episode's session at ``info["url"]``: a browser (or a person)
    can search, open items, choose options and buy there; the page and the text env share one
    state machine, so rewards are identical. ``agentbench-gym serve ws [--port 3000] [--split dev]
    [--data-dir DIR]`` serves a whole split (``/start?goal=<id>`` opens one session per episode;
    ``/s/<sid>/state`` gives the page text, actions and reward as JSON).

    ## Data
    Built-in: 2,000 generated products in five categories, 80 dev + 200 test goals, each solvable
    with reward 1. ``data_dir``: WebShop's products (``items_shuffle*.json`` or pyserini
    ``products*.jsonl[.gz]`` documents), ``items_ins_v2*.json`` (attributes; synthetic goals) and,
    when present, ``items_human_ins*.json`` (human goals, as AgentBench). Goals are in WebShop's
    order (seed-233 shuffle). Price bounds and range prices, unseeded upstream, are drawn from a
    hash of the ASIN here, so they are reproducible. Scores on the built-in catalog are not
    comparable with AgentBench's (1.18M products, human goals); run with ``data_dir`` for that.

    ## Registered ids
    ``AgentBench/WS-v0``.

    ## Version history
    v0: initial version.
    """

    task: ClassVar[str] = "WS"
    default_max_turns: ClassVar[int | None] = 10
    splits: ClassVar[tuple[str, ...]] = ("dev", "test")
    backends: ClassVar[tuple[str, ...]] = ("memory",)
    oracle: ClassVar[str] = "agentbench_gym.envs.web_shopping.oracle:WebShopOracle"
    reply_examples: ClassVar[tuple[str, ...]] = (
        "Thought:\nI think I should search.\n\nAction:\nsearch[sandal rubber sole]",
        "Thought:\nI think I should click the first product.\n\nAction:\nclick[B0000028T5]",
        "Thought:\nI think I should go on.\n\nAction:\nclick[Next >]",
        "Thought:\nI think I should pick a colour.\n\nAction:\nclick[black]",
        "Thought:\nI think I should read the features.\n\nAction:\nclick[Features]",
        "Thought:\nI think I should go back.\n\nAction:\nclick[< Prev]",
        "Action:\nclick[Back to Search]",
        "Action: click[Buy Now]",
        "Action:\nsearch[]",
        "I think I should click[buy now]",
    )

    def __init__(self, *, split: str | None = None, data_dir: str | None = None, backend: str | None = None,
                 max_turns: int | None = None, render_mode: str | None = None, dense: bool = False,
                 tagger: str = "auto", search_anywhere: bool = False,
                 upstream_option_pairs: bool = False, serve_html: bool = False) -> None:
        """See the class docstring for the arguments."""
        if tagger not in ("auto", "spacy", "heuristic"):
            raise ValueError(f"tagger must be 'auto', 'spacy' or 'heuristic', got {tagger!r}")
        self.tagger = tagger
        self.search_anywhere = search_anywhere
        self.upstream_option_pairs = upstream_option_pairs
        self.catalog: Catalog | None = None
        super().__init__(split=split, data_dir=data_dir, backend=backend, max_turns=max_turns,
                         render_mode=render_mode, dense=dense)
        if tagger == "spacy":
            from agentbench_gym.envs.web_shopping.nouns import noun_tagger
            noun_tagger("spacy")  # raises MissingExtra now rather than mid-episode
        self.session: ShopSession | None = None
        self.server = None
        if serve_html:  # HTML mode: each episode's session is also served over HTTP
            from agentbench_gym.envs.web_shopping.server import WebShopServer
            self.server = WebShopServer(self.catalog, self.samples, tagger=tagger,
                                        search_anywhere=search_anywhere, option_pairs=upstream_option_pairs)
        self._url: str | None = None
        self._noops = 0
        self._searches = 0

    # ------------------------------------------------------------------ hooks
    def _load_samples(self, split: str, data_dir: str | None) -> Sequence[WebShopSample]:
        if data_dir is None:
            self.catalog = builtin_catalog()
            return read_goals(builtin_file(_PACKAGE, f"{split}.jsonl"))
        key = str(Path(data_dir).resolve())
        with _CATALOG_LOCK:
            if key not in _CATALOGS:  # loaded and indexed once per process and folder
                products, goals = load_upstream(Path(data_dir))
                _CATALOGS[key], _UPSTREAM_GOALS[key] = Catalog(products), goals
            self.catalog, goals = _CATALOGS[key], _UPSTREAM_GOALS[key]
        ranges = {"test": (0, 200), "dev": (200, 280), "all": (0, len(goals))}
        if split not in ranges:
            raise ValueError(f"WS: split {split!r} with data_dir must be one of {tuple(ranges)}")
        return goals[slice(*ranges[split])]

    def _start(self, sample: WebShopSample) -> tuple[str, list[dict[str, str]]]:
        assert self.catalog is not None
        self.session = ShopSession(self.catalog, sample, search_anywhere=self.search_anywhere,
                                   tagger=self.tagger, option_pairs=self.upstream_option_pairs)
        self._url = self.server.add_session(self.session) if self.server is not None else None
        self._noops = 0
        self._searches = 0
        return self._observation(), prompts.prefix_messages()

    def _turn(self, reply: str) -> TurnResult:
        assert self.session is not None
        action = parse_action(reply)
        if action is None:
            return TurnResult("Invalid format: no `Action:` with search[...] or click[...] found.",
                              Outcome.INVALID_FORMAT, score=0.0, metrics=self._metrics(0.0))
        result = self.session.step(action)
        if not result.valid:
            self._noops += 1
        elif action.lower().startswith("search"):
            self._searches += 1
        if result.done:
            return TurnResult(self.session.text(), Outcome.COMPLETED, score=float(result.reward),
                              metrics=self._metrics(result.reward, result.parts))
        return TurnResult(self._observation(), metrics=self._metrics(0.0), progress=self._shaped_progress())

    def _shaped_progress(self) -> float:
        """Shaping for ``dense=True`` (from the goal): 0.25 when the goal's product is listed,
        0.5 on its page (+ up to 0.25 for the goal options chosen there); the final reward
        pays the rest, so the episode's rewards still sum to the score."""
        session = self.session
        if session is None:
            return 0.0
        goal = session.goal
        if session.asin == goal.asin.upper() and session.page in ("item", "sub"):
            chosen = set(session.options.values())
            share = sum(o in chosen for o in goal.solution) / len(goal.solution) if goal.solution else 1.0
            return 0.5 + 0.25 * share
        if session.page == "results" and goal.asin.lower() in session.clickables():
            return 0.25
        return 0.0

    def _on_limit(self, last: TurnResult, outcome: Outcome) -> TurnResult:
        return TurnResult(last.observation, outcome, score=0.0, metrics=self._metrics(0.0))

    def _release(self) -> None:
        self.session = None

    def _step_info(self) -> dict[str, Any]:
        if self.session is None:
            return {}
        info: dict[str, Any] = {"available_actions": self.session.available_actions(), "page": self.session.page}
        if self._url is not None:
            info["url"] = self._url
        return info

    def close(self) -> None:
        """End the episode and stop the HTML server, if any."""
        super().close()
        if getattr(self, "server", None) is not None:
            self.server.close()
            self.server = None

    # ---------------------------------------------------------------- helpers
    def _observation(self) -> str:
        assert self.session is not None
        return prompts.turn_message(self.session.text(), self.session.available_actions())

    def _metrics(self, reward: float, parts: Mapping[str, Any] | None = None) -> dict[str, Any]:
        metrics: dict[str, Any] = {"reward": float(reward), "success": float(reward == 1.0),
                                   "noops": self._noops, "searches": self._searches}
        metrics.update(parts or {})
        if self.session is not None and self.session.purchased is not None:
            metrics["purchased_asin"] = self.session.purchased[0]
        return metrics

    @classmethod
    def backend_status(cls) -> dict[str, str | None]:
        """``memory`` (bm25s + rapidfuzz), ``html`` mode (fastapi + uvicorn), ``spacy`` tagger."""
        import importlib.util

        def missing(modules: tuple[str, ...], hint: str) -> str | None:
            absent = [m for m in modules if importlib.util.find_spec(m) is None]
            return f"missing {', '.join(absent)}: {hint}" if absent else None

        from agentbench_gym.envs.web_shopping.nouns import spacy_available

        spacy_hint = None if spacy_available() else (
            "optional; pip install 'agentbench-gym[ws-spacy]' plus an English pipeline "
            "(else the heuristic noun tagger is used)")
        return {"memory": missing(("bm25s", "rapidfuzz"), "pip install 'agentbench-gym[ws]'"),
                "html": missing(("fastapi", "uvicorn"), "pip install 'agentbench-gym[ws-html]'"),
                "spacy-tagger": spacy_hint}

    @classmethod
    def task_metrics(cls, episodes: Sequence[Mapping[str, Any]]) -> dict[str, float]:
        """Mean reward (AgentBench's ``reward``, "main") and the success rate (reward == 1)."""
        if not episodes:
            return {"main": 0.0, "reward": 0.0, "success_rate": 0.0}
        rewards = [float(e["score"]) for e in episodes]
        mean = sum(rewards) / len(rewards)
        return {"main": mean, "reward": mean, "success_rate": sum(r == 1.0 for r in rewards) / len(rewards)}
