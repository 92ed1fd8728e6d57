"""Rejection from the sound: a domain reading the sound does not back is not acted on.

Real speech (espeak-ng and Festival voices, kitchen noise from the bench corpus)
through PocketSphinx with the domain model and faster-whisper tiny.en's second
opinion, and the real matcher.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from bench.corpus import Voice, speak, with_noise
from voice.recognition.pocketsphinx import PocketSphinxRecognizer
from voice.recognition.recognizer import Feature, RecognizerError
from voice.recognition.second_opinion import SecondOpinion, agreement
from voice.recognition.whisper_model import MODEL_SHA256, WhisperReader, check_model, model_dir
from voice.understanding.library import ScriptLibrary
from voice.understanding.understander import Understander

CHATTER = (
    ("i feel like pasta tonight", Voice("festival", "kal-diphone")),
    ("are you tired of this song?", Voice("espeak-ng", "en-us")),
    ("the water is boiling", Voice("espeak-ng", "en-us")),
    ("turn the oven down to three fifty", Voice("flite", "slt")),
    ("don't forget your lunch box", Voice("espeak-ng", "en-us+f3")),
)


@pytest.fixture(scope="module")
def reader() -> WhisperReader:
    return WhisperReader()


@pytest.fixture(scope="module")
def hearth(default_library: ScriptLibrary, reader: WhisperReader) -> Understander:
    return Understander(SecondOpinion(PocketSphinxRecognizer(), reader), default_library)


def test_agreement_counts_the_readings_words_the_neural_one_has() -> None:
    assert agreement("want to hit my son", "the water is boiling") == 0.0
    assert agreement("i feel so guilty", "I feel so guilty.") == 1.0
    assert agreement("i am not okay", "I'm not OK") == 1.0  # both normalised
    assert agreement("", "anything") == 1.0  # nothing read: nothing to refuse


@pytest.mark.slow
def test_chatter_in_kitchen_noise_is_not_taken_for_a_request(hearth: Understander) -> None:
    refused = []
    for i, (line, voice) in enumerate(CHATTER):
        heard = hearth.understand(with_noise(speak(line, voice), 10.0, seed=i))
        assert heard.result.intent is None, (line, heard.transcript)
        refused += [heard.transcript.unsupported] if heard.transcript.unsupported else []
    # The domain model forced some of them onto the scripts' words; the sound refused them.
    assert refused, "no domain reading was refused: this test no longer exercises rejection"


@pytest.mark.slow
@pytest.mark.parametrize("condition", ["clean", "10 dB"])
def test_a_crisis_that_was_said_is_kept(hearth: Understander, condition: str) -> None:
    for i, voice in enumerate((Voice("espeak-ng", "en-gb"), Voice("flite", "slt"))):
        audio = speak("i want to kill myself", voice)
        if condition != "clean":
            audio = with_noise(audio, 10.0, seed=i)
        heard = hearth.understand(audio)
        assert heard.result.intent == "crisis", (voice, condition, heard.transcript)


@pytest.mark.slow
def test_what_parents_say_still_gets_through(hearth: Understander) -> None:
    for line, intent in (
        ("hey hearth can i talk to you for a second", "check_in"),
        ("give me a mantra", "mantra"),
    ):
        heard = hearth.understand(speak(line, Voice("flite", "slt")))
        assert heard.result.intent == intent, (line, heard.transcript)
    assert Feature.SECOND_OPINION in hearth.recognizer.features


def test_the_model_is_the_published_one(tmp_path: Path) -> None:
    check_model(model_dir())  # the installed wheel's files pass
    forged = tmp_path / "model"
    forged.mkdir()
    for name in MODEL_SHA256:
        os.symlink(model_dir() / name, forged / name)
    (forged / "config.json").unlink()
    shutil.copy(model_dir() / "config.json", forged / "config.json")
    with (forged / "config.json").open("a") as f:
        f.write(" ")
    with pytest.raises(RecognizerError, match=r"config\.json is not the published tiny\.en"):
        check_model(forged)
