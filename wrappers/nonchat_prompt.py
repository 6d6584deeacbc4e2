"""NonChatPrompt: the conversation as one "USER: ... AGENT: ..." string for completion models."""

from __future__ import annotations

from collections.abc import Sequence

import gymnasium as gym
from agentbench_gym.wrappers._base import AgentBenchWrapper, StepResult
from agentbench_gym.wrappers.chat_history import ensure_chat_history

from agentbench_gym.core import Message

USER_FORMAT = "USER: {content}\n\n"
AGENT_FORMAT = "AGENT: {content}\n\n"
SUFFIX = "AGENT:"


def render_nonchat(messages: Sequence[Message], *, prefix: str = "", suffix: str = SUFFIX,
                   user_format: str = USER_FORMAT, agent_format: str = AGENT_FORMAT) -> str:
    """Render messages the way AgentBench prompts non-chat (completion) models.

    Each user message becomes ``"USER: {content}\\n\\n"``, each agent message
    ``"AGENT: {content}\\n\\n"``, and the prompt ends with ``"AGENT:"`` for the model to
    continue (AgentBench's ``prompt_string`` prompter, used for text-davinci and the like).

    >>> render_nonchat([{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo"},
    ...                 {"role": "user", "content": "go"}])
    'USER: hi\\n\\nAGENT: yo\\n\\nUSER: go\\n\\nAGENT:'
    """
    parts = [prefix]
    for message in messages:
        template = user_format if message["role"] == "user" else agent_format
        parts.append(template.format(content=message["content"]))
    parts.append(suffix)
    return "".join(parts)


class NonChatPrompt(AgentBenchWrapper):
    """Put the rendered completion prompt of ``info["messages"]`` in ``info["prompt"]``.

    Place it above ``HistoryTruncation`` so that the prompt is built from the truncated view,
    as in AgentBench. A ``ChatHistory`` is added underneath when the chain has none.

    Args:
        env: the env to wrap.
        prefix, suffix, user_format, agent_format: the template (AgentBench's by default; the
            formats hold ``{content}``).
    """

    def __init__(self, env: gym.Env, *, prefix: str = "", suffix: str = SUFFIX,
                 user_format: str = USER_FORMAT, agent_format: str = AGENT_FORMAT) -> None:
        """Wrap ``env``; see the class docstring for the arguments."""
        for name, template in (("user_format", user_format), ("agent_format", agent_format)):
            if "{content}" not in template:
                raise ValueError(f"{name} must contain '{{content}}', got {template!r}")
        super().__init__(ensure_chat_history(env), prefix=prefix, suffix=suffix,
                         user_format=user_format, agent_format=agent_format)
        self.template = {"prefix": prefix, "suffix": suffix, "user_format": user_format,
                         "agent_format": agent_format}

    def render_prompt(self, messages: Sequence[Message]) -> str:
        """Render ``messages`` with this wrapper's template."""
        return render_nonchat(messages, **self.template)

    def _after_reset(self, observation, info, seed, options):
        info["prompt"] = self.render_prompt(info["messages"])
        return observation, info

    def _after_step(self, action, observation, reward, terminated, truncated, info) -> StepResult:
        info["prompt"] = self.render_prompt(info["messages"])
        return observation, reward, terminated, truncated, info
