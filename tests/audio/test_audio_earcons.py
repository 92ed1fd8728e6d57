"""The chimes are short, soft and go the right way."""

from __future__ import annotations

import numpy as np
import pytest
from audio_testkit import peak_hz

from audio.chunk import AudioChunk
from audio.earcons import listening_chime


@pytest.mark.parametrize("rate", [22050, 16000])
def test_short_and_soft(rate: int) -> None:
    chunk = listening_chime(rate)
    assert (chunk.rate, chunk.width, chunk.channels) == (rate, 2, 1)
    assert 0.2 <= chunk.seconds < 0.35
    samples = np.abs(chunk.to_float()[:, 0])
    assert 0.15 <= samples.max() <= 0.3
    # Fades: no click at either end.
    assert samples[0] < 0.01 and samples[-1] < 0.01


def halves(chunk: AudioChunk) -> tuple[float, float]:
    middle = chunk.frames // 2
    size = chunk.width * chunk.channels
    first = AudioChunk(chunk.rate, chunk.width, chunk.channels, chunk.audio[: middle * size])
    second = AudioChunk(chunk.rate, chunk.width, chunk.channels, chunk.audio[middle * size :])
    return peak_hz(first), peak_hz(second)


def test_listening_rises() -> None:
    low, high = halves(listening_chime())
    assert low == pytest.approx(659, abs=15) and high == pytest.approx(880, abs=15)
