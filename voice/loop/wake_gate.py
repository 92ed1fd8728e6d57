"""The wake gate: whether an utterance is meant for Hearth.

Idle, Hearth needs the wake phrase at the start of a sentence: heard by the
trained wake model (for "hey hearth"; the listener screens each utterance with
it), or by its words (:func:`strip_wake` on the domain transcript) or, when
asked for, by the recogniser's keyword search (``spot``) for any other phrase.
After a question, the answer window lets the parent reply without it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from rapidfuzz import fuzz

from audio.chunk import AudioChunk
from voice.dialogue.engine import Reply
from voice.loop.listener import Utterance
from voice.recognition.recognizer import Transcript
from voice.text import normalize
from voice.understanding.understander import Understander

MIN_COMMAND_S = 0.5
"""Less audio than this after a spotted wake phrase is just its tail: listen for the request."""


def strip_wake(text: str, wake: str, sensitivity: float = 0.5) -> str | None:
    """The words after the wake phrase, or None when the sentence does not start with it.

    ``sensitivity`` in 0..1: higher accepts rougher matches (more false wakes).
    """
    words = normalize(text).split()
    wake_words = normalize(wake).split()
    if not words or not wake_words:
        return None
    cutoff = 90.0 - 30.0 * sensitivity
    for size in (len(wake_words), len(wake_words) - 1, len(wake_words) + 1):
        if size < 1 or size > len(words):
            continue
        head = " ".join(words[:size])
        if fuzz.ratio(head, " ".join(wake_words)) >= cutoff:
            return " ".join(words[size:])
    return None


class State(Enum):
    """Whether Hearth needs the wake phrase before it listens."""

    IDLE = "idle"
    LISTENING = "listening"


@dataclass(frozen=True)
class Ignored:
    """Not for Hearth: no wake phrase in front of it."""

    text: str
    """What the domain model heard."""
    timings: dict[str, float] = field(default_factory=dict)
    """Milliseconds it took to tell."""


@dataclass(frozen=True)
class Woken:
    """The wake phrase, and nothing after it: listen for the request."""

    text: str
    """What was heard as the wake phrase."""
    timings: dict[str, float] = field(default_factory=dict)
    """Milliseconds it took to tell."""
    announced: bool = False
    """The wake model heard it, and the loop said so at that moment."""


@dataclass(frozen=True)
class Request:
    """Something for Hearth to understand."""

    audio: AudioChunk
    """The sound to understand (after a spotted wake phrase, what follows it)."""
    transcript: Transcript | None
    """Its domain transcript when already read (streamed, or read to find the wake phrase)."""
    woken: Woken | None = None
    """The wake phrase in front of it, when one was needed."""
    rest: str = ""
    """The words after the wake phrase as the domain transcript had them ("": not read)."""


Admission = Ignored | Woken | Request


class WakeGate:
    """Idle or listening; lets through what follows the wake phrase or answers a question."""

    def __init__(
        self,
        understander: Understander,
        wake: str | None,
        sensitivity: float,
        spot_wake: bool,
        answer_window_s: float,
    ) -> None:
        """``wake=None`` lets everything through. ``answer_window_s``: how long after
        Hearth stops speaking (or after the wake phrase alone) an answer needs no wake phrase."""
        self.understander = understander
        self.wake = wake
        self.sensitivity = sensitivity
        # Keyword spotting found more wake phrases in noise (72% vs 53% at 10 dB) but woke
        # 84 times an hour on kitchen chatter; the domain transcript alone woke 0 times
        # (make bench, 2026-11-23). So it is off unless asked for.
        self.spot_wake = spot_wake
        self.answer_window_s = answer_window_s
        self.state = State.IDLE if wake else State.LISTENING
        self._deadline = 0.0

    def after_wake(self, text: str) -> str | None:
        """The words after the wake phrase, or None (always None without a wake phrase)."""
        return strip_wake(text, self.wake, self.sensitivity) if self.wake else None

    def admit(self, utterance: Utterance) -> Admission:
        """What to do with an utterance heard while Hearth is not speaking."""
        audio, streamed = utterance.ended.audio, utterance.streamed
        if self.state is State.LISTENING or not self.wake:
            return Request(audio, streamed)
        if utterance.screened:
            return self._by_model(utterance)
        spot = self.understander.recognizer.spot
        end = spot(audio, self.wake, self.sensitivity) if self.spot_wake else None
        if end is not None:
            woken = Woken(self.wake)
            after = _after(audio, end)
            # The spotted wake phrase is cut off: what follows it is decoded afresh.
            return woken if after.seconds < MIN_COMMAND_S else Request(after, None, woken)
        return self._by_words(audio, streamed)

    def _by_words(self, audio: AudioChunk, streamed: Transcript | None) -> Admission:
        """Does the sentence start with the wake phrase?

        Only the domain model's text is needed to tell; the slower open-vocabulary pass
        runs only for sentences meant for Hearth, which keeps an idle kitchen cheap.
        """
        transcript = streamed if streamed is not None else self.understander.transcribe(audio)
        timings = {"asr_ms": transcript.asr_ms}
        rest = self.after_wake(transcript.text)
        if rest is None:
            return Ignored(transcript.text, timings)
        woken = Woken(transcript.text, timings)
        return Request(audio, transcript, woken, rest) if rest else woken

    def _by_model(self, utterance: Utterance) -> Admission:
        """The wake model's verdict, and what followed the phrase when it heard one."""
        if utterance.wake_s is None:
            return Ignored("")
        woken = Woken(self.wake or "", announced=True)
        ended, transcript = utterance.ended, utterance.streamed
        said_after = ended.end - ended.audio_start - utterance.wake_s
        if transcript is None or said_after < MIN_COMMAND_S:
            return woken
        rest = self.after_wake(transcript.text)
        rest = transcript.text if rest is None else rest
        return Request(ended.audio, transcript, woken, rest) if rest else woken

    def needs_wake(self) -> bool:
        """Idle: the next utterance is for Hearth only after the wake phrase."""
        return bool(self.wake) and self.state is State.IDLE

    def command(self, request: Request, understood: str) -> str:
        """The words of the request, without the wake phrase."""
        return self.after_wake(understood) or request.rest or understood

    def listen(self, now: float, after_s: float = 0.0) -> None:
        """Open the answer window: from ``after_s`` past ``now``, ``answer_window_s`` long."""
        self.state = State.LISTENING
        self._deadline = now + after_s + self.answer_window_s

    def after_reply(self, reply: Reply, now: float, spoken_s: float) -> None:
        """Listen for the answer to a question once it is spoken; otherwise back to idle."""
        if reply.ended or not reply.expects_answer:
            self.state = State.IDLE if self.wake else State.LISTENING
        else:
            self.listen(now, spoken_s)

    def tick(self, now: float) -> None:
        """Back to idle when the answer window has passed."""
        if self.wake and self.state is State.LISTENING and now > self._deadline:
            self.state = State.IDLE


def _after(audio: AudioChunk, seconds: float) -> AudioChunk:
    speech = audio.for_speech()
    start = min(len(speech.audio), int(seconds * speech.rate) * 2)
    return AudioChunk(speech.rate, 2, 1, speech.audio[start:])
