"""HFPolicy on local weights: a real model from $AGENTBENCH_HF_MODEL, or a tiny one built here.

Skipped (with the reason) when ``transformers``/``torch`` (extra ``[hf]``) are not installed.
The tiny model has random weights: the test checks the plumbing (prompting, greedy decoding,
stop strings, context limit), not the replies' quality.
"""

from __future__ import annotations

import os

import pytest
from agentbench_gym.baselines import HFPolicy, make_policy
from fake_env import EchoEnv

from agentbench_gym.episode import play_episode
from agentbench_gym.errors import ContextLimitExceeded, MissingExtra

pytestmark = pytest.mark.slow  # importing torch and transformers alone takes seconds


def _require_hf():
    try:
        import tokenizers  # noqa: F401
        import torch  # noqa: F401
        import transformers  # noqa: F401
    except ImportError as exc:
        pytest.skip(f"HFPolicy needs the 'hf' extra (transformers, torch, tokenizers): {exc}")


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    """$AGENTBENCH_HF_MODEL if set, else a 2-layer GPT-2 with a word-level tokenizer, made locally."""
    _require_hf()
    if os.environ.get("AGENTBENCH_HF_MODEL"):
        return os.environ["AGENTBENCH_HF_MODEL"]
    import torch
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerFast

    folder = tmp_path_factory.mktemp("tiny-gpt2")
    words = "USER AGENT : say answer apple banana the word is what do you You said . ? ' OK".split()
    vocab = {"[UNK]": 0, "[EOS]": 1, **{w: i + 2 for i, w in enumerate(dict.fromkeys(words))}}
    core = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    core.pre_tokenizer = pre_tokenizers.Whitespace()
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=core, unk_token="[UNK]", eos_token="[EOS]")
    tokenizer.save_pretrained(folder)
    torch.manual_seed(0)
    config = GPT2Config(vocab_size=len(vocab), n_positions=256, n_embd=32, n_layer=2, n_head=2,
                        eos_token_id=1, bos_token_id=1)
    GPT2LMHeadModel(config).save_pretrained(folder)
    return str(folder)


def test_plays_greedily_and_deterministically(model_dir):
    policy = make_policy(f"hf:{model_dir}", max_new_tokens=8)
    assert isinstance(policy, HFPolicy)
    first = play_episode(EchoEnv(), policy, options={"sample": 0})
    again = play_episode(EchoEnv(), HFPolicy(model_dir, max_new_tokens=8), options={"sample": 0})
    assert first.outcome in {"completed", "invalid_format", "task_limit"}
    assert [s.action for s in first.steps] == [s.action for s in again.steps]  # greedy


def test_stop_strings_and_context_limit(model_dir):
    policy = HFPolicy(model_dir, max_new_tokens=8)
    reply = policy.act("The word is apple.", {"prefix": []})
    if reply.strip():
        marker = reply.strip().split()[0]
        cut = HFPolicy(model_dir, max_new_tokens=8, stop=marker).act("The word is apple.", {"prefix": []})
        assert marker not in cut
    if policy.context_size and policy.context_size < 10_000:
        with pytest.raises(ContextLimitExceeded):
            policy.act("apple " * policy.context_size, {"prefix": []})


def test_missing_folder_is_a_clear_error(tmp_path):
    _require_hf()
    with pytest.raises(FileNotFoundError, match=r"config\.json"):
        HFPolicy(tmp_path)


def test_missing_extra_names_it(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_torch(name, *args, **kwargs):
        if name == "torch":
            raise ImportError("no torch here")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_torch)
    with pytest.raises(MissingExtra, match=r"agentbench-gym\[hf\]"):
        HFPolicy("/nonexistent")
