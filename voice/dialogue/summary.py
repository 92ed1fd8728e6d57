"""What the journal holds for a time window, and the sentence Hearth says about it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from voice.dialogue.checkin import CheckIn
from voice.text import number_to_words

__all__ = ["JournalSummary", "summarise", "summary_sentence"]


@dataclass(frozen=True)
class JournalSummary:
    """What the journal holds for a time window ``since <= started < until``."""

    since: datetime
    """Start of the window (UTC, inclusive)."""
    until: datetime
    """End of the window (UTC, exclusive)."""
    checkins: int
    """Number of check-ins that started in the window, finished or not."""
    feelings: dict[str, int]
    """Canonical feeling -> times named, most first (ties alphabetical)."""
    intents: dict[str, int]
    """Intent -> times matched, most first (ties alphabetical)."""


def summarise(checkins: Sequence[CheckIn], since: datetime, until: datetime) -> JournalSummary:
    """Count the check-ins (already chosen for the window), their feelings and intents."""
    return JournalSummary(
        since,
        until,
        len(checkins),
        _ranked(f for c in checkins for f in c.feelings),
        _ranked(i for c in checkins for i in c.intents),
    )


def summary_sentence(
    summary: JournalSummary, nouns: Mapping[str, str], period: str = "this week"
) -> str:
    """One short spoken sentence about a summary.

    ``nouns`` maps a canonical feeling to the noun to say (``"guilty"`` ->
    ``"guilt"``); a feeling missing from it is said as is. At most the three
    most-named feelings are mentioned.
    """
    lead = period[:1].upper() + period[1:]
    ranked = sorted(summary.feelings.items(), key=lambda item: -item[1])
    named = [(feeling, n) for feeling, n in ranked if n > 0][:3]
    if named:
        parts = [f"{nouns.get(feeling, feeling)} {_times(n)}" for feeling, n in named]
        return f"{lead} you named {_join(parts)}."
    if summary.checkins > 0:
        return f"{lead} you checked in {_times(summary.checkins)}, without naming a feeling."
    return f"There's nothing in your journal for {period} yet."


def _ranked(names: Iterable[str]) -> dict[str, int]:
    counts = Counter(names)
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def _times(n: int) -> str:
    """``1`` -> "once", ``2`` -> "twice", ``3`` -> "three times", ``20`` -> "twenty times"."""
    if n == 1:
        return "once"
    if n == 2:
        return "twice"
    return f"{number_to_words(n)} times"


def _join(parts: Sequence[str]) -> str:
    """``["a"]`` -> "a"; ``["a", "b", "c"]`` -> "a, b and c"."""
    if len(parts) < 2:
        return "".join(parts)
    return f"{', '.join(parts[:-1])} and {parts[-1]}"
