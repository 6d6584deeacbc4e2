"""HFPolicy: a causal language model from local Hugging Face weights as a policy (extra ``[hf]``)."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

from agentbench_gym.baselines.chat_base import ChatPolicyBase

from agentbench_gym.errors import ContextLimitExceeded, MissingExtra


def _transformers():
    try:
        import torch
        import transformers
    except ImportError as exc:
        raise MissingExtra("hf", "HFPolicy", exc) from exc
    return torch, transformers


class HFPolicy(ChatPolicyBase):
    """Greedy decoding with ``transformers`` from a model folder on disk (nothing is downloaded).

    The conversation goes through the tokenizer's chat template when it has one, else through
    AgentBench's non-chat form ("USER: ... AGENT:"). A prompt longer than the model's positions
    raises ``ContextLimitExceeded`` (the ``context_limit`` outcome under ``play_episode``).

    Args:
        model_path: a folder with ``config.json``, weights and tokenizer files.
        max_new_tokens: reply length cap (AgentBench: 512).
        stop: strings that end the reply (the text from the first one on is cut).
        device: torch device, e.g. ``"cpu"`` or ``"cuda"``.
        dtype: torch dtype name for the weights (e.g. ``"bfloat16"``); default the checkpoint's.
        chat_template: use the tokenizer's chat template (default: when it has one).
        history_tokens, count_tokens: see ``ChatPolicyBase``.
        name: the agent's name in records (default the folder name).
    """

    def __init__(self, model_path: str | os.PathLike[str], *, max_new_tokens: int = 512,
                 stop: str | Sequence[str] | None = None, device: str = "cpu", dtype: str | None = None,
                 chat_template: bool | None = None, history_tokens: int | None = 3500,
                 count_tokens: Any = None, name: str | None = None) -> None:
        """Load the tokenizer and the model from ``model_path``."""
        torch, transformers = _transformers()
        path = os.fspath(model_path)
        if not os.path.isfile(os.path.join(path, "config.json")):
            raise FileNotFoundError(f"HFPolicy needs a model folder with config.json on disk, got {path!r}")
        super().__init__(history_tokens=history_tokens, count_tokens=count_tokens)
        self.name = name or os.path.basename(os.path.normpath(path))
        self.torch = torch
        self.tokenizer = transformers.AutoTokenizer.from_pretrained(path, local_files_only=True)
        kwargs: dict[str, Any] = {"local_files_only": True}
        if dtype is not None:
            kwargs["dtype"] = getattr(torch, dtype)
        self.model = transformers.AutoModelForCausalLM.from_pretrained(path, **kwargs).to(device).eval()
        self.device = device
        self.max_new_tokens = max_new_tokens
        self.stop = [stop] if isinstance(stop, str) else list(stop or [])
        has_template = bool(getattr(self.tokenizer, "chat_template", None))
        self.chat_template = has_template if chat_template is None else chat_template
        config = self.model.config
        self.context_size = (getattr(config, "max_position_embeddings", None)
                             or getattr(config, "n_positions", None))

    def prompt_text(self, observation: str, info: Mapping[str, Any]) -> str:
        """The text given to the model for this turn."""
        if self.chat_template:
            messages = self.messages_for(observation, info)
            return self.tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
        return self.prompt_for(observation, info)

    def act(self, observation: str, info: Mapping[str, Any]) -> str:
        """Generate the next reply greedily."""
        torch = self.torch
        text = self.prompt_text(observation, info)
        # A chat template already holds the special tokens it needs.
        encoded = self.tokenizer(text, return_tensors="pt", add_special_tokens=not self.chat_template)
        ids = encoded["input_ids"]
        if self.context_size and ids.shape[1] + self.max_new_tokens > self.context_size:
            raise ContextLimitExceeded(f"{self.name}: prompt of {ids.shape[1]} tokens + "
                                       f"{self.max_new_tokens} new exceeds the model's "
                                       f"{self.context_size} positions")
        ids = ids.to(self.device)
        pad = self.tokenizer.pad_token_id
        if pad is None:
            pad = self.tokenizer.eos_token_id if self.tokenizer.eos_token_id is not None else 0
        with torch.no_grad():
            output = self.model.generate(ids, attention_mask=torch.ones_like(ids), do_sample=False,
                                         max_new_tokens=self.max_new_tokens, pad_token_id=pad)
        reply = self.tokenizer.decode(output[0, ids.shape[1]:], skip_special_tokens=True)
        for marker in self.stop:
            reply = reply.split(marker, 1)[0]
        return self.remember(reply)
