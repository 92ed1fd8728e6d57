"""Training data in chunks: clips rendered, put in kitchens, strung into one stream, embedded.

Each chunk (a kind and a number) is built from its own seed and written to
``<cache>/wake-train/<kind>-<n>.npz`` as it is finished, so a run that stops
resumes where it was. A chunk holds its stream's embeddings (one per 80 ms)
and one label per embedding: 1 where a window ending there has just heard the
whole wake phrase, 0 where it must not wake, -1 where it does not matter (the
phrase half said, or just past).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tools.wake.augment import RATE, in_kitchen, noise_bed
from tools.wake.texts import ADVERSARIAL, EVERYDAY, FOLLOW_ONS, POSITIVES
from tools.wake.voices import cache_dir, random_speaker, speak, train_voices
from voice.recognition.wake_model.features import HOP_S, Embedder

CLIPS_PER_CHUNK = 80
POSITIVE_S = (0.0, 0.32)
"""Window ends after the phrase's end that must wake (the detection deadline is 0.3 s)."""
IGNORED_S = (-0.4, 1.0)
"""Around the phrase's end, the rest of this span is neither wake nor silence."""

PLAN = {"positive": 2, "adversarial": 2, "speech": 1, "noise": 1}
"""Chunks of each kind in the full run."""


@dataclass(frozen=True)
class Chunk:
    """One piece of the training data."""

    kind: str
    """"positive", "adversarial", "speech" or "noise"."""
    index: int

    @property
    def seed(self) -> int:
        return int(hashlib.sha256(f"{self.kind}-{self.index}".encode()).hexdigest()[:8], 16)

    @property
    def path(self) -> Path:
        return cache_dir().parent / "wake-train" / f"{self.kind}-{self.index}.npz"


def all_chunks(scale: float = 1.0) -> list[Chunk]:
    """Every chunk of a run; ``scale`` < 1 for a quick, smaller one."""
    counts = {kind: max(1, round(n * scale)) for kind, n in PLAN.items()}
    # Kinds interleaved, so that the chunks finished first are a smaller run of their own.
    return [
        Chunk(kind, i) for i in range(max(counts.values())) for kind in PLAN if i < counts[kind]
    ]


def build(chunk: Chunk) -> Path:
    """Make ``chunk`` (unless it is already made) and return its file."""
    if chunk.path.exists():
        return chunk.path
    rng = np.random.default_rng(chunk.seed)
    ends: list[float] = []
    if chunk.kind == "noise":
        stream = noise_bed(120 * RATE, rng) * 0.05
    else:
        stream, ends = _clips(chunk.kind, rng)
    embeddings = _embed(stream)
    labels = _labels(len(embeddings), ends if chunk.kind == "positive" else [])
    chunk.path.parent.mkdir(parents=True, exist_ok=True)
    tmp = chunk.path.with_suffix(".tmp.npz")
    np.savez_compressed(tmp, embeddings=embeddings.astype(np.float16), labels=labels)
    tmp.replace(chunk.path)
    return chunk.path


def _clips(kind: str, rng: np.random.Generator) -> tuple[np.ndarray, list[float]]:
    """A stream of clips of one kind, and the seconds where each phrase ends in it."""
    voices = train_voices()
    pieces: list[np.ndarray] = []
    ends: list[float] = []
    at = 0
    for _ in range(CLIPS_PER_CHUNK if kind != "speech" else CLIPS_PER_CHUNK // 2):
        voice = random_speaker(voices[int(rng.integers(len(voices)))], rng)
        texts = {"positive": POSITIVES, "adversarial": ADVERSARIAL, "speech": EVERYDAY}[kind]
        phrase = speak(texts[int(rng.integers(len(texts)))], voice).to_float()[:, 0]
        before = np.zeros(int(RATE * rng.uniform(1.2, 1.6)))
        after = np.zeros(int(RATE * rng.uniform(0.5, 0.9)))
        if rng.uniform() < 0.5:  # the request (or more words) follows at once
            gap = np.zeros(int(RATE * rng.uniform(0.05, 0.4)))
            more = speak(FOLLOW_ONS[int(rng.integers(len(FOLLOW_ONS)))], voice).to_float()[:, 0]
            after = np.concatenate([gap, more, after])
        if kind == "positive":  # past the deadline the features are not used: save them
            after = after[: int(RATE * (POSITIVE_S[1] + 0.1))]
        clip = in_kitchen(np.concatenate([before, phrase, after]), rng, clean_share=0.2)
        ends.append((at + len(before) + len(phrase)) / RATE)
        pieces.append(clip)
        at += len(clip)
    return np.concatenate(pieces), ends


def _embed(stream: np.ndarray) -> np.ndarray:
    pcm = np.clip(np.round(stream * 32767), -32768, 32767).astype("<i2").tobytes()
    return Embedder().feed(pcm)


def _labels(count: int, ends: list[float]) -> np.ndarray:
    """Labels for embeddings ending every 80 ms, given where each wake phrase ends."""
    times = (np.arange(count) + 1) * HOP_S
    labels = np.zeros(count, dtype=np.int8)
    for end in ends:
        near = (times >= end + IGNORED_S[0]) & (times <= end + IGNORED_S[1])
        labels[near] = -1
        labels[(times >= end + POSITIVE_S[0]) & (times <= end + POSITIVE_S[1])] = 1
    return labels
