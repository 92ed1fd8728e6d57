"""Earcons: short, soft chimes made in code (no sound files to ship).

Two bell-like notes rising (E5 -> A5) for "I'm listening". Each note is a sine with a quiet octave overtone, a 5 ms
fade-in and an exponential decay; the chime lasts 0.3 s and peaks at 0.25.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from audio.chunk import AudioChunk

CHIME_RATE = 22_050
"""Default sample rate of the chimes."""
CHIME_PEAK = 0.25
"""Peak amplitude (full scale is 1.0)."""

_E5 = 659.26
_A5 = 880.0
_NOTE_S = 0.18
_GAP_S = 0.12
_FADE_IN_S = 0.005
_FADE_OUT_S = 0.02


def listening_chime(rate: int = CHIME_RATE) -> AudioChunk:
    """Rising two-note chime: Hearth is listening now."""
    return _chime(_E5, _A5, rate)


@cache
def _chime(first: float, second: float, rate: int) -> AudioChunk:
    total = np.zeros(int(rate * (_GAP_S + _NOTE_S)), dtype=np.float64)
    for start_s, freq in ((0.0, first), (_GAP_S, second)):
        note = _note(freq, rate)
        start = int(rate * start_s)
        total[start : start + len(note)] += note
    total *= CHIME_PEAK / np.max(np.abs(total))
    return AudioChunk.from_float(total.astype(np.float32), rate)


def _note(freq: float, rate: int) -> np.ndarray:
    t = np.arange(int(rate * _NOTE_S)) / rate
    tone = np.sin(2 * np.pi * freq * t) + 0.15 * np.sin(4 * np.pi * freq * t)
    envelope = np.exp(-t / 0.06)
    envelope *= np.minimum(1.0, t / _FADE_IN_S)
    envelope *= np.minimum(1.0, (_NOTE_S - t) / _FADE_OUT_S)
    result: np.ndarray = tone * envelope
    return result
