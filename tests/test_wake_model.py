"""The trained wake model: features, head, trigger, and the shipped head on unheard voices."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from speech_kit import speak

from audio.chunk import AudioChunk, concat, silence
from tools.wake.train import export
from voice.recognition.recognizer import RecognizerError
from voice.recognition.wake_model.detector import (
    FRAMES,
    REFRACTORY_S,
    Trigger,
    WakeDetector,
    for_phrase,
    threshold,
)
from voice.recognition.wake_model.features import HOP, HOP_S, Embedder
from voice.recognition.wake_model.head import MODEL_PATH, WINDOW, Head


def test_the_trigger_needs_consecutive_frames_then_rests() -> None:
    trigger = Trigger(0.5)
    assert FRAMES >= 2
    # One frame over the threshold between low ones is a clatter, not a wake.
    assert not any(trigger.step(s) for s in [0.9, 0.1] * 5)
    fired = [trigger.step(0.9) for _ in range(FRAMES + round(REFRACTORY_S / HOP_S) + FRAMES)]
    assert fired.index(True) == FRAMES - 1
    # The same phrase still scoring high during the rest does not wake twice...
    assert fired.count(True) == 2 and fired[-1]


def test_sensitivity_moves_the_threshold_around_the_trained_one() -> None:
    levels = [threshold(s, 0.7) for s in (0.0, 0.25, 0.5, 0.75, 1.0)]
    assert levels[2] == pytest.approx(0.7)
    assert levels == sorted(levels, reverse=True)
    assert 0.0 < levels[-1] < levels[0] < 1.0
    assert threshold(5.0, 0.7) == threshold(1.0, 0.7)


def _head(seed: int) -> Head:
    rng = np.random.default_rng(seed)
    size = WINDOW * 96
    layers = [
        (rng.normal(0, 0.05, (size, 8)).astype(np.float32), np.zeros(8, np.float32)),
        (rng.normal(0, 0.5, (8, 1)).astype(np.float32), np.zeros(1, np.float32)),
    ]
    return Head(layers, np.zeros(size, np.float32), np.ones(size, np.float32), 0.6)


def test_an_exported_head_loads_back_the_same(tmp_path: Path) -> None:
    head = _head(1)
    loaded = Head.load(export(head, tmp_path / "head.npz"))
    windows = np.random.default_rng(2).normal(0, 1, (5, WINDOW * 96)).astype(np.float32)
    assert loaded.threshold == pytest.approx(0.6)
    np.testing.assert_allclose(loaded.scores(windows), head.scores(windows), rtol=1e-6)
    assert ((head.scores(windows) > 0) & (head.scores(windows) < 1)).all()


def test_a_broken_model_file_says_how_to_get_a_good_one(tmp_path: Path) -> None:
    broken = tmp_path / "hey_hearth.npz"
    broken.write_bytes(b"not a model")
    with pytest.raises(RecognizerError, match="make wake-model"):
        Head.load(broken)


def test_features_do_not_depend_on_how_the_audio_is_cut() -> None:
    pcm = np.random.default_rng(3).normal(0, 2000, HOP * 12).astype("<i2").tobytes()
    whole = Embedder().feed(pcm)
    pieces = Embedder()
    cut = np.concatenate([pieces.feed(pcm[i : i + 998]) for i in range(0, len(pcm), 998)])
    assert whole.shape == (12, 96)
    np.testing.assert_allclose(cut, whole, atol=1e-5)
    assert pieces.samples == 12 * HOP and pieces.waiting_s == 0.0


def test_only_the_phrase_it_was_trained_on_gets_the_model() -> None:
    assert MODEL_PATH.is_file()
    assert isinstance(for_phrase("Hey, Hearth!", 0.5), WakeDetector)
    assert for_phrase("hey computer", 0.5) is None
    assert for_phrase(None, 0.5) is None


def _first_wake(audio: AudioChunk) -> float | None:
    """Seconds into ``audio`` where the shipped detector wakes, fed as a microphone would."""
    detector = for_phrase("hey hearth", 0.5)
    assert detector is not None
    heard = 0.0
    for piece in audio.split(0.1):
        heard += piece.seconds
        found = detector.feed(piece)
        if found is not None:
            return heard - found.behind_s
    return None


@pytest.mark.slow
def test_the_shipped_head_hears_voices_it_never_trained_on(tmp_path: Path) -> None:
    """en-us+f3 and en-gb-scotland are held out of training (tools/wake/voices.py)."""
    for voice in ("en-us+f3", "en-gb-scotland"):
        phrase = speak("hey hearth", voice, tmp_path / "p.wav")
        audio = concat([silence(1.5), phrase, speak("i need to talk", voice, tmp_path / "r.wav")])
        at = _first_wake(audio)
        assert at is not None, voice
        # Heard after the phrase began and before the request was over.
        assert 1.5 < at < 1.5 + phrase.seconds + 1.0, (voice, at)


@pytest.mark.slow
def test_the_shipped_head_does_not_wake_on_near_misses_or_chatter(tmp_path: Path) -> None:
    """ "hey heart" and "hey harvey" still wake it (README: what it gets wrong); these do not."""
    said = ["hey earth", "hey there", "the hearth", "hey martha, put your shoes on"]
    for i, text in enumerate([*said, "we need to leave in five minutes"]):
        for voice in ("en-us+f3", "en-gb-scotland"):
            audio = concat([silence(1.5), speak(text, voice, tmp_path / f"{i}.wav")])
            assert _first_wake(audio) is None, (text, voice)
