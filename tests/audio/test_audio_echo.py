"""Echo cancellation (speexdsp): the reply being played is taken out of the microphone audio."""

from __future__ import annotations

import numpy as np
import pytest

from audio.chunk import AudioChunk, concat
from audio.echo import EchoCanceller

pytestmark = pytest.mark.skipif(
    not EchoCanceller.available(), reason="the speexdsp bindings are not installed"
)


def _noise_like_speech(seconds: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    n = int(seconds * 16000)
    envelope = np.repeat(rng.uniform(0.2, 1.0, n // 1600 + 1), 1600)[:n]
    return np.convolve(rng.normal(0, 0.1, n), np.ones(4) / 4, mode="same") * envelope


def _chunk(x: np.ndarray) -> AudioChunk:
    return AudioChunk.from_float(np.clip(x, -1, 1).astype(np.float32), 16000)


def _power_db(x: np.ndarray) -> float:
    return float(10 * np.log10(np.mean(x.astype(float) ** 2) + 1))


def test_the_played_reply_is_taken_out_of_the_microphone() -> None:
    reply = _noise_like_speech(8.0, 1)
    room = np.zeros(1600)
    room[[0, 320, 900]] = [0.8, 0.3, 0.1]  # direct sound and two reflections
    mic = np.convolve(reply, room)[: len(reply)]
    canceller = EchoCanceller()
    canceller.playing(_chunk(reply))
    out = concat([canceller.process(c) for c in _chunk(mic).split(0.1)])
    heard = np.frombuffer(out.audio, dtype="<i2")[-3 * 16000 :]
    raw = np.frombuffer(_chunk(mic).audio, dtype="<i2")[
        -3 * 16000 - (len(mic) - len(out.audio) // 2) :
    ][: len(heard)]
    assert _power_db(raw) - _power_db(heard) > 10, "less than 10 dB of echo removed"
    assert not canceller.active


def test_without_a_reply_the_microphone_passes_unchanged() -> None:
    voice = _chunk(_noise_like_speech(1.0, 2))
    canceller = EchoCanceller()
    out = concat([canceller.process(c) for c in voice.split(0.1)])
    n = len(out.audio)
    assert out.audio == voice.audio[:n] and len(voice.audio) - n < canceller.frame * 2


def test_what_it_learned_of_the_room_carries_over_to_the_next_reply() -> None:
    """The second reply is cancelled from its first second on. The microphone audio here
    does not come in whole frames, so a few samples are always waiting when a reply
    starts; the reference must begin after them (it began with them, and the canceller
    met every new reply shifted against the room it had learned, starting again at 0 dB)."""
    room = np.zeros(1600)
    room[[0, 320, 900]] = [0.8, 0.3, 0.1]
    canceller = EchoCanceller()
    removed = []
    for seed in (3, 4):
        reply = _noise_like_speech(6.0, seed)
        mic = np.convolve(reply, room)[: len(reply) + 1000]  # the room rings on after it
        canceller.playing(_chunk(reply))
        out = concat([canceller.process(c) for c in _chunk(mic).split(0.1)])
        heard = np.frombuffer(out.audio, dtype="<i2")[:16000]
        raw = np.frombuffer(_chunk(mic).audio, dtype="<i2")[:16000]
        removed.append(_power_db(raw) - _power_db(heard))
    assert removed[1] > 10, f"the second reply's first second: only {removed[1]:.1f} dB removed"
