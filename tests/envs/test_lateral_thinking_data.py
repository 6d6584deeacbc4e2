"""LTP data: built-in splits, AgentBench's xlsx loader on ../shared/data, text helpers."""

from __future__ import annotations

import json

import pytest

from agentbench_gym.envs.lateral_thinking.data import (
    load_builtin,
    load_upstream,
    puzzles_from_rows,
    strip_numbering,
    upstream_path,
)
from agentbench_gym.envs.lateral_thinking.parse import question_of, restates_story
from agentbench_gym.envs.lateral_thinking.text import bleu1, content, words
from agentbench_gym.errors import DataFormatError

pytest.importorskip("openpyxl")


@pytest.fixture(scope="module")
def ltp_dir(shared_data):
    path = shared_data / "agentbench" / "ltp"
    if not path.is_dir():
        pytest.skip("no AgentBench LTP data")
    return path


@pytest.mark.parametrize("split,size", [("dev", 20), ("test", 50)])
def test_builtin_split_sizes_and_answer_keys(split, size):
    puzzles = load_builtin(split)
    assert len(puzzles) >= size
    assert len({p.id for p in puzzles}) == len(puzzles)
    for p in puzzles:
        assert p.structured and p.story and p.truth and p.story_keys and p.language == "en"
        assert 2 <= len(p.key_points) <= 8
        assert all(k.ask and k.paraphrases for k in p.key_points)
        assert any(f.truth for f in p.facts) and any(not f.truth for f in p.facts)
        assert {pr.answer for pr in p.probes} >= {"yes", "no"}


def test_builtin_puzzles_are_not_upstream_puzzles(ltp_dir):
    upstream = {p.story[:40] for p in load_upstream(ltp_dir, "dev")}
    ours = {p.story[:40] for split in ("dev", "test") for p in load_builtin(split)}
    assert not upstream & ours


def test_builtin_puzzles_are_not_turtlebench_stories(shared_data):
    path = shared_data / "ltp" / "turtlebench_stories.json"
    if not path.is_file():
        pytest.skip("no TurtleBench stories")
    theirs = {content(s["surface_en"])[0] for s in json.loads(path.read_text(encoding="utf-8"))}
    for split in ("dev", "test"):
        for p in load_builtin(split):
            ours = content(p.story)[0]
            assert all(len(ours & t) / max(1, len(ours | t)) < 0.5 for t in theirs), p.id


@pytest.mark.parametrize("folder,split,lang", [("lateralthinkingpuzzle", "dev", "en"),
                                               ("lateralthinkingpuzzle_zh", "dev-zh", "zh")])
def test_upstream_xlsx_matches_converted_jsonl(ltp_dir, folder, split, lang):
    puzzles = load_upstream(ltp_dir, split)
    converted = [json.loads(line) for line in (ltp_dir / folder / "dev.converted.jsonl").open(encoding="utf-8")]
    assert len(puzzles) == len(converted) == 20
    for puzzle, record in zip(puzzles, converted, strict=True):
        assert puzzle.id == str(record["index"])
        assert puzzle.language == lang and not puzzle.structured
        assert puzzle.story == record["story"].strip() and puzzle.truth == record["answer"].strip()
        # AgentBench counts hints as the lines of the stripped cell.
        assert puzzle.answer_key_lines == tuple(record["answer_key"].strip().split("\n"))
        assert all(k.text and not k.text.startswith(("1.", "-")) for k in puzzle.key_points)
    hints = [len(p.answer_key_lines) for p in load_upstream(ltp_dir, "dev")]
    assert min(hints) == 3 and max(hints) == 8 and sum(hints) / len(hints) == pytest.approx(4.55)


def test_upstream_path_forms(ltp_dir):
    en = ltp_dir / "lateralthinkingpuzzle"
    assert upstream_path(ltp_dir, "dev") == (en / "dev.xlsx", "en")
    assert upstream_path(en, "dev") == (en / "dev.xlsx", "en")
    assert upstream_path(en / "dev.xlsx", "dev") == (en / "dev.xlsx", "en")
    assert upstream_path(ltp_dir.parent, "dev-zh")[1] == "zh"
    with pytest.raises(FileNotFoundError, match=r"standard\.xlsx"):
        upstream_path(ltp_dir, "test")  # the std split is deliberately absent from shared data
    with pytest.raises(ValueError, match="unknown upstream split"):
        upstream_path(ltp_dir, "train")


def test_rows_blank_answer_lines_and_bad_rows():
    rows = [("story ", " truth", "1. s1\n2. s2", "1. a\n\n2. b\n"), (None, None, None, None)]
    (puzzle,) = puzzles_from_rows(rows, "x.xlsx", "en")
    assert puzzle.answer_key_lines == ("1. a", "", "2. b")  # blank kept: upstream counts it
    assert [k.text for k in puzzle.key_points] == ["a", "b"]
    assert puzzle.story_keys == ("s1", "s2")
    with pytest.raises(DataFormatError, match="row 2"):
        puzzles_from_rows([("story", "", "k", "a")], "x.xlsx", "en")


def test_broken_xlsx_is_a_data_format_error(tmp_path):
    bad = tmp_path / "dev.xlsx"
    bad.write_bytes(b"not a zip")
    with pytest.raises(DataFormatError, match=r"dev\.xlsx"):
        load_upstream(bad, "dev")


def test_strip_numbering():
    assert strip_numbering("1. Eye disease.") == "Eye disease."
    assert strip_numbering("12.x") == "x"
    assert strip_numbering("- dash") == "dash"
    assert strip_numbering("Plain") == "Plain"
    assert strip_numbering("1、中文") == "中文"


def test_bleu1_word_and_character_level():
    ref, hyp = words("the cat sat on the mat"), words("the cat sat")
    # 3 matched of 3, brevity penalty exp(1 - 6/3)
    assert bleu1(ref, hyp) == pytest.approx(2.718281828 ** -1)
    assert bleu1(ref, ref) == 1.0
    assert bleu1(ref, []) == 0.0 and bleu1(ref, ["dog"]) == 0.0
    assert bleu1("abc", "abcc") == pytest.approx(3 / 4)  # clipped counts over characters


def test_story_restatement_check():
    keys = ("A man took a train to the city.", "He jumped off the train.")
    assert restates_story("Did he jump off the train?", keys) is False
    assert restates_story("He jumped off the train?", keys) is True
    # AgentBench's BLEU runs over characters: it flags a question about a tent, not a train
    assert restates_story("Had he jumped off the train?", keys, char_level=True)
    assert restates_story("He jumped off the tent?", keys, char_level=True)
    assert not restates_story("He jumped off the tent?", keys)


def test_first_line_and_negation():
    assert question_of("Is he dead?\nI think so.") == "Is he dead?"
    assert question_of("") == ""
    assert content("He didn't die.")[1] is True
    assert content("Was he not unable to walk?")[1] is False
    assert content("Did he die?")[0] == content("He was dead")[0] == frozenset({"die"})
