"""What the matcher made of a sentence: the intents it may mean, and the one accepted."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any


@dataclass(frozen=True)
class Match:
    """An intent the sentence may mean, with how sure Hearth is."""

    intent: str
    """The intent's name."""
    confidence: float
    """Between 0 and 1."""
    slots: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    """Slot values found, e.g. ``{"feeling": "guilty"}``."""
    phrase: str = ""
    """The expanded phrase it was closest to (or the crisis term found)."""
    phrase_score: float = 0.0
    """How closely the sentence follows ``phrase`` (0 to 1), before blending."""
    learned: float = 0.0
    """The classifier's probability for this intent (0 when it is not used)."""


@dataclass(frozen=True)
class MatchResult:
    """What the matcher made of one sentence."""

    text: str
    """The sentence as the matcher compared it (normalised, slots as ``{list}``)."""
    best: Match | None
    """The accepted match, or None when Hearth did not understand."""
    ranked: tuple[Match, ...]
    """The best match of each candidate intent, best first (accepted or not)."""
    reason: str = ""
    """Why ``best`` is None: "no match", "below threshold", "near tie" or "not for hearth"
    (it matched an ``ignore`` script: talk in the room meant for someone else)."""
    heard: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    """Slot values in the sentence's words, whichever intent takes them (when none is
    accepted, a feeling may still answer Hearth's question)."""

    @property
    def slots(self) -> Mapping[str, str]:
        """The accepted intent's slots; when none is accepted, the slots heard."""
        return self.best.slots if self.best is not None else self.heard

    @property
    def intent(self) -> str | None:
        """The accepted intent's name, or None."""
        return self.best.intent if self.best else None

    @property
    def confidence(self) -> float:
        """The accepted match's confidence, else the closest candidate's (0 when none)."""
        if self.best is not None:
            return self.best.confidence
        return self.ranked[0].confidence if self.ranked else 0.0

    def as_json(self, text: str, timings: Mapping[str, float]) -> dict[str, Any]:
        """The object ``hearth understand --json`` prints for ``text``."""
        return {
            "text": text,
            "intent": self.intent,
            "slots": dict(self.slots),
            "confidence": self.confidence,
            "timings": {k: round(v, 3) for k, v in timings.items()},
        }
