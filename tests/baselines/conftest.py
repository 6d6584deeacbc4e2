"""Fixtures of the policy tests: a live local OpenAI-compatible server."""

from __future__ import annotations

import pytest
from openai_server import OpenAITestServer


@pytest.fixture
def openai_server():
    """A started ``OpenAITestServer`` (scripted replies, fault injection), stopped after the test."""
    with OpenAITestServer() as server:
        yield server
