"""A second reading by meaning: which intent a sentence's embedding is closest to.

The phrase score asks which script phrase was said nearly word for word; this
asks which intent's example phrases mean the same, so that "i need some
support" can find talk_to_someone though no phrase shares its words. A
logistic-regression head over the sentence encoder's vectors is learned from a
sample of each script's expanded phrases (``ignore`` scripts such as chatter
are a class of their own, so room talk has somewhere to go). Beside it, a
crisis net: a sentence whose nearest crisis phrases are closer than its
nearest other phrases, by a margin, is read as a crisis even when no crisis
rule fired.

Training needs scikit-learn once per set of scripts; the result (weights and
example vectors) is cached on disk and answering needs only numpy and the
encoder.
"""

from __future__ import annotations

import hashlib
import io
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from voice import paths
from voice.files import atomic_write, prune
from voice.scripts.model import CRISIS_INTENT
from voice.understanding.encoder import MODEL_SHA256, Encoder, shared

PER_INTENT = 150
"""Expanded phrases embedded per intent: enough to cover a script's ways of saying it,
few enough that a first start embeds them all within seconds."""
REGULARISATION = 1.0
"""scikit-learn's C for the head over embeddings; tuned on a split of dev set C."""
AGREEING_PROBABILITY = 0.55
"""A sentence the phrases leave unsure is understood when the meaning reading gives the
same intent at least this probability (tuned on the train half of dev set C and on
tests/data/dev_text.yaml, where a lower one let "i missed the bus" through)..."""
PHRASE_FLOOR = 0.5
"""...and that intent's phrase confidence is at least this: meaning alone, with no phrase
near, took too much kitchen talk for a request."""
CRISIS_NEIGHBOURS = 1
"""How many nearest phrases of each side the crisis net compares."""
CRISIS_MARGIN = 0.15
"""How much closer the nearest crisis phrase must be than the nearest other phrase (lower
margins caught more crises on dev set C, but took near misses for crises too)."""
KEEP_CACHED = 8
_VERSION = "2"


@dataclass(frozen=True)
class Reading:
    """What the meaning of one sentence says."""

    probabilities: Mapping[str, float]
    """Probability of each intent from the head over the embedding."""
    crisis_margin: float
    """Nearest crisis phrases' similarity minus nearest other phrases' (positive: crisis)."""

    @property
    def best(self) -> tuple[str, float]:
        """The most probable intent and its probability."""
        intent = max(self.probabilities, key=self.probabilities.__getitem__)
        return intent, self.probabilities[intent]

    def confirms(self, intent: str, confidence: float) -> float:
        """The reading's probability for ``intent`` when it firmly agrees with a phrase
        reading of that ``confidence`` (never for a crisis: the rules and net decide it); else 0."""
        best, probability = self.best
        if best != intent or intent == CRISIS_INTENT or confidence < PHRASE_FLOOR:
            return 0.0
        return round(probability, 4) if probability >= AGREEING_PROBABILITY else 0.0

    @property
    def is_crisis(self) -> bool:
        """True when the crisis net takes the sentence for a crisis."""
        return self.crisis_margin >= CRISIS_MARGIN


@dataclass(frozen=True)
class MeaningModel:
    """Learned from the scripts' phrases: read a sentence with :meth:`read`."""

    classes: tuple[str, ...]
    """Intent names, in the order of the weight columns."""
    weights: np.ndarray
    """Embedding dimensions × classes."""
    bias: np.ndarray
    """One per class."""
    crisis_examples: np.ndarray
    """Unit vectors of crisis phrases (rows); empty when the scripts have none."""
    other_examples: np.ndarray
    """Unit vectors of every other intent's sampled phrases."""

    def read(self, text: str) -> Reading | None:
        """The meaning reading of a normalised sentence (None if the encoder is gone)."""
        model = shared()
        if model is None:
            return None
        vector = model.embed([text])[0]
        logits = vector @ self.weights + self.bias
        exp = np.exp(logits - logits.max())
        exp /= exp.sum()
        probabilities = dict(zip(self.classes, exp.tolist(), strict=True))
        margin = -1.0
        if len(self.crisis_examples) and len(self.other_examples):
            margin = _nearest(self.crisis_examples, vector) - _nearest(self.other_examples, vector)
        return Reading(probabilities, margin)

    @classmethod
    def train(cls, encoder: Encoder, examples: Mapping[str, Sequence[str]]) -> MeaningModel:
        """Embed the examples of every intent and fit the head (needs two intents or more)."""
        from sklearn.linear_model import LogisticRegression

        names = sorted(examples)
        texts = [t for name in names for t in examples[name]]
        labels = np.array([i for i, name in enumerate(names) for _ in examples[name]])
        vectors = encoder.embed(texts)
        head = LogisticRegression(C=REGULARISATION, max_iter=500)
        head.fit(vectors, labels)
        coef = np.asarray(head.coef_, dtype=np.float32)
        intercept = np.asarray(head.intercept_, dtype=np.float32)
        if coef.shape[0] == 1:  # two classes: sklearn keeps one column for the second
            coef = np.vstack([-coef / 2, coef / 2])
            intercept = np.array([-intercept[0] / 2, intercept[0] / 2], dtype=np.float32)
        crisis = names.index(CRISIS_INTENT) if CRISIS_INTENT in names else -1
        return cls(
            classes=tuple(names),
            weights=np.ascontiguousarray(coef.T),
            bias=intercept,
            crisis_examples=vectors[labels == crisis],
            other_examples=vectors[labels != crisis],
        )

    def save(self, path: Path) -> None:
        """Write the model to an ``.npz`` file (atomically)."""
        data = io.BytesIO()
        np.savez_compressed(
            data,
            classes=np.array(self.classes),
            weights=self.weights,
            bias=self.bias,
            crisis_examples=self.crisis_examples,
            other_examples=self.other_examples,
        )
        atomic_write(path, data.getvalue())

    @classmethod
    def load(cls, path: Path) -> MeaningModel:
        """Read a model written by :meth:`save`."""
        with np.load(path, allow_pickle=False) as data:
            return cls(
                classes=tuple(str(c) for c in data["classes"]),
                weights=data["weights"],
                bias=data["bias"],
                crisis_examples=data["crisis_examples"],
                other_examples=data["other_examples"],
            )

    @classmethod
    def cached(
        cls, encoder: Encoder, expansions: Mapping[str, Sequence[str]], cache_dir: Path | None
    ) -> MeaningModel:
        """The model for these scripts from ``cache_dir``, or trained and stored there.

        A cache that cannot be read or written is only slower, never an error.
        """
        examples = sample(expansions)
        digest = hashlib.sha256(f"{_VERSION} {MODEL_SHA256}\n".encode())
        for name in sorted(examples):
            for text in examples[name]:
                digest.update(f"{name}\t{text}\n".encode())
        path = cache_dir / f"meaning-{digest.hexdigest()[:16]}.npz" if cache_dir else None
        if path is not None and path.exists():
            try:
                return cls.load(path)
            except (OSError, ValueError, KeyError):
                pass  # damaged or from another numpy: train again and overwrite
        model = cls.train(encoder, examples)
        if path is not None:
            try:
                model.save(path)
                prune(path.parent, "meaning-*.npz", KEEP_CACHED)
            except OSError:
                pass
        return model


def learn_meaning(
    expansions: Mapping[str, Sequence[str]], cache_dir: Path | None = None
) -> MeaningModel | None:
    """The meaning model of these expanded phrases (cached in ``cache_dir``, by default
    ``~/.cache/hearth/meaning``), or None without an encoder or with fewer than two intents."""
    model = shared()
    if model is None or len(expansions) < 2:
        return None
    return MeaningModel.cached(model, expansions, cache_dir or paths.cache_dir("meaning"))


def sample(expansions: Mapping[str, Sequence[str]], seed: int = 1) -> dict[str, list[str]]:
    """Up to :data:`PER_INTENT` distinct phrases of each intent, the same on every run."""
    rng = random.Random(seed)
    chosen: dict[str, list[str]] = {}
    for name in sorted(expansions):
        distinct = sorted(set(expansions[name]))
        if distinct:
            chosen[name] = (
                rng.sample(distinct, PER_INTENT) if len(distinct) > PER_INTENT else distinct
            )
    return chosen


def _nearest(examples: np.ndarray, vector: np.ndarray) -> float:
    """Mean similarity of the closest :data:`CRISIS_NEIGHBOURS` examples."""
    # einsum's own loop, not BLAS: a threaded BLAS matrix-vector product stalled for
    # milliseconds on a busy two-core machine, waiting for its second thread.
    similarity = np.einsum("ij,j->i", examples, vector)
    k = min(CRISIS_NEIGHBOURS, len(similarity))
    return float(np.partition(similarity, -k)[-k:].mean())
