"""The examples in the public docstrings are true."""

from __future__ import annotations

import doctest

import pytest
from agentbench_gym.wrappers import chat_history, history_truncation, nonchat_prompt

from agentbench_gym import metrics
from agentbench_gym.runner import config, schedule

# Modules whose examples actually run (chat_history's are skipped: they need a registered env).
RUNNABLE = [schedule, config, metrics, history_truncation, nonchat_prompt]


@pytest.mark.parametrize("module", [*RUNNABLE, chat_history], ids=lambda m: m.__name__)
def test_docstring_examples(module):
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    if module in RUNNABLE:
        assert result.attempted > 0, f"{module.__name__} has no runnable example"
