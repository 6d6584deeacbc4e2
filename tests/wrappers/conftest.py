"""Fixtures of the wrapper tests: the echo env, bare and through gym.make."""

from __future__ import annotations

import gymnasium as gym
import pytest
from fake_env import ECHO_ID, EchoEnv


@pytest.fixture
def echo_env():
    """A bare echo env, closed after the test."""
    env = EchoEnv()
    yield env
    env.close()


@pytest.fixture
def made_echo_env():
    """The echo env through gym.make (with Gymnasium's own wrappers around it)."""
    env = gym.make(ECHO_ID)
    yield env
    env.close()
