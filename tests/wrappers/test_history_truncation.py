"""AgentBench's segment count and history truncation, against hand-computed cases."""

from __future__ import annotations

import numpy as np
import pytest
from agentbench_gym.wrappers import HistoryTruncation, count_tokens, token_counter, truncate_history


@pytest.mark.parametrize(("text", "expected"), [
    ("", 0),
    ("   \n\n ", 0),               # spaces and newlines are free
    ("\t", 1),                     # ... tabs are not
    ("abcdefg", 1),                # 7 letters close one segment
    ("abcdefgh", 2),               # the 8th starts another
    ("internationalization", 3),  # 7 + 7 + 6
    ("hello, world!", 4),          # hello , world !
    ("a1b", 3),                    # digits split words and count one each
    ("x=10", 4),
    ("ls -la /etc\n", 5),
    ("数据库查询语句优化", 2),      # CJK is alphabetic: 9 letters -> 7 + 2
    ("ÉCOLE école", 2),            # non-ASCII letters are letters
    ("ab²cd_e½", 6),               # numerics and "_" are not letters: ab ² cd _ e ½
])
def test_count_tokens_hand_cases(text, expected):
    assert count_tokens(text) == expected


def _reference_count(text: str) -> int:
    # A character-by-character restatement of the rule, to cross-check the grouped version.
    segments, run = 0, 0
    for char in text:
        if char.isalpha():
            run += 1
            if run == 7:
                segments, run = segments + 1, 0
            continue
        if run:
            segments, run = segments + 1, 0
        if char not in " \n":
            segments += 1
    return segments + (1 if run else 0)


def test_count_tokens_matches_rule_on_random_text():
    rng = np.random.default_rng(0)
    alphabet = list("abcdefgXYZ é数 \n\t0123,.;:!?{}()_²½Ⅻ\u00a0\udcff")
    for _ in range(300):
        text = "".join(rng.choice(alphabet, size=int(rng.integers(0, 60))))
        assert count_tokens(text) == _reference_count(text), repr(text)


def msg(role: str, tokens: int, tag: str = "") -> dict[str, str]:
    """A message of exactly ``tokens`` segments (short words separated by spaces)."""
    words = ["word"] * tokens
    if tag and words:
        words[0] = tag  # a tag (<= 7 letters) to tell messages apart; still one segment
    message = {"role": role, "content": " ".join(words)}
    assert count_tokens(message["content"]) == tokens
    return message


def contents_tags(messages):
    return [m["content"].split(" ")[0] for m in messages]


def test_under_budget_is_unchanged():
    history = [msg("user", 10, "u"), msg("assistant", 10, "a"), msg("user", 10, "uu")]
    assert truncate_history(history) == history


def test_drops_oldest_pair_and_notes_it():
    history = [msg("user", 100, "first"), msg("assistant", 1000, "aone"), msg("user", 1000, "uone"),
               msg("assistant", 1000, "atwo"), msg("user", 1000, "utwo"),
               msg("assistant", 200, "athree"), msg("user", 100, "uthree")]
    # 100 + 100 + 200 + 1000 + 1000 = 2400 keeps back to a2; + u1 = 3400 still under, kept;
    # + a1 = 4400 reaches the budget. The oldest kept (u1) is a user message: dropped too.
    out = truncate_history(history)
    assert contents_tags(out) == ["first", "atwo", "utwo", "athree", "uthree"]
    assert out[0]["content"].endswith("word\n\n[NOTICE] 2 messages are omitted.")
    assert out[1:] == history[3:]


def test_reaching_the_budget_exactly_stops():
    history = [msg("user", 100, "first"), msg("assistant", 1700, "a"), msg("user", 1700, "u")]
    # 100 + 1700 = 1800 keeps u; + 1700 = 3500 >= 3500 stops; u is then the oldest kept and a
    # user message, so it goes as well: only the instruction is left.
    out = truncate_history(history)
    assert len(out) == 1
    assert out[0]["content"] == history[0]["content"] + "\n\n[NOTICE] 2 messages are omitted."
    one_less = [history[0], history[1], msg("user", 1699, "u")]
    assert truncate_history(one_less) == one_less


def test_huge_instruction_leaves_only_itself():
    history = [msg("user", 4000, "big"), msg("assistant", 1, "a"), msg("user", 1, "u"),
               msg("assistant", 1, "a"), msg("user", 1, "u")]
    out = truncate_history(history)
    assert [m["role"] for m in out] == ["user"]
    assert out[0]["content"].endswith("[NOTICE] 4 messages are omitted.")


def test_custom_budget_counter_and_no_mutation():
    history = [{"role": "user", "content": "abc"}, {"role": "assistant", "content": "de"},
               {"role": "user", "content": "fgh"}, {"role": "assistant", "content": "ij"},
               {"role": "user", "content": "k"}]
    before = [dict(m) for m in history]
    out = truncate_history(history, max_tokens=7, count=len)
    # 3 + 1 (k) + 2 (ij) = 6 kept; + 3 (fgh) = 9 stops; oldest kept is "ij" (agent): kept.
    assert [m["content"] for m in out] == ["abc\n\n[NOTICE] 2 messages are omitted.", "ij", "k"]
    assert history == before


def test_even_history_is_rejected():
    with pytest.raises(ValueError, match="odd"):
        truncate_history([{"role": "user", "content": "x"}, {"role": "assistant", "content": "y"}])


def test_token_counter_specs(tmp_path):
    assert token_counter(None) is count_tokens
    assert token_counter("agentbench") is count_tokens
    assert token_counter(len)("abcd") == 4
    with pytest.raises(ValueError, match="unknown token counter"):
        token_counter("bpe")
    with pytest.raises(FileNotFoundError):
        token_counter(f"hf:{tmp_path / 'missing.json'}")


def test_wrapper_truncates_view_keeps_history(echo_env):
    env = HistoryTruncation(echo_env, max_tokens=80)
    obs, info = env.reset(options={"sample": 0})
    assert info["omitted"] == 0 and info["messages"] == info["history"]
    for _ in range(3):
        obs, _, _, _, info = env.step("say " + "la " * 8)
    assert len(info["history"]) == 9
    assert info["messages"] == truncate_history(info["history"], 80)
    assert info["omitted"] == len(info["history"]) - len(info["messages"]) > 0
    assert info["messages"][0]["content"].endswith(f"[NOTICE] {info['omitted']} messages are omitted.")
    assert info["messages"][-1] == {"role": "user", "content": obs}


def test_tiktoken_encoding_as_counter():
    tiktoken = pytest.importorskip("tiktoken", reason="needs the 'tiktoken' extra")
    # A byte-level encoding built here (the named encodings need a downloaded file).
    encoding = tiktoken.Encoding("bytes-test", pat_str=r"\S+|\s+",
                                 mergeable_ranks={bytes([i]): i for i in range(256)}, special_tokens={})
    counter = token_counter(encoding)
    assert counter("abc déf") == 8  # é is two bytes
    history = [{"role": "user", "content": "x" * 10}, {"role": "assistant", "content": "y" * 10},
               {"role": "user", "content": "z" * 10}]
    assert truncate_history(history, max_tokens=25, count=counter)[0]["content"].endswith("omitted.")
    with pytest.raises(ValueError):
        token_counter("tiktoken:no-such-encoding")


def test_named_tiktoken_encoding_offline_is_a_clear_error(tmp_path, monkeypatch):
    pytest.importorskip("tiktoken", reason="needs the 'tiktoken' extra")
    from tiktoken import registry

    from agentbench_gym.errors import BackendUnavailable

    # No cached encoding file and no network: the named encoding cannot be loaded.
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path))
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    monkeypatch.setattr(registry, "ENCODINGS", {})
    with pytest.raises(BackendUnavailable, match="TIKTOKEN_CACHE_DIR"):
        token_counter("tiktoken:cl100k_base")
