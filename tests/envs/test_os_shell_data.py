"""OS data: the built-in splits and the loader of AgentBench's os_interaction format."""

from __future__ import annotations

import json
import shutil
from collections import Counter

import pytest

from agentbench_gym.data import builtin_file, read_jsonl
from agentbench_gym.envs.os_shell import datagen
from agentbench_gym.envs.os_shell.data import load_builtin, load_upstream, parse_record
from agentbench_gym.envs.os_shell.oracle import solution_commands
from agentbench_gym.errors import DataFormatError


@pytest.mark.parametrize("split, minimum", [("dev", 26), ("test", 100)])
def test_builtin_split_size_and_coverage(split, minimum):
    samples = load_builtin(split)
    assert len(samples) >= minimum
    assert len({s.id for s in samples}) == len(samples)
    kinds = Counter("match" if s.match else ("reference" if None in s.check else "script")
                    for s in samples)
    assert kinds["match"] > 0 and kinds["reference"] > 0 and kinds["script"] > 0
    labels = {label for s in samples for label in s.labels}
    assert {"file", "user", "permission", "process", "text", "count", "archive"} <= labels
    assert all(s.solution and len(s.solution) < 8 for s in samples)  # solvable within 8 turns
    assert any(s.start for s in samples) and any(s.init for s in samples)


@pytest.mark.parametrize("split, seed, per_template", [
    ("dev", 20240601, lambda i: 1),
    ("test", 20240602, lambda i: 3 if i < 110 - 2 * len(datagen.TEMPLATES) else 2),
])
def test_builtin_split_is_what_the_generator_makes(split, seed, per_template):
    shipped = list(read_jsonl(builtin_file("agentbench_gym.envs.os_shell", f"{split}.jsonl")))
    assert json.loads(json.dumps(datagen.make_split(split, seed, per_template))) == shipped


def test_upstream_dev_loads_with_agentbench_ids(shared_data):
    samples = load_upstream(shared_data / "agentbench" / "os", "dev")
    assert len(samples) == 26
    assert samples[0].id == "dev-001-dev-00000" and samples[25].id == "dev-001-dev-00025"
    assert sum(s.match is not None for s in samples) == 5
    assert sum(bool(s.check) for s in samples) == 21
    builtins = Counter(e.builtin for s in samples for e in s.check if e is not None and e.builtin)
    assert builtins == {"integer-match": 17, "string-match": 1, "size-match": 1}
    # A list-valued "create" (upstream data bug) means no init, as upstream.
    assert samples[10].init == ()
    assert samples[0].start is not None and "time.sleep(1)" in samples[0].start.code
    assert samples[21].init[0].code.startswith("echo 123>/root/.tmp")   # "init" as a plain string
    # The copy has no scripts/ folder: the three samples that need one say which file is missing.
    missing = {s.id: s.missing_scripts for s in samples if s.missing_scripts}
    assert set(missing) == {"dev-001-dev-00003", "dev-001-dev-00005", "dev-001-dev-00025"}
    assert any(path.endswith("scripts/dev/init/stock-log.sh") for path in missing["dev-001-dev-00025"])


def test_upstream_std_layout_from_numbered_folders(shared_data):
    samples = load_upstream(shared_data / "agentbench" / "os", "std")
    assert len(samples) == 19  # the copy holds only data/4 of the std split
    ids = [s.id for s in samples]
    assert "std-004-N11-00000" in ids and "std-004-Q30-00005" in ids
    assert load_upstream(shared_data / "agentbench" / "os", "test") == samples


def test_checkout_root_and_task_folder_both_work(shared_data, tmp_path):
    task = tmp_path / "AgentBench" / "data" / "os_interaction"
    shutil.copytree(shared_data / "agentbench" / "os" / "data", task / "data")
    by_root = load_upstream(tmp_path / "AgentBench", "dev")
    by_task = load_upstream(task, "dev")
    assert [s.id for s in by_root] == [s.id for s in by_task] and len(by_root) == 26


def test_malformed_records_raise_with_the_record_named(tmp_path):
    with pytest.raises(DataFormatError, match=r"x\.json record r1"):
        parse_record({"description": "d", "evaluation": {}}, "r1", None, "x.json")
    with pytest.raises(DataFormatError, match="needs an 'example'"):
        parse_record({"description": "d", "evaluation": {"check": [None]}}, "r2", None, "x.json")
    with pytest.raises(DataFormatError, match="language"):
        parse_record({"description": "d", "create": {"init": {"language": "ruby", "code": "x"}},
                      "evaluation": {"match": "1"}}, "r3", None, "x.json")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "dev.json").write_text("[{oops")
    with pytest.raises(DataFormatError, match=r"dev\.json"):
        load_upstream(tmp_path, "dev")
    with pytest.raises(DataFormatError, match="no AgentBench os_interaction data"):
        load_upstream(tmp_path / "nowhere", "dev")


def test_single_object_file_and_script_files(tmp_path):
    (tmp_path / "data" / "3").mkdir(parents=True)
    (tmp_path / "scripts" / "3" / "check").mkdir(parents=True)
    (tmp_path / "scripts" / "3" / "check" / "1.sh").write_text("test -f /tmp/done")
    record = {"description": "touch /tmp/done", "evaluation": {"check": {"file": "check/1.sh"}}}
    (tmp_path / "data" / "3" / "ac.json").write_text(json.dumps(record))
    [sample] = load_upstream(tmp_path, "std")
    assert sample.id == "std-003-ac-00000"
    assert sample.check[0].code == "test -f /tmp/done" and not sample.missing_scripts


def test_oracle_uses_the_reference_solution(shared_data):
    samples = load_upstream(shared_data / "agentbench" / "os", "dev")
    assert solution_commands(samples[6]) == ['ls -a /home | grep "^\\." | wc -l']
    assert solution_commands(samples[3]) == []  # example/0.sh is missing from the copy
