"""Scripted solver: search the gold product's title, open it, pick the gold options, buy."""

from __future__ import annotations

from typing import Any


class WebShopOracle:
    """Reads ``env.sample`` (the goal) and buys its product with its options.

    It adapts to what the page shows: it pages through results until the gold ASIN appears
    (at most four ``Next >``), and clicks only options that are among the clickables.
    """

    def __init__(self, env: Any) -> None:
        """Play ``env`` (the unwrapped WebShopEnv)."""
        self.env = env
        self.reset()

    def reset(self) -> None:
        """Forget the previous episode."""
        self._pending: list[str] = []
        self._nexts = 0

    @staticmethod
    def _reply(action: str) -> str:
        return f"Thought:\nI think this is the next step.\n\nAction:\n{action}"

    def act(self, observation: str, info: dict[str, Any]) -> str:
        """The next reply for the current page."""
        goal = self.env.sample
        actions = info.get("available_actions") or {}
        clickables = actions.get("clickables", [])
        page = info.get("page")
        if page == "search":
            self._nexts = 0
            product = self.env.catalog.get(goal.asin)
            return self._reply(f"search[{product.name if product else goal.name}]")
        if page == "results":
            if goal.asin.lower() in clickables:
                self._pending = [o for o in goal.solution]
                return self._reply(f"click[{goal.asin}]")
            if self._nexts < 4 and "next >" in clickables:
                self._nexts += 1
                return self._reply("click[Next >]")
            return self._reply("click[Back to Search]")
        if page == "item":
            while self._pending:
                option = self._pending.pop(0)
                if option in clickables:
                    return self._reply(f"click[{option}]")
            return self._reply("click[Buy Now]")
        return self._reply("click[< Prev]")
