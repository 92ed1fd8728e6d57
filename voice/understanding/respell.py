"""Mend a recogniser's slips against the words the scripts use.

Recognisers split words they are unsure of into smaller known ones ("man tra",
"night mare"). Two neighbouring words that together make a word the scripts
use, when one of them alone is not, are joined before matching. (Near spellings
of a single word are forgiven later, by the phrase score.)
"""

from __future__ import annotations

from collections.abc import Iterable


class Respeller:
    """Knows the scripts' words; :meth:`mend` rewrites a sentence with them."""

    def __init__(self, known: Iterable[str]) -> None:
        """``known``: every word the scripts use."""
        self._known = frozenset(known)

    def mend(self, text: str) -> str:
        """The sentence with split words joined."""
        words = text.split()
        mended: list[str] = []
        i = 0
        while i < len(words):
            if i + 1 < len(words):
                first, second = words[i], words[i + 1]
                if (first not in self._known or second not in self._known) and (
                    first + second in self._known
                ):
                    mended.append(first + second)
                    i += 2
                    continue
            mended.append(words[i])
            i += 1
        return " ".join(mended)
