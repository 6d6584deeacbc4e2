"""The examples in the wrappers' docstrings are true."""

from __future__ import annotations

import doctest

import pytest
from agentbench_gym.wrappers import chat_history, history_truncation, nonchat_prompt


@pytest.mark.parametrize("module", [history_truncation, nonchat_prompt, chat_history])
def test_docstring_examples(module):
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
