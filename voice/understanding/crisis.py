"""The crisis check: runs before any other matching and favours recall.

A parent who says they might hurt themselves or their child must never get a
mantra because a fuzzy score happened to be higher. Crisis terms match
anywhere in the sentence, and with a small tolerance for misheard letters.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from itertools import pairwise

import numpy as np
from rapidfuzz import fuzz, process

_FUZZY_CUTOFF = 92.0
_FUZZY_MIN_CHARS = 10
_ANCHOR_CUTOFF = 75.0


class CrisisDetector:
    """Says whether normalised text contains one of the crisis terms."""

    def __init__(self, terms: Iterable[str]) -> None:
        self._terms = tuple(
            sorted({" ".join(t.split()) for t in terms if t.split()}, key=len, reverse=True)
        )
        # Exact terms are looked up as runs of whole words: a set lookup per run, where one
        # regular expression of ten thousand alternatives took a millisecond a sentence.
        self._exact = frozenset(self._terms)
        self._longest = max((len(t.split()) for t in self._terms), default=0)
        # For the fuzzy pass, each term is filed under its rarest word (its anchor), so
        # only the terms whose anchor resembles a word of the sentence are compared.
        fuzzy = [t for t in self._terms if len(t) >= _FUZZY_MIN_CHARS and " " in t]
        counts = Counter(w for t in fuzzy for w in set(t.split()))
        self._by_anchor: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for term in fuzzy:
            anchor = min(
                (w for w in term.split() if len(w) >= 3), key=lambda w: (counts[w], w), default=None
            )
            if anchor is not None:
                self._by_anchor[anchor].append((term, term.replace(" ", "")))
        self._anchors = sorted(self._by_anchor)  # the fuzzy pass reads them in this order

    def find(self, normalised: str) -> str | None:
        """The crisis term found in the text, or None."""
        words = normalised.split()
        if not self._exact or not words:
            return None
        # Leftmost, then longest: what the first term found reading the sentence would be.
        for start in range(len(words)):
            for size in range(min(self._longest, len(words) - start), 0, -1):
                run = " ".join(words[start : start + size])
                if run in self._exact:
                    return run
        # Recognisers split or join words ("my self"): also try neighbouring pairs joined.
        heard = sorted(w for w in set(words) | {a + b for a, b in pairwise(words)} if len(w) >= 3)
        if not heard or not self._anchors:
            return None
        # One call each into rapidfuzz's C for the anchors and for the terms filed under
        # them, with the cut-off passed in so that it can stop early: a Python loop of
        # ratio calls was the slower half of matching at a thousand intents.
        close = process.cdist(heard, self._anchors, scorer=fuzz.ratio, score_cutoff=_ANCHOR_CUTOFF)
        squashed = normalised.replace(" ", "")
        # Only where the sentence is at least as long as the term (else a bare "no" would
        # be "contained" in a long term).
        terms = [
            (term, joined)
            for anchor in (self._anchors[i] for i in np.flatnonzero(close.any(axis=0)))
            for term, joined in self._by_anchor[anchor]
            if len(squashed) >= len(joined)
        ]
        found = process.extract(
            squashed,
            [joined for _term, joined in terms],
            scorer=fuzz.partial_ratio,
            score_cutoff=_FUZZY_CUTOFF,
            limit=None,
        )
        # The closest term (rapidfuzz sorts by score, ties in the order given).
        return terms[found[0][2]][0] if found else None
