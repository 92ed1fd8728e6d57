"""The learned second opinion: training, caching, and its place in matching."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from voice.scripts.loader import load_scripts
from voice.understanding.classifier import PER_TEMPLATE, IntentClassifier
from voice.understanding.library import ScriptLibrary
from voice.understanding.matcher import Matcher
from voice.understanding.respell import Respeller

PHRASES = [
    ("i feel so {feeling}", "name_feeling"),
    ("i am really {feeling} today", "name_feeling"),
    ("honestly i am {feeling}", "name_feeling"),
    ("give me a mantra", "mantra"),
    ("say a mantra please", "mantra"),
    ("i need something calming to repeat", "mantra"),
    ("put your shoes on", "chatter"),
    ("eat your dinner please", "chatter"),
    ("where are my keys", "chatter"),
]


def train() -> IntentClassifier:
    return IntentClassifier.train([p for p, _ in PHRASES], [i for _, i in PHRASES])


def test_probabilities_are_a_distribution_that_generalises() -> None:
    model = train()
    probs = model.probabilities("honestly i am so {feeling} about it all")
    assert set(probs) == {"name_feeling", "mantra", "chatter"}
    assert sum(probs.values()) == pytest.approx(1.0)
    assert max(probs, key=probs.__getitem__) == "name_feeling"
    calming = model.probabilities("something calming")
    assert max(calming, key=calming.__getitem__) == "mantra"
    assert model.probabilities("put your coat on")["chatter"] > 0.5
    assert model.support == {"name_feeling": 3, "mantra": 3, "chatter": 3}


def test_unknown_words_only_give_the_prior() -> None:
    probs = train().probabilities("zzz qqq")
    assert max(probs.values()) - min(probs.values()) < 0.2


def test_save_load_round_trip(tmp_path: Path) -> None:
    model = train()
    model.save(tmp_path / "m.npz")
    again = IntentClassifier.load(tmp_path / "m.npz")
    text = "i feel {feeling} give me a mantra"
    assert again.probabilities(text) == pytest.approx(model.probabilities(text))
    assert again.support == model.support


def test_cache_is_reused_and_a_damaged_file_is_retrained(tmp_path: Path) -> None:
    phrases, intents = [p for p, _ in PHRASES], [i for _, i in PHRASES]
    first = IntentClassifier.cached(phrases, intents, range(len(phrases)), tmp_path)
    (cached,) = tmp_path.glob("intents-*.npz")
    stamp = cached.stat().st_mtime_ns
    second = IntentClassifier.cached(phrases, intents, range(len(phrases)), tmp_path)
    assert cached.stat().st_mtime_ns == stamp  # loaded, not trained again
    assert second.probabilities("give me a mantra") == pytest.approx(
        first.probabilities("give me a mantra")
    )
    cached.write_bytes(b"not a numpy file")
    third = IntentClassifier.cached(phrases, intents, range(len(phrases)), tmp_path)
    assert third.classes == first.classes
    assert cached.read_bytes()[:2] == b"PK"  # rewritten as a real .npz (a zip)


def test_old_cached_models_are_pruned(tmp_path: Path) -> None:
    for n in range(12):
        IntentClassifier.cached([f"phrase {n}", "other words"], ["a", "b"], [0, 1], tmp_path)
    assert len(list(tmp_path.glob("intents-*.npz"))) == 8


def test_respeller_joins_split_words_only_when_it_mends_something() -> None:
    mend = Respeller({"give", "me", "a", "mantra", "man", "bed", "time", "bedtime"}).mend
    assert mend("give me a man tra") == "give me a mantra"
    assert mend("bed time") == "bed time"  # both known: left as said
    assert mend("") == ""


def test_a_parents_new_short_script_works_by_its_own_phrases(
    small_scripts: Path, tmp_path: Path
) -> None:
    """Three phrases are too few to learn from: they must still be understood as written."""
    (small_scripts / "bedtime_story.yaml").write_text(
        textwrap.dedent(
            """
            intent: bedtime_story
            phrases:
              - "tell me about the (dragon|owl) story"
            replies:
              - "Once upon a time, a small owl could not sleep."
            """
        ),
        encoding="utf-8",
    )
    matcher = Matcher(load_scripts([small_scripts]), cache_dir=tmp_path)
    for text in ("tell me about the owl story", "tell me about the dragon story"):
        assert matcher.match(text).intent == "bedtime_story"
    result = matcher.match("tell me the owl story")  # a dropped word
    assert result.intent == "bedtime_story", result


def test_classifier_lifts_a_sentence_no_phrase_covers(default_library: ScriptLibrary) -> None:
    """On the default scripts, a feeling said after a long story is understood only with it.

    (Said the other way round, the point first, the matcher's opening-clause rule already
    understands it without the classifier.)"""
    brain = default_library.brain
    text = "he shared his toys at the party and honestly i feel really proud of him"
    with_it = brain.matcher.match(text)
    assert with_it.intent == "name_feeling"
    assert with_it.best is not None and with_it.best.learned > 0.5
    # By its phrase score alone, the sentence would not be understood.
    by_phrase = max(m.phrase_score for m in with_it.ranked)
    assert by_phrase < brain.matcher.threshold_for(len(with_it.text.split()))


def test_a_big_template_does_not_drown_the_plain_sentences_beside_it() -> None:
    """A template with hundreds of alternatives teaches its wording once: it is sampled
    like one template, so the plain sentences beside it keep their weight."""
    phrases = [f"give me a saying number {n}" for n in range(500)]
    phrases += ["i need words to hold on to", "something kind please", "a phrase for today"]
    phrases += [f"turn it down {n}" for n in range(10)]
    intents = ["mantra"] * 503 + ["softer"] * 10
    templates = [0] * 500 + [1, 2, 3] + list(range(4, 14))
    model = IntentClassifier.train(phrases, intents, templates)
    assert model.support["mantra"] == PER_TEMPLATE + 3
