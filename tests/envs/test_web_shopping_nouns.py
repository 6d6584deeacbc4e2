"""WS noun tagging: spaCy when a pipeline loads, else the documented heuristic."""

from __future__ import annotations

import pytest

from agentbench_gym.envs.web_shopping import nouns
from agentbench_gym.errors import MissingExtra


def test_heuristic_keeps_title_nouns():
    got = nouns.heuristic_nouns("Issey Miyake L'eau D'issey for Women's, 6.7 Fl Oz Bottle - Two Pack")
    assert {"issey", "miyake", "women", "bottle", "pack", "oz"} <= set(got)
    assert not {"for", "two", "6", "7"} & set(got)
    assert nouns.heuristic_nouns("Handcrafted Wooden Bowl Beautifully Finished") == ["wooden", "bowl"]


def test_fallback_when_spacy_is_missing(monkeypatch):
    monkeypatch.setattr(nouns, "_spacy_pipeline", lambda: None)
    assert nouns.noun_tagger("auto")("Blue Water Bottle") == ("blue", "water", "bottle")
    assert nouns.tagger_name("auto") == "heuristic"
    with pytest.raises(MissingExtra, match="ws-spacy"):
        nouns.noun_tagger("spacy")
    with pytest.raises(ValueError):
        nouns.noun_tagger("nltk")


def test_spacy_tagger_when_installed():
    if not nouns.spacy_available():
        pytest.skip("spaCy with an English pipeline is not installed (set AGENTBENCH_SPACY_MODEL)")
    tags = nouns.noun_tagger("spacy")("Stainless Steel Water Bottle for Hiking")
    assert "bottle" in tags and "for" not in tags
    assert nouns.tagger_name("auto").startswith("spacy:")
