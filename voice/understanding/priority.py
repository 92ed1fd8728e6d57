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
        self.intents = frozenset(self._intent.values())
        """The intents that have priority terms (the serious disclosures)."""

    def find(self, *readings: str) -> tuple[str, str] | None:
        """(intent, term) for the first reading holding a term, or None.

        The longest term found wins, then the leftmost: "i feel empty since having the
        baby" is postpartum's "empty since having the baby", not depression's "i feel
        empty". Terms are runs of whole words.
        """
        for reading in readings:
            words = reading.split()
            found = [
                " ".join(words[start : start + size])
                for start in range(len(words))
                for size in range(1, min(self._longest, len(words) - start) + 1)
            ]
            best = max(
                (run for run in found if run in self._intent),
                key=lambda r: len(r.split()),
                default=None,
            )
            if best is not None:
                return self._intent[best], best
        return None
