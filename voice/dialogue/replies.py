"""Pick replies at random without repeating one until all have been said."""

from __future__ import annotations

import random
from collections.abc import Hashable, Sequence


class ReplyPicker:
    """A shuffled deck per key; refilled when empty, never starting with the last one said."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._decks: dict[Hashable, list[str]] = {}
        self._last: dict[Hashable, str] = {}

    def pick(self, key: Hashable, options: Sequence[str]) -> str:
        """One of ``options``; a new set of options for the key starts a new deck.

        No options is silence (""): an action intent such as ``repeat`` or
        ``journal_summary`` needs no replies of its own.
        """
        if not options:
            return ""
        deck = self._decks.get(key)
        if not deck or not set(deck) <= set(options):
            deck = list(dict.fromkeys(options))
            self._rng.shuffle(deck)
            last = self._last.get(key)
            if len(deck) > 1 and deck[-1] == last:
                deck[0], deck[-1] = deck[-1], deck[0]
            self._decks[key] = deck
        choice = deck.pop()
        self._last[key] = choice
        return choice
