"""One check-in as the journal keeps it, and the time helpers its file format relies on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

__all__ = ["SPEAKERS", "CheckIn", "to_text", "utc"]

SPEAKERS = ("parent", "hearth")
"""Who can speak a transcript turn."""


@dataclass(frozen=True)
class CheckIn:
    """One check-in. Times are converted to UTC; naive times are refused."""

    started: datetime
    """When the check-in began (timezone-aware, stored as UTC)."""
    ended: datetime
    """When it finished, or for an unfinished one when it was last written; not before ``started``."""
    intents: tuple[str, ...]
    """The intents matched, in order."""
    feelings: tuple[str, ...]
    """Canonical feelings named, in order (``"guilty"``, ``"tired"``...)."""
    transcript: tuple[tuple[str, str], ...] = ()
    """``(speaker, text)`` turns, speaker ``"parent"`` or ``"hearth"``; kept only on request."""
    finished: bool = True
    """False while the conversation is open, and for good if it was cut short (a crash)."""

    def __post_init__(self) -> None:
        started = utc(self.started, "started")
        ended = utc(self.ended, "ended")
        if ended < started:
            raise ValueError(f"check-in ended ({ended}) before it started ({started})")
        turns = tuple((str(speaker), str(text)) for speaker, text in self.transcript)
        for speaker, _ in turns:
            if speaker not in SPEAKERS:
                raise ValueError(f"transcript speaker must be one of {SPEAKERS}, not {speaker!r}")
        object.__setattr__(self, "started", started)
        object.__setattr__(self, "ended", ended)
        object.__setattr__(self, "intents", tuple(self.intents))
        object.__setattr__(self, "feelings", tuple(self.feelings))
        object.__setattr__(self, "transcript", turns)
        object.__setattr__(self, "finished", bool(self.finished))


def utc(moment: datetime, name: str) -> datetime:
    """``moment`` in UTC; ValueError naming ``name`` if it is naive."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, not naive {moment}")
    return moment.astimezone(UTC)


def to_text(moment: datetime) -> str:
    """Fixed-width UTC ISO-8601, so that text order is time order."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")
