"""A second opinion on which intent a sentence means: logistic regression over words.

The fuzzy matcher asks "which phrase was said, nearly word for word?"; this
classifier asks "which intent do these words usually belong to?", learned from
the same expanded phrases (Snips NLU and Rasa pair the two the same way). It
generalises to sentences no phrase covers ("i'm furious, the school didn't even
call") and, because the ``ignore`` scripts are a class of their own, it pulls
kitchen chatter away from the intents.

Training uses scikit-learn once per set of scripts and the weights are cached
on disk; answering needs only numpy, so the running loop never imports sklearn.
"""

from __future__ import annotations

import hashlib
import io
import math
import random
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import numpy as np

from voice.errors import HearthError
from voice.files import atomic_write, prune

PER_TEMPLATE = 20
"""Phrases sampled per template for training: a template with a thousand alternatives
teaches its wording, not a thousand things, so that it does not drown the plain sentences
beside it (what parents actually say, written one by one)."""
PER_INTENT = 2000
"""Phrases kept per intent at most: keeps big scripts from drowning small ones, and
training within seconds."""
MAX_TOTAL = 60000
"""Cap on training phrases overall (a thousand intents must still train in seconds)."""
MANY_PHRASES = 1000
"""From this many training phrases on, a word or pair seen in only one is left out:
noise from one phrase's wording, and half the vocabulary."""
REGULARISATION = 10.0
"""scikit-learn's C: higher trusts the phrases more."""
KEEP_CACHED = 8
"""Cached models kept; older ones (from earlier versions of the scripts) are deleted."""
_VERSION = "4"


def _ngrams(text: str) -> list[str]:
    """Words and word pairs, the way scikit-learn's TfidfVectorizer(ngram_range=(1, 2)) forms them."""
    words = text.split()
    return words + [f"{a} {b}" for a, b in pairwise(words)]


@dataclass(frozen=True)
class IntentClassifier:
    """Trained weights: answer with :meth:`probabilities`."""

    classes: tuple[str, ...]
    """Intent names, in the order of the weight columns."""
    vocabulary: Mapping[str, int]
    """Word or word pair → feature row."""
    idf: np.ndarray
    """Inverse document frequency per feature."""
    weights: np.ndarray
    """Features × classes."""
    bias: np.ndarray
    """One per class."""
    support: Mapping[str, int]
    """How many phrases each intent was learned from (few phrases, little to go on)."""

    def probabilities(self, text: str) -> dict[str, float]:
        """Probability of each intent for a normalised, slot-canonical sentence."""
        counts = Counter(g for g in _ngrams(text) if g in self.vocabulary)
        logits = self.bias.copy()
        if counts:
            rows = np.fromiter((self.vocabulary[g] for g in counts), dtype=np.int64)
            tf = np.fromiter((1.0 + math.log(c) for c in counts.values()), dtype=np.float64)
            values = tf * self.idf[rows]
            values /= np.linalg.norm(values) or 1.0
            logits = logits + values @ self.weights[rows]
        exp = np.exp(logits - logits.max())
        exp /= exp.sum()
        return dict(zip(self.classes, exp.tolist(), strict=True))

    @classmethod
    def train(
        cls,
        phrases: Sequence[str],
        intents: Sequence[str],
        templates: Sequence[int] | None = None,
        seed: int = 1,
    ) -> IntentClassifier:
        """Fit on (phrase, intent) pairs; needs at least two intents. ``templates`` says
        which template each phrase came from (each its own, when not given)."""
        try:
            from sklearn.feature_extraction.text import TfidfVectorizer
            from sklearn.linear_model import LogisticRegression
        except ImportError as exc:  # pragma: no cover - a broken install
            raise HearthError(
                "scikit-learn is missing, so Hearth cannot learn from the scripts. "
                "Install it with `pip install scikit-learn` (`make demo` and `make test` do)."
            ) from exc
        x, y = _sample(phrases, intents, templates or range(len(phrases)), random.Random(seed))
        vectorizer = TfidfVectorizer(
            ngram_range=(1, 2),
            sublinear_tf=True,
            token_pattern=r"[^ ]+",
            lowercase=False,
            min_df=2 if len(x) >= MANY_PHRASES else 1,
        )
        matrix = vectorizer.fit_transform(x)
        # The stochastic average gradient solver trains in about a second where lbfgs, on
        # a busy two-core machine, spent most of a minute contending for BLAS threads.
        model = LogisticRegression(C=REGULARISATION, solver="sag", max_iter=200, tol=1e-3)
        model.fit(matrix, y)
        coef = np.asarray(model.coef_, dtype=np.float64)
        intercept = np.asarray(model.intercept_, dtype=np.float64)
        if coef.shape[0] == 1:  # two classes: sklearn keeps one column for the second
            coef = np.vstack([-coef / 2, coef / 2])
            intercept = np.array([-intercept[0] / 2, intercept[0] / 2])
        return cls(
            classes=tuple(str(c) for c in model.classes_),
            vocabulary={str(k): int(v) for k, v in vectorizer.vocabulary_.items()},
            idf=np.asarray(vectorizer.idf_, dtype=np.float64),
            weights=np.ascontiguousarray(coef.T),
            bias=intercept,
            support=dict(Counter(y)),
        )

    def save(self, path: Path) -> None:
        """Write the weights to an ``.npz`` file (atomically)."""
        terms = sorted(self.vocabulary, key=self.vocabulary.__getitem__)
        data = io.BytesIO()
        np.savez_compressed(
            data,
            classes=np.array(self.classes),
            terms=np.array(terms),
            idf=self.idf,
            weights=self.weights,
            bias=self.bias,
            support=np.array([self.support.get(c, 0) for c in self.classes]),
        )
        atomic_write(path, data.getvalue())

    @classmethod
    def load(cls, path: Path) -> IntentClassifier:
        """Read weights written by :meth:`save`."""
        with np.load(path, allow_pickle=False) as data:
            terms = [str(t) for t in data["terms"]]
            classes = tuple(str(c) for c in data["classes"])
            return cls(
                classes=classes,
                vocabulary={t: i for i, t in enumerate(terms)},
                idf=data["idf"],
                weights=data["weights"],
                bias=data["bias"],
                support=dict(zip(classes, (int(n) for n in data["support"]), strict=True)),
            )

    @classmethod
    def cached(
        cls,
        phrases: Sequence[str],
        intents: Sequence[str],
        templates: Sequence[int],
        cache_dir: Path | None,
    ) -> IntentClassifier:
        """Load the weights for exactly these phrases from ``cache_dir``, or train and store them.

        A cache that cannot be read or written is only slower, never an error.
        """
        digest = hashlib.sha256(_VERSION.encode())
        for phrase, intent, template in zip(phrases, intents, templates, strict=True):
            digest.update(f"{intent}\t{template}\t{phrase}\n".encode())
        path = cache_dir / f"intents-{digest.hexdigest()[:16]}.npz" if cache_dir else None
        if path is not None and path.exists():
            try:
                return cls.load(path)
            except (OSError, ValueError, KeyError):
                pass  # damaged or from another numpy: train again and overwrite
        model = cls.train(phrases, intents, templates)
        if path is not None:
            try:
                model.save(path)
                prune(path.parent, "intents-*.npz", KEEP_CACHED)
            except OSError:
                pass
        return model


def _sample(
    phrases: Sequence[str], intents: Sequence[str], templates: Iterable[int], rng: random.Random
) -> tuple[list[str], list[str]]:
    """The training phrases: up to ``PER_TEMPLATE`` of each template, then up to the
    per-intent cap of each intent."""
    by_template: dict[tuple[str, int], list[str]] = {}
    for phrase, intent, template in zip(phrases, intents, templates, strict=True):
        by_template.setdefault((intent, template), []).append(phrase)
    by_intent: dict[str, list[str]] = {}
    for (intent, _), said in sorted(by_template.items()):
        chosen = said if len(said) <= PER_TEMPLATE else rng.sample(said, PER_TEMPLATE)
        by_intent.setdefault(intent, []).extend(chosen)
    per_intent = max(50, min(PER_INTENT, MAX_TOTAL // max(len(by_intent), 1)))
    x: list[str] = []
    y: list[str] = []
    for intent in sorted(by_intent):
        chosen = by_intent[intent]
        if len(chosen) > per_intent:
            chosen = rng.sample(chosen, per_intent)
        x += chosen
        y += [intent] * len(chosen)
    return x, y
