"""Train the head on the chunks' windows and export it as the package's ``.npz``.

A window is 16 consecutive embeddings (1.28 s of features). The head is a small
MLP (scikit-learn, adam, early stopping); a few sizes are tried and the one
that wakes most on the last fifth of every chunk, at the threshold where it never woke
on their negatives, is kept. CPU torch would allow the same head; it is not
installed here and scikit-learn trains this size in minutes.
"""

from __future__ import annotations

import io
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.neural_network import MLPClassifier

from tools.wake.dataset import Chunk
from voice.files import atomic_write
from voice.recognition.wake_model.head import MODEL_PATH, WINDOW, Head

SIZES = ((32, 32), (64, 64))
SEED = 18
ADVERSARIAL_WEIGHT = 3.0
"""Near misses count this much more than other negatives: they are what a head gets wrong."""


@dataclass(frozen=True)
class Windows:
    """Labelled training windows."""

    x: np.ndarray
    """(n, WINDOW * 96) float32."""
    y: np.ndarray
    """1 wake, 0 not."""
    weight: np.ndarray
    near: np.ndarray
    """True for windows of near misses (the adversarial chunks)."""


def windows(chunks: list[Chunk], part: slice = slice(None)) -> Windows:
    """The labelled windows of ``chunks`` (the "does not matter" ones left out); ``part`` of
    each chunk's stream, in tenths (``slice(8, None)``: its last fifth)."""
    xs, ys, ws, ns = [], [], [], []
    for chunk in chunks:
        data = np.load(chunk.path)
        emb = data["embeddings"].astype(np.float32)
        labels = data["labels"][WINDOW - 1 :]
        view = np.lib.stride_tricks.sliding_window_view(emb, (WINDOW, emb.shape[1]))
        flat = view.reshape(len(labels), -1)
        tenth = np.arange(len(labels)) * 10 // len(labels)
        keep = (labels >= 0) & np.isin(tenth, np.arange(10)[part])
        xs.append(flat[keep])
        ys.append(labels[keep])
        weight = ADVERSARIAL_WEIGHT if chunk.kind == "adversarial" else 1.0
        ws.append(np.full(int(keep.sum()), weight, dtype=np.float32))
        ns.append(np.full(int(keep.sum()), chunk.kind == "adversarial"))
    y = np.concatenate(ys).astype(np.int64)
    w = np.concatenate(ws)
    w[y == 1] *= (w[y == 0].sum() / max(1.0, float(w[y == 1].sum()))) / 3  # 1 : 3
    return Windows(np.concatenate(xs), y, w, np.concatenate(ns) & (y == 0))


def _fit(data: Windows, size: tuple[int, ...], mean: np.ndarray, std: np.ndarray) -> Head:
    mlp = MLPClassifier(
        hidden_layer_sizes=size,
        alpha=1e-3,
        batch_size=256,
        learning_rate_init=1e-3,
        max_iter=40,
        early_stopping=True,
        n_iter_no_change=5,
        random_state=SEED,
    )
    mlp.fit((data.x - mean) / std, data.y, sample_weight=data.weight)
    layers = [
        (w.astype(np.float32), b.astype(np.float32))
        for w, b in zip(mlp.coefs_, mlp.intercepts_, strict=True)
    ]
    return Head(layers, mean.astype(np.float32), std.astype(np.float32), threshold=0.5)


def _judge(head: Head, val: Windows) -> tuple[float, float, float]:
    """(recall, threshold, near misses taken): the share of wake windows over the lowest
    threshold that no everyday negative (speech, noise, silence) reaches.

    Near misses ("hey heart", "the hearth") are left out of the choice: the target is
    false wakes in a kitchen, and a head that must never score "by the hearth" high would
    miss most wake phrases. How many of them it takes is reported instead.
    """
    scores = head.scores(val.x)
    everyday = (val.y == 0) & ~val.near
    top = float(scores[everyday].max()) if everyday.any() else 0.5
    threshold = min(0.98, max(0.3, top + 0.01))
    near = float((scores[val.near] >= threshold).mean()) if val.near.any() else 0.0
    return float((scores[val.y == 1] >= threshold).mean()), threshold, near


def train(chunks: list[Chunk]) -> Head:
    """The best head over :data:`SIZES`, with its threshold chosen on the held-back fifth."""
    # The last fifth of every chunk (other clips, other draws of voice and kitchen) chooses.
    data, val = windows(chunks, slice(0, 8)), windows(chunks, slice(8, None))
    print(f"training windows: {int(data.y.sum())} wake, {int((data.y == 0).sum())} not")
    mean = data.x.mean(axis=0)
    std = data.x.std(axis=0) + 1e-3
    best: tuple[float, Head] | None = None
    for size in SIZES:
        started = time.monotonic()
        head = _fit(data, size, mean, std)
        recall, threshold, near = _judge(head, val)
        print(
            f"  MLP {size}: validation window recall {recall:.1%} at {threshold:.3f}, "
            f"near-miss windows over it {near:.1%} ({time.monotonic() - started:.0f} s)"
        )
        if best is None or recall > best[0]:
            best = (recall, Head(head.layers, head.mean, head.std, threshold))
    assert best is not None
    return best[1]


def export(head: Head, path: Path = MODEL_PATH) -> Path:
    """Write ``head`` as the ``.npz`` the runtime loads."""
    buffer = io.BytesIO()
    np.savez_compressed(buffer, allow_pickle=False, **head.arrays())
    atomic_write(path, buffer.getvalue())
    return path
