"""What the voice loop reports, and the clock it keeps by the audio it has heard."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


class StreamClock:
    """Seconds of audio heard so far; the dialogue engine's clock in the loop."""

    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


@dataclass(frozen=True)
class LoopEvent:
    """Something that happened, for the transcript and the log."""

    time: float
    """Stream time in seconds."""
    kind: str
    """``wake``, ``heard``, ``reply``, ``ignored``, ``barge-in``, ``closed``, ``reload``."""
    text: str = ""
    """What was heard or said, or what happened."""
    intent: str | None = None
    """The intent a ``reply`` answers (None: not understood)."""
    timings: dict[str, float] = field(default_factory=dict)
    """Milliseconds spent per step (``asr_ms`` ...) for what was heard."""


class Events:
    """Stamps events with the stream time and hands them on."""

    def __init__(self, clock: StreamClock, on_event: Callable[[LoopEvent], None]) -> None:
        self.clock = clock
        self.on_event = on_event

    def __call__(
        self,
        kind: str,
        text: str,
        intent: str | None = None,
        timings: dict[str, float] | None = None,
    ) -> None:
        self.on_event(LoopEvent(self.clock.t, kind, text, intent, dict(timings or {})))
