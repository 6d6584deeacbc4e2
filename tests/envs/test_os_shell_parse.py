"""OS reply parsing and judging: AgentBench's extract_action and check programs, as pure functions."""

from __future__ import annotations

import pytest

from agentbench_gym.envs.os_shell import prompts
from agentbench_gym.envs.os_shell.data import Match
from agentbench_gym.envs.os_shell.parse import Bash, Commit, parse_reply
from agentbench_gym.envs.os_shell.scoring import BUILTIN_CHECKS, judge_match


@pytest.mark.parametrize("reply, expected", [
    ("Think: x\n\nAct: bash\n\n```bash\nls /etc\n```", Bash("ls /etc")),
    ("Act: bash\n```bash\necho a\n```\nand\n```bash\necho b\n```", Bash("echo a\n\necho b")),
    ("Act: bash", Bash("")),                                   # no block: the empty script
    ("Act: Bash please\n```bash\nid\n```", Bash("id")),        # prefix match, case-insensitive
    ("Act: bash\n```sh\nid\n```", Bash("")),                   # only ```bash blocks count
    ("Act: finish", Commit(None)),
    ("Act: FINISHED", Commit(None)),
    ("Act: answer(220)", Commit("220")),
    ("Act: answer( 2 (3) )", Commit(" 2 (3) ")),               # first "(" to last ")"
    ("Act: answer)x(", Commit("")),                            # upstream slices even then
    ("Act: answer(42", None),                                  # no ")": the line is skipped
    ("Act: answer(1)\nAct: bash\n```bash\npwd\n```", Bash("pwd")),   # last Act: line wins
    ("Act: bash\n```bash\npwd\n```\nAct: answer(7)", Commit("7")),
    ("Act: answer(7\nAct: finish", Commit(None)),
    ("Act: answer(7\nAct: answer 8)", None),
    ("Act:\n\nanswer(3)", Commit("3")),                        # \s* crosses newlines, as upstream
    ("Act: run", None),
    ("act: bash", None),                                       # "Act:" is case-sensitive
    ("", None),
    ("\udcff Act: finish \x00", Commit(None)),
])
def test_parse_reply_table(reply, expected):
    assert parse_reply(reply) == expected


def test_output_truncation_as_upstream():
    assert prompts.format_output("") == "The output of the OS is empty."
    assert prompts.format_output("x" * 800) == "The output of the OS:\n\n" + "x" * 800
    long = "".join(str(i % 10) for i in range(801))
    assert prompts.format_output(long) == ("The output of the OS:\n\n" + long[:780]
                                           + "\n[truncated because the output is too long]")


def test_prefix_is_agentbench_opening():
    prefix = prompts.prefix_messages()
    assert [m["role"] for m in prefix] == ["user", "assistant", "user", "assistant", "user", "assistant"]
    assert prefix[0]["content"].startswith("You are an assistant that will act like a person, I'will play")
    question = 'tell me how many files are in the directory "/etc"?'
    assert prefix[0]["content"].endswith("Now, my problem is:\n\n" + question)
    assert prefix[-1]["content"].endswith("Act: answer(220)")
    assert prefix[2]["content"].startswith("The output of the OS:\ncpi ")  # one newline, as upstream
    new_problem = "Now, I will start a new problem in a new OS. My problem is:\n\n"
    assert prompts.problem_message("Q?") == new_problem + "Q?"


@pytest.mark.parametrize("name, a, b, passed", [
    ("integer-match", "3", "3\n", True),
    ("integer-match", " 12 ", "12", True),
    ("integer-match", "3.0", "3", False),        # int("3.0") raises: the script exits non-zero
    ("integer-match", "None", "3", False),
    ("string-match", "a\r\nb ", "a\nb\n", True),
    ("string-match", "a", "b", False),
    ("size-match", "12K", "12288", True),
    ("size-match", "1M", "1024K", True),
    ("size-match", "8.0K", "8.0K", False),       # as described: integers only
    ("size-match", "12KB", "12K", True),         # longest unit first (upstream_quirks=True: fails)
    ("containing", "hello world\n", "world", True),
    ("containing", "hello", "world", False),
    ("in", "world", "hello world", True),
    ("in", "hello world", "world", False),
])
def test_builtin_checks(name, a, b, passed):
    try:
        result = BUILTIN_CHECKS[name](a, b)
    except Exception:
        result = False
    assert result is passed


@pytest.mark.parametrize("match, answer, passed", [
    (Match(answer="log"), " log\n", True),
    (Match(answer="log", strip=False), " log", False),
    (Match(answer="log"), None, False),
    (Match(regex=r"^\d+$"), "123", True),
    (Match(regex=r"^\d+$"), "12a", False),
    (Match(regex="("), "x", False),                # a bad regex in the data fails, never raises
])
def test_judge_match(match, answer, passed):
    assert judge_match(match, answer).passed is passed


def test_size_match_upstream_quirk_behind_the_flag():
    from agentbench_gym.envs.os_shell.scoring import _size_match

    assert _size_match("12KB", "12288") and _size_match("2GB", "2G")
    with pytest.raises(ValueError):  # upstream tries "B" first, so "12K" is not a number
        _size_match("12KB", "12288", quirks=True)
    assert _size_match("12K", "12288", quirks=True)
