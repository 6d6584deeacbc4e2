"""Unit tests of the core contract on a tiny env."""

from __future__ import annotations

import pytest
from gymnasium.utils.env_checker import check_env
from helpers import GuessWordEnv

from agentbench_gym import Outcome, TurnResult, UnicodeText
from agentbench_gym.errors import ResetNeeded


def test_outcome_classes_match_design():
    assert {o for o in Outcome if o.terminates} == {
        Outcome.COMPLETED, Outcome.INVALID_FORMAT, Outcome.INVALID_ACTION}
    assert {o for o in Outcome if o.truncates} == {
        Outcome.TASK_LIMIT, Outcome.CONTEXT_LIMIT, Outcome.TASK_ERROR, Outcome.AGENT_ERROR}
    assert not Outcome.RUNNING.ended and not Outcome.RUNNING.truncates
    assert {o for o in Outcome if not o.scored} == {Outcome.TASK_ERROR, Outcome.AGENT_ERROR}
    assert Outcome("invalid_format") is Outcome.INVALID_FORMAT and Outcome.TASK_LIMIT == "task_limit"
    assert Outcome.TASK_LIMIT.paper_label == "TLE" and Outcome.TASK_ERROR.paper_label == "-"


def test_unicode_text_contains_any_str_and_samples():
    space = UnicodeText(max_length=10)
    assert space.contains("\udcff\x00中") and space.contains("")
    assert not space.contains("x" * 11) and not space.contains(b"bytes") and not space.contains(3)
    space.seed(0)
    drawn = [space.sample() for _ in range(20)]
    assert all(space.contains(s) for s in drawn) and len(set(drawn)) > 1


def test_check_env_passes_on_a_minimal_task():
    check_env(GuessWordEnv())


def test_reset_gives_prefix_and_info_keys():
    env = GuessWordEnv()
    obs, info = env.reset(seed=0, options={"sample": "dev-1"})
    assert obs == "Guess the word."
    assert info["prefix"][0] == {"role": "user", "content": "Rules."}
    assert (info["task"], info["sample_id"], info["turn"], info["outcome"]) == ("GUESS", "dev-1", 0, Outcome.RUNNING)


def test_right_answer_completes_with_score_as_last_reward():
    env = GuessWordEnv()
    env.reset(options={"sample": 0})
    obs, reward, terminated, truncated, info = env.step("GUESS: b")
    assert (reward, terminated, truncated, info["outcome"]) == (0.0, False, False, Outcome.RUNNING)
    _obs, reward, terminated, truncated, info = env.step("ANSWER: apple")
    assert (reward, terminated, truncated) == (1.0, True, False)
    assert info["outcome"] is Outcome.COMPLETED and info["score"] == 1.0 and info["metrics"] == {"right": True}
    assert info["turn"] == 2


def test_invalid_format_terminates_with_zero():
    env = GuessWordEnv()
    env.reset(options={"sample": 0})
    _, reward, terminated, truncated, info = env.step("hello")
    assert (reward, terminated, truncated, info["outcome"]) == (0.0, True, False, Outcome.INVALID_FORMAT)


def test_turn_limit_truncates_with_task_limit():
    env = GuessWordEnv()
    env.reset(options={"sample": 0})
    for guess in "abc":
        assert not env.step(f"GUESS: {guess}")[2]
    _, _reward, terminated, truncated, info = env.step("GUESS: d")
    assert (terminated, truncated, info["outcome"], info["score"], info["turn"]) == (
        False, True, Outcome.TASK_LIMIT, 0.0, 4)


def test_max_turns_kwarg_overrides_default():
    env = GuessWordEnv(max_turns=1)
    env.reset(options={"sample": 0})
    assert env.step("GUESS: x")[-1]["outcome"] is Outcome.TASK_LIMIT


def test_repeated_reply_ends_episode():
    env = GuessWordEnv(max_turns=10)
    env.reset(options={"sample": 0})
    env.step("GUESS: z")
    assert env.step("GUESS: z")[-1]["outcome"] is Outcome.RUNNING
    info = env.step("GUESS: z")[-1]
    assert info["outcome"] is Outcome.TASK_LIMIT and info["turn"] == 3


def test_backend_exception_becomes_task_error_and_releases():
    env = GuessWordEnv()
    env.reset(options={"sample": 0})
    before = env.released
    _obs, _reward, terminated, truncated, info = env.step("BOOM")
    assert info["outcome"] is Outcome.TASK_ERROR and truncated and not terminated
    assert "backend exploded" in info["error"] and info["score"] == 0.0
    assert env.released > before


def test_step_after_end_and_before_reset_raise():
    env = GuessWordEnv()
    with pytest.raises(ResetNeeded):
        env.step("GUESS: a")
    env.reset(options={"sample": 0})
    env.step("nonsense")
    with pytest.raises(ResetNeeded):
        env.step("GUESS: a")


def test_non_str_action_is_a_type_error():
    env = GuessWordEnv()
    env.reset()
    with pytest.raises(TypeError):
        env.step(b"ANSWER: apple")


def test_sample_selection_by_seed_is_deterministic_and_validated():
    env = GuessWordEnv()
    ids = [env.reset(seed=s)[1]["sample_id"] for s in range(10)]
    assert ids == [env.reset(seed=s)[1]["sample_id"] for s in range(10)]
    assert len(set(ids)) > 1
    with pytest.raises(ValueError, match="out of range"):
        env.reset(options={"sample": 3})
    with pytest.raises(ValueError, match="no sample"):
        env.reset(options={"sample": "nope"})


def test_constructor_validates_arguments():
    with pytest.raises(ValueError, match="split"):
        GuessWordEnv(split="nope")
    with pytest.raises(ValueError, match="render_mode"):
        GuessWordEnv(render_mode="human")
    with pytest.raises(ValueError, match="max_turns"):
        GuessWordEnv(max_turns=0)
    assert GuessWordEnv(split="other").samples[0].word == "fig"


def test_dense_rewards_sum_to_the_score():
    env = GuessWordEnv(dense=True)
    env.reset(options={"sample": 0})
    rewards = [env.step("GUESS: a")[1], env.step("GUESS: b")[1], env.step("ANSWER: apple")[1]]
    assert rewards[0] == 0.5 and sum(rewards) == pytest.approx(1.0)


def test_render_ansi_shows_the_transcript_and_close_is_idempotent():
    env = GuessWordEnv(render_mode="ansi")
    env.reset(options={"sample": 0})
    env.step("GUESS: q")
    text = env.render()
    assert "Rules." in text and "GUESS: q" in text and "Cold." in text
    env.close()
    env.close()


def test_observations_always_fit_the_observation_space():
    class LongEchoEnv(GuessWordEnv):
        def _turn(self, reply):
            return super()._turn(reply[:9]) if reply.startswith("ANSWER") else TurnResult(reply * 3)

    env = LongEchoEnv()
    env.reset(options={"sample": 0})
    obs = env.step("x" * env.observation_space.max_length)[0]
    assert env.observation_space.contains(obs) and obs.endswith("length]")
    assert env.step("short")[0] == "shortshortshort"


def test_any_text_round_trips_through_async_vector_shared_memory():
    from gymnasium.vector.utils import create_shared_memory, read_from_shared_memory, write_to_shared_memory

    space = UnicodeText(max_length=64)
    memory = create_shared_memory(space, n=3)
    texts = ["héllo 中文 \udcff\x00 end", "", "x" * 64]
    for i, text in enumerate(texts):
        write_to_shared_memory(space, i, text, memory)
    assert read_from_shared_memory(space, memory, n=3) == tuple(texts)
    write_to_shared_memory(space, 0, "ab", memory)  # a shorter text leaves no tail behind
    assert read_from_shared_memory(space, memory, n=3)[0] == "ab"


def test_resources_are_released_at_interpreter_exit_even_after_an_exception(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    marker = tmp_path / "released"
    script = (
        "import sys; sys.path.insert(0, sys.argv[1])\n"
        "from helpers import GuessWordEnv\n"
        "class MarkingEnv(GuessWordEnv):\n"
        "    def _release(self):\n"
        "        if self.sample is not None:\n"
        "            open(sys.argv[2], 'a').write('x')\n"
        "env = MarkingEnv(); env.reset(seed=0)\n"
        "if sys.argv[3] == 'crash':\n"
        "    raise RuntimeError('crash without close()')\n"
    )
    for mode in ("crash", "normal"):
        marker.unlink(missing_ok=True)
        result = subprocess.run([sys.executable, "-c", script, str(Path(__file__).parent), str(marker), mode],
                                capture_output=True, text=True)
        assert result.returncode == (1 if mode == "crash" else 0), result.stderr
        assert marker.read_text() == "x", f"{mode}: the episode was not released at exit"


def test_gym_make_with_module_prefix_registers_without_importing(tmp_path):
    import subprocess
    import sys

    script = (
        "import sys, gymnasium as gym\n"
        "assert 'agentbench_gym' not in sys.modules\n"
        "env = gym.make('agentbench_gym:AgentBench/DCG-v0'); obs, info = env.reset(seed=0); env.close()\n"
        "print(info['task'])\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "DCG"
