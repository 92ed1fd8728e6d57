"""The crisis check: runs before any other matching and favours recall.

A parent who says they might hurt themselves or their child must never get a
mantra because a fuzzy score happened to be higher. Crisis terms match
anywhere in the sentence, and with a small tolerance for misheard letters.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rapidfuzz import fuzz

_FUZZY_CUTOFF = 92.0
_FUZZY_MIN_CHARS = 10


class CrisisDetector:
    """Says whether normalised text contains one of the crisis terms."""

    def __init__(self, terms: Iterable[str]) -> None:
        self._terms = tuple(sorted({t for t in terms if t}, key=len, reverse=True))
        alternatives = "|".join(re.escape(t) for t in self._terms)
        self._exact = re.compile(rf"\b(?:{alternatives})\b") if self._terms else None
        self._fuzzy = tuple(t for t in self._terms if len(t) >= _FUZZY_MIN_CHARS and " " in t)

    def find(self, normalised: str) -> str | None:
        """The crisis term found in the text, or None."""
        if self._exact is None or not normalised:
            return None
        hit = self._exact.search(normalised)
        if hit is not None:
            return hit.group(0)
        squashed = normalised.replace(" ", "")
        for term in self._fuzzy:
            # Recognisers split or join words ("my self", "kill my self"): compare without
            # spaces, and only where the sentence is at least as long as the term (else a
            # bare "no" would be "contained" in a long term).
            joined = term.replace(" ", "")
            if (
                len(squashed) >= len(joined)
                and fuzz.partial_ratio(joined, squashed) >= _FUZZY_CUTOFF
            ):
                return term
        return None
