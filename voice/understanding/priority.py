"""Serious disclosures (violence at home, a child harmed...): checked right after crisis.

An intent with ``priority_terms`` wins over every everyday intent when one of its
terms is found anywhere in the sentence: a parent who says "he hit me again" must
get the right help, not a fuzzy mantra or "sorry?". The terms are found as crisis
terms are (whole words, with the same small tolerance for misheard letters).
"""

from __future__ import annotations

from collections.abc import Mapping

from voice.understanding.crisis import CrisisDetector


class PriorityTerms:
    """Says which priority intent, if any, a normalised sentence discloses."""

    def __init__(self, terms: Mapping[str, tuple[str, ...]]) -> None:
        """``terms``: intent name -> its expanded terms. A term two intents share goes to
        the first, in the order the scripts were loaded."""
        self._intent: dict[str, str] = {}
        for intent, texts in terms.items():
            for text in texts:
                self._intent.setdefault(" ".join(text.split()), intent)
        self._detector = CrisisDetector(self._intent)

    def find(self, *readings: str) -> tuple[str, str] | None:
        """(intent, term) for the first reading holding a term, or None."""
        for reading in readings:
            term = self._detector.find(reading)
            if term is not None:
                return self._intent[term], term
        return None
