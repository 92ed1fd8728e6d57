"""End-of-speech detection on real espeak-ng speech, silence and noise."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from audio_testkit import espeak

from audio.chunk import SPEECH_RATE, AudioChunk, AudioError, concat, silence
from audio.endpoint import SpeechDetector, SpeechEnded, SpeechEvent, SpeechStarted, VadMode
from audio.wav import read_wav

PAD_S = 1.0


def speech_bounds(speech: AudioChunk) -> tuple[float, float]:
    """First and last sample louder than -34 dBFS: the truth for the detector."""
    loud = np.nonzero(np.abs(speech.to_float()[:, 0]) > 0.02)[0]
    return loud[0] / speech.rate, (loud[-1] + 1) / speech.rate


def run(detector: SpeechDetector, stream: AudioChunk, piece_s: float) -> list[SpeechEvent]:
    events: list[SpeechEvent] = []
    for piece in stream.split(piece_s):
        events += detector.feed(piece)
    return events + detector.flush()


@pytest.fixture(scope="module")
def speech(tmp_path_factory: pytest.TempPathFactory) -> AudioChunk:
    """'i feel so guilty' spoken by espeak-ng, as 16 kHz mono."""
    path = espeak("i feel so guilty", tmp_path_factory.mktemp("speech") / "guilty.wav")
    return read_wav(path).for_speech()


@pytest.fixture(scope="module")
def padded(speech: AudioChunk) -> AudioChunk:
    return concat([silence(PAD_S), speech, silence(PAD_S)])


@pytest.mark.parametrize("piece_s", [0.01, 0.0077, 0.1, 0.5, 10.0])
def test_finds_start_and_end_of_speech(
    speech: AudioChunk, padded: AudioChunk, piece_s: float
) -> None:
    first, last = speech_bounds(speech)
    events = run(SpeechDetector(), padded, piece_s)
    assert [type(e) for e in events] == [SpeechStarted, SpeechEnded]
    started, ended = events
    assert isinstance(started, SpeechStarted) and isinstance(ended, SpeechEnded)
    assert started.time == pytest.approx(PAD_S + first, abs=0.3)
    assert ended.start == started.time
    assert ended.end == pytest.approx(PAD_S + last, abs=0.3)
    assert not ended.cut
    # The utterance holds the pre-roll, all the speech and some trailing silence.
    assert ended.audio_start == started.audio_start == pytest.approx(started.time - 0.3, abs=0.031)
    assert ended.audio_start + ended.audio.seconds >= ended.end + 0.3
    assert ended.audio.seconds < speech.seconds + 1.0
    offset = round(ended.audio_start * SPEECH_RATE) * 2
    assert ended.audio.audio == padded.audio[offset : offset + len(ended.audio.audio)]


def test_same_events_whatever_the_chunk_size(padded: AudioChunk) -> None:
    results = {piece: run(SpeechDetector(), padded, piece) for piece in (0.003, 0.03, 0.25, 5.0)}
    first = next(iter(results.values()))
    assert all(events == first for events in results.values())


def test_end_is_decided_after_the_trailing_silence(padded: AudioChunk) -> None:
    heard = {}
    for trailing in (0.3, 0.5):
        ended = run(SpeechDetector(trailing_silence_s=trailing), padded, 0.1)[-1]
        assert isinstance(ended, SpeechEnded)
        heard[trailing] = ended.audio_start + ended.audio.seconds - ended.end
        assert trailing * 0.8 <= heard[trailing] <= trailing + 0.1
    assert heard[0.5] > heard[0.3]


def test_short_answer_is_caught(tmp_path: Path) -> None:
    yes = read_wav(espeak("yes", tmp_path / "yes.wav")).for_speech()
    events = run(
        SpeechDetector(trailing_silence_s=0.5), concat([silence(0.5), yes, silence(1.0)]), 0.1
    )
    assert [type(e) for e in events] == [SpeechStarted, SpeechEnded]


def test_two_utterances_give_two_pairs(speech: AudioChunk) -> None:
    stream = concat([silence(0.5), speech, silence(1.0), speech, silence(0.5)])
    events = run(SpeechDetector(), stream, 0.1)
    assert [type(e) for e in events] == [SpeechStarted, SpeechEnded] * 2
    second = events[2]
    assert isinstance(second, SpeechStarted)
    assert second.time == pytest.approx(0.5 + speech.seconds + 1.0, abs=0.3)


def test_flush_ends_speech_cut_off_by_end_of_stream(speech: AudioChunk) -> None:
    detector = SpeechDetector()
    events = detector.feed(concat([silence(0.5), speech]))
    assert [type(e) for e in events] == [SpeechStarted]
    assert detector.in_speech
    ended = detector.flush()
    assert len(ended) == 1 and isinstance(ended[0], SpeechEnded)
    assert ended[0].end == pytest.approx(0.5 + speech_bounds(speech)[1], abs=0.3)
    assert not detector.in_speech
    assert detector.flush() == []


def test_long_speech_is_cut_at_max_utterance(speech: AudioChunk) -> None:
    stream = concat([silence(0.3), *[speech] * 3])
    events = run(SpeechDetector(max_utterance_s=1.0), stream, 0.1)
    cuts = [e for e in events if isinstance(e, SpeechEnded) and e.cut]
    assert cuts
    assert all(e.audio.seconds == pytest.approx(1.0, abs=0.031) for e in cuts)


def test_silence_is_not_speech() -> None:
    detector = SpeechDetector()
    assert detector.feed(silence(10.0)) == []
    assert detector.flush() == []


@pytest.mark.parametrize("rms", [0.001, 0.003, 0.01])
def test_low_white_noise_is_not_speech(rms: float) -> None:
    rng = np.random.default_rng(42)
    noise = AudioChunk.from_float(
        rng.normal(0.0, rms, SPEECH_RATE * 10).astype(np.float32), SPEECH_RATE
    )
    assert run(SpeechDetector(), noise, 0.1) == []


def test_default_mode_is_stricter_than_loose_on_noise() -> None:
    rng = np.random.default_rng(42)
    noise = AudioChunk.from_float(
        rng.normal(0.0, 0.01, SPEECH_RATE * 5).astype(np.float32), SPEECH_RATE
    )
    # The WebRTC modes alone (no noise gate).
    assert run(SpeechDetector(vad_mode=VadMode.LOOSE, noise_gate_db=0), noise, 0.1) != []
    assert run(SpeechDetector(noise_gate_db=0), noise, 0.1) == []
    # Steady noise never stands above its own floor: the gate keeps even LOOSE quiet.
    assert run(SpeechDetector(vad_mode=VadMode.LOOSE), noise, 0.1) == []


def test_speech_in_kitchen_babble_ends(speech: AudioChunk) -> None:
    """Distant babble sounds like speech to WebRTC's detector: without the noise gate the
    utterance lasts until the noise stops; with it, the end comes after the speech."""
    from bench.corpus import with_noise

    stream = with_noise(concat([silence(1.0), speech, silence(3.0)]), snr_db=10.0, seed=4)
    _, last = speech_bounds(speech)
    gated = [e for e in run(SpeechDetector(), stream, 0.1) if isinstance(e, SpeechEnded)]
    assert gated, "no utterance found"
    decided = gated[0].audio_start + gated[0].audio.seconds
    assert decided < 1.0 + last + 1.0, (decided, 1.0 + last)
    ungated = [
        e for e in run(SpeechDetector(noise_gate_db=0), stream, 0.1) if isinstance(e, SpeechEnded)
    ]
    assert ungated and ungated[-1].audio_start + ungated[-1].audio.seconds > stream.seconds - 0.1


@pytest.mark.parametrize(("gain", "noise_rms"), [(0.1, 0.0), (0.3, 0.01)], ids=["quiet", "noisy"])
def test_quiet_or_noisy_speech_is_found(speech: AudioChunk, gain: float, noise_rms: float) -> None:
    rng = np.random.default_rng(3)
    samples = np.concatenate(
        [np.zeros(SPEECH_RATE), speech.to_float()[:, 0] * gain, np.zeros(SPEECH_RATE)]
    )
    samples += rng.normal(0.0, noise_rms, len(samples)).astype(np.float32) if noise_rms else 0.0
    first, last = speech_bounds(speech)
    events = run(SpeechDetector(), AudioChunk.from_float(samples, SPEECH_RATE), 0.1)
    assert [type(e) for e in events] == [SpeechStarted, SpeechEnded]
    ended = events[1]
    assert isinstance(ended, SpeechEnded)
    assert ended.start == pytest.approx(1.0 + first, abs=0.3)
    assert ended.end == pytest.approx(1.0 + last, abs=0.3)


def test_wrong_format_is_refused_with_the_fix() -> None:
    with pytest.raises(AudioError, match=r"convert with chunk\.for_speech"):
        SpeechDetector().feed(AudioChunk(48000, 2, 2, bytes(400)))


@pytest.mark.parametrize(
    "kwargs",
    [
        {"trailing_silence_s": 0.0},
        {"trailing_silence_s": 9.0},
        {"min_speech_s": 0.0},
        {"pre_roll_s": -1.0},
    ],
)
def test_bad_settings_are_audio_errors(kwargs: dict[str, Any]) -> None:
    with pytest.raises(AudioError, match="must be between"):
        SpeechDetector(**kwargs)
