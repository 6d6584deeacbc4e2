"""Reply parsing as AgentBench does it: the question is the reply's first line."""

from __future__ import annotations

from collections.abc import Sequence

from agentbench_gym.envs.lateral_thinking.text import bleu1, words

STORY_BLEU_THRESHOLD = 0.85


def question_of(reply: str) -> str:
    """The first line of the reply, stripped (AgentBench ignores the rest)."""
    return reply.split("\n", 1)[0].strip()


def restates_story(question: str, story_keys: Sequence[str], *, char_level: bool = False) -> bool:
    """True when the question's BLEU-1 against a story key is above 0.85 (it repeats the story).

    AgentBench passes raw strings to NLTK, so its BLEU is over characters (``char_level=True``,
    an upstream bug kept behind ``upstream_bugs``); by default we compare words as intended.
    """
    hypothesis = question.replace("?", ".")
    for key in story_keys:
        if not key.strip():
            continue
        if char_level:
            score = bleu1(key.strip(), hypothesis)
        else:
            score = bleu1(words(key), words(hypothesis))
        if score > STORY_BLEU_THRESHOLD:
            return True
    return False
