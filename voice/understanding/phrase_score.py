"""How well an utterance fits one expanded phrase: a score from 0 to 100.

Two views are blended. Word view: which of the phrase's words were said and
which of the said words the phrase explains, each word weighted by how well it
tells intents apart (a word used by one intent, like "mantra", counts far more
than "i" or "the"); misheard long words still count when they are close in
spelling. Character view: rapidfuzz's ratio of the two sentences, which
forgives split or merged words ("man tra", "bed time").
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache

from rapidfuzz import fuzz

RECALL_WEIGHT = 3.0
"""F-beta's beta: saying every word of a phrase matters more than saying nothing else."""
WORD_SHARE = 0.5
"""Share of the word view in the blend; the rest is the character view."""
UNKNOWN_SHARE = 0.7
"""A word no script uses weighs this share of the most distinctive word."""
_FUZZY_MIN_LEN = 4
_FUZZY_WORD_CUTOFF = 80.0


@lru_cache(maxsize=65536)
def _close(a: str, b: str) -> bool:
    return fuzz.ratio(a, b) >= _FUZZY_WORD_CUTOFF


def word_weights(phrases_by_intent: Mapping[str, Iterable[str]]) -> dict[str, float]:
    """Inverse intent frequency of every word: log((intents + 1) / intents using the word)."""
    users: dict[str, set[str]] = {}
    for intent, phrases in phrases_by_intent.items():
        for phrase in phrases:
            for word in phrase.split():
                users.setdefault(word, set()).add(intent)
    total = len(phrases_by_intent) + 1
    return {word: math.log(total / len(who)) for word, who in users.items()}


class PhraseScorer:
    """Scores utterances against phrases with fixed word weights."""

    def __init__(self, weights: Mapping[str, float]) -> None:
        self._weights = dict(weights)
        # A word no script uses points away from every intent: weigh it like a distinctive word.
        self._unknown = max(self._weights.values(), default=1.0) * UNKNOWN_SHARE

    def weight(self, word: str) -> float:
        """How much a word counts."""
        return self._weights.get(word, self._unknown)

    def total(self, words: Sequence[str]) -> float:
        """The summed weight of some words."""
        return sum(self.weight(w) for w in words) or 1.0

    def score(
        self,
        utterance: str,
        said: Sequence[str],
        phrase: str,
        words: Sequence[str] | None = None,
        totals: tuple[float, float] | None = None,
    ) -> float:
        """0..100 for an utterance (text and its words) against one phrase.

        ``words`` (the phrase split) and ``totals`` (``total(said)``, ``total(words)``)
        may be given precomputed, as the matcher does for speed.
        """
        words = phrase.split() if words is None else words
        used = [False] * len(said)
        matched_phrase = matched_said = 0.0
        pending: list[str] = []
        for word in words:
            for i, heard in enumerate(said):
                if not used[i] and heard == word:
                    used[i] = True
                    w = self.weight(word)
                    matched_phrase += w
                    matched_said += w
                    break
            else:
                pending.append(word)
        for word in pending:
            if len(word) < _FUZZY_MIN_LEN:
                continue
            for i, heard in enumerate(said):
                if not used[i] and len(heard) >= _FUZZY_MIN_LEN and _close(heard, word):
                    used[i] = True
                    matched_phrase += self.weight(word)
                    matched_said += self.weight(heard)
                    break
        total_said, total_phrase = (
            totals if totals is not None else (self.total(said), self.total(words))
        )
        recall = matched_phrase / total_phrase
        precision = matched_said / total_said
        beta2 = RECALL_WEIGHT**2
        f = (
            (1 + beta2) * precision * recall / (beta2 * precision + recall)
            if recall and precision
            else 0.0
        )
        return WORD_SHARE * 100.0 * f + (1 - WORD_SHARE) * fuzz.ratio(utterance, phrase)
