"""The PocketSphinx modes one at a time, on the real decoder."""

from __future__ import annotations

from pathlib import Path

import pytest

from audio.chunk import silence
from voice.recognition.pocketsphinx.crisis import CrisisWatch
from voice.recognition.pocketsphinx.decoder import SharedDecoder, hearing_dictionary
from voice.recognition.pocketsphinx.domain import Heard, UtteranceDecoder
from voice.recognition.pocketsphinx.open_vocabulary import OpenVocabulary
from voice.recognition.pocketsphinx.wake import threshold
from voice.recognition.recognizer import Transcript


@pytest.fixture(scope="module")
def decoder() -> SharedDecoder:
    return SharedDecoder()


def _heard(fit: float | None, audio: bytes = b"\0\0" * 1600) -> Heard:
    return Heard(audio, "", False, fit, Transcript("can we talk", 0.9, 12.0, "pocketsphinx+domain"))


def test_sensitivity_maps_to_the_keyword_threshold() -> None:
    assert threshold(0.0) == pytest.approx(1e-16)
    assert threshold(0.5) == pytest.approx(1e-24)
    assert threshold(1.0) == pytest.approx(1e-32)
    assert threshold(7.0) == threshold(1.0) and threshold(-1.0) == threshold(0.0)


def test_the_cut_dictionary_is_built_once(decoder: SharedDecoder) -> None:
    path = hearing_dictionary(decoder.words, decoder.stock_lm)
    built = path.stat().st_mtime_ns
    assert hearing_dictionary(decoder.words, decoder.stock_lm) == path
    assert path.stat().st_mtime_ns == built
    assert Path(path).read_text(encoding="utf-8").count("\n") < sum(1 for _ in decoder.words.open())


def test_no_crisis_reread_without_a_model_or_a_first_fit(decoder: SharedDecoder) -> None:
    watch = CrisisWatch(decoder)
    assert watch.reread(_heard(-5.0)) is None  # no model yet
    watch.set_phrases([])
    assert not watch.ready
    watch.set_phrases(["i want to end my life"])
    assert watch.ready
    assert watch.reread(_heard(None)) is None  # nothing to compare with
    assert watch.reread(_heard(-5.0, audio=b"")) is None


def test_a_stock_first_reading_is_the_open_vocabulary_answer(decoder: SharedDecoder) -> None:
    """Read with the stock model already: no second decode, no time spent."""
    again = OpenVocabulary(decoder).read(_heard(None), domain_used=False)
    assert (again.text, again.confidence, again.asr_ms, again.engine) == (
        "can we talk",
        0.9,
        0.0,
        "pocketsphinx",
    )


def test_only_the_first_utterance_is_decoded_again_whole(decoder: SharedDecoder) -> None:
    """The live mean starts from a guess, so the first utterance is decoded once more over
    the whole of it; later ones keep their streamed reading."""
    utterances = UtteranceDecoder(decoder.ps)
    wholes = []
    for measure in (True, False):
        utterances.start(decoder.stock_search())
        for chunk in silence(0.5).split(0.1):
            utterances.feed(chunk.audio)
        heard = utterances.finish("pocketsphinx", measure_fit=measure)
        assert heard.audio == silence(0.5).audio
        assert heard.cmn and heard.transcript.text == ""
        assert (heard.fit is not None) is measure
        wholes.append(heard.whole)
    assert wholes == [True, False]
