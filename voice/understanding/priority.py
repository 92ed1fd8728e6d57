"""Serious disclosures (violence at home, a child harmed...): checked right after crisis.

An intent with ``priority_terms`` wins over every everyday intent when one of its
terms is found anywhere in the sentence: a parent who says "he hit me again" must
get the right help, not a fuzzy mantra or "sorry?". Unlike crisis terms, they are
found only word for word: near spellings turned "how can i connect with my
daughter" into "can not connect with my daughter". Misheard disclosures are still
matched by the intents' phrases, as any sentence is.
"""

from __future__ import annotations

from collections.abc import Mapping


class PriorityTerms:
    """Says which priority intent, if any, a normalised sentence discloses."""

    def __init__(self, terms: Mapping[str, tuple[str, ...]]) -> None:
        """``terms``: intent name -> its expanded terms. A term two intents share goes to
        the first, in the order the scripts were loaded."""
        self._intent: dict[str, str] = {}
        for intent, texts in terms.items():
            for text in texts:
                if text.split():
                    self._intent.setdefault(" ".join(text.split()), intent)
        self._longest = max((len(t.split()) for t in self._intent), default=0)

    def find(self, *readings: str) -> tuple[str, str] | None:
        """(intent, term) for the first reading holding a term, or None.

        Leftmost, then longest, as runs of whole words: "i feel nothing when i hold her"
        is the postpartum term starting at "feel", not depression's "feel nothing".
        """
        for reading in readings:
            words = reading.split()
            for start in range(len(words)):
                for size in range(min(self._longest, len(words) - start), 0, -1):
                    run = " ".join(words[start : start + size])
                    if run in self._intent:
                        return self._intent[run], run
        return None
