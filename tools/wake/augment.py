"""Kitchens for the training clips: noise, babble, rooms and microphones.

The noise here is built only from training voices and seeds of its own, so no
held-out speaker is heard in training, not even as babble.
"""

from __future__ import annotations

from functools import cache

import numpy as np
from scipy.signal import lfilter

from bench.corpus import reverberate, rms
from tools.wake.texts import EVERYDAY
from tools.wake.voices import random_speaker, speak, train_voices

RATE = 16000


@cache
def babble_bed(seed: int = 7) -> np.ndarray:
    """30 s of a television or a conversation next door: training voices, overlapped."""
    rng = np.random.default_rng(seed)
    voices = train_voices()
    bed = np.zeros(30 * RATE)
    for k in range(24):
        text = EVERYDAY[int(rng.integers(len(EVERYDAY)))]
        speaker = random_speaker(voices[int(rng.integers(len(voices)))], rng)
        speech = speak(text, speaker).to_float()[:, 0]
        start = int(rng.integers(0, max(1, len(bed) - len(speech))))
        bed[start : start + len(speech)] += speech[: len(bed) - start] / rms(speech) * (k % 3 + 1)
    return reverberate(bed, rt60_s=0.5, seed=seed)


def noise_bed(n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` samples of a random kitchen: a hood's hum, coloured noise, clatter, babble."""
    seconds = n / RATE
    t = np.arange(n) / RATE
    base = float(rng.choice([50.0, 60.0, 100.0, 120.0]))
    hum = np.sin(2 * np.pi * base * t) + 0.5 * np.sin(2 * np.pi * 2 * base * t + rng.uniform(0, 6))
    white = rng.normal(0, 1, n)
    colour = float(rng.uniform(0.0, 0.99))  # 0: white (a tap), near 1: brown (a fan)
    coloured = lfilter([1.0], [1.0, -colour], white)
    clatter = np.zeros(n)
    for start in rng.integers(0, max(1, n - 2400), size=int(rng.integers(0, 2 + int(seconds)))):
        decay = float(rng.uniform(80, 600))
        clatter[start : start + 2400] += rng.normal(0, 1, 2400) * np.exp(-np.arange(2400) / decay)
    babble = np.roll(babble_bed(), -int(rng.integers(0, 30 * RATE)))
    babble = np.tile(babble, n // len(babble) + 1)[:n]
    parts = (hum, coloured, clatter, babble)
    weights = rng.uniform(0, 1, 4) * (rng.uniform(0, 1, 4) < 0.7)
    if not weights.any():
        weights[3] = 1.0
    mixed: np.ndarray = sum(w * p / rms(p) for w, p in zip(weights, parts, strict=True))
    return mixed


def colour(x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A microphone's or a room's tone: a gentle random low-pass or high-pass."""
    kind = rng.integers(0, 3)
    if kind == 0:
        return x
    a = float(rng.uniform(0.3, 0.9))
    if kind == 1:
        return lfilter([1 - a], [1.0, -a], x)  # type: ignore[no-any-return]
    return lfilter([1.0, -1.0], [1.0, -a], x)  # type: ignore[no-any-return]


def in_kitchen(speech: np.ndarray, rng: np.random.Generator, clean_share: float) -> np.ndarray:
    """``speech`` through a random room, tone, level and kitchen noise (SNR -3..20 dB)."""
    x = colour(speech, rng)
    if rng.uniform() < 0.35:
        x = reverberate(x, rt60_s=float(rng.uniform(0.2, 0.8)), seed=int(rng.integers(1 << 30)))
    voiced = rms(x[np.abs(x) > 0.02 * np.abs(x).max()]) if np.abs(x).max() > 0 else 1.0
    snr = 45.0 if rng.uniform() < clean_share else float(rng.uniform(-3, 20))
    noise = noise_bed(len(x), rng)
    mix = x + noise * voiced / rms(noise) * 10 ** (-snr / 20)
    level = 10 ** (rng.uniform(-30, -1) / 20)
    return mix * level / max(float(np.abs(mix).max()), 1e-9)
