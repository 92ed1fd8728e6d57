"""Streaming wake detection: the head over each new window, a few frames in a row, then rest.

A wake needs :data:`FRAMES` consecutive windows over the threshold (one loud
clatter is not enough) and is followed by :data:`REFRACTORY_S` in which no other
wake counts (the same phrase is not heard twice). ``sensitivity`` 0..1 moves the
threshold in log-odds around the one chosen in training (0.5).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from audio.chunk import AudioChunk
from voice.recognition.wake_model.features import HOP_S, Embedder
from voice.recognition.wake_model.head import WINDOW, Head
from voice.text import normalize

PHRASE = "hey hearth"
"""The phrase the shipped head was trained on; any other is left to keyword spotting."""
FRAMES = 2
REFRACTORY_S = 2.0
SPREAD = 8.0
"""Log-odds the threshold moves from sensitivity 0.5 to 0 or 1."""


def threshold(sensitivity: float, base: float) -> float:
    """The score that wakes at ``sensitivity`` (higher sensitivity, lower threshold)."""
    s = min(1.0, max(0.0, sensitivity))
    logit = math.log(base / (1.0 - base)) - SPREAD * (s - 0.5)
    return 1.0 / (1.0 + math.exp(-logit))


class Trigger:
    """The decision on a stream of scores: consecutive frames over the threshold, then rest."""

    def __init__(self, level: float, frames: int = FRAMES, refractory_s: float = REFRACTORY_S):
        self.level = level
        self.frames = frames
        self._rest = round(refractory_s / HOP_S)
        self._run = 0
        self._quiet = 0

    def step(self, score: float) -> bool:
        """True when this frame's score completes a wake."""
        if self._quiet > 0:
            self._quiet -= 1
            return False
        self._run = self._run + 1 if score >= self.level else 0
        if self._run < self.frames:
            return False
        self._run, self._quiet = 0, self._rest
        return True


@dataclass(frozen=True)
class Detection:
    """The wake phrase was heard."""

    behind_s: float
    """How long before the end of the audio fed so far the deciding window ends."""
    score: float
    """The head's score there."""


class WakeDetector:
    """Audio in, :class:`Detection` out; keeps the last window of embeddings."""

    def __init__(self, head: Head, sensitivity: float = 0.5) -> None:
        self.head = head
        self.embedder = Embedder()
        self.trigger = Trigger(threshold(sensitivity, head.threshold))
        self._recent = np.tile(self.embedder.silence, (WINDOW, 1))

    def scores(self, audio: AudioChunk) -> np.ndarray:
        """The head's score for each window ``audio`` completes."""
        new = self.embedder.feed(audio.for_speech().audio)
        if not len(new):
            return np.empty(0, dtype=np.float32)
        joined = np.concatenate([self._recent, new])
        self._recent = joined[-WINDOW:]
        view = np.lib.stride_tricks.sliding_window_view(joined, (WINDOW, joined.shape[1]))
        return self.head.scores(view[1:, 0].reshape(len(new), -1))

    def feed(self, audio: AudioChunk) -> Detection | None:
        """The first wake that ``audio`` completes, or None."""
        scores = self.scores(audio)
        for i, score in enumerate(scores):
            if self.trigger.step(float(score)):
                behind = (len(scores) - 1 - i) * HOP_S + self.embedder.waiting_s
                return Detection(behind, float(score))
        return None


def for_phrase(phrase: str | None, sensitivity: float) -> WakeDetector | None:
    """A detector when ``phrase`` is the one the shipped head knows, else None."""
    if phrase is None or normalize(phrase) != PHRASE:
        return None
    return WakeDetector(Head.load(), sensitivity)
