"""The examples in the runner's docstrings are true."""

from __future__ import annotations

import doctest

import pytest

from agentbench_gym import metrics
from agentbench_gym.runner import config, schedule


@pytest.mark.parametrize("module", [schedule, config, metrics])
def test_docstring_examples(module):
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0
