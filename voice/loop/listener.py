"""The listener: finds utterances in the audio and decodes each one while it is said.

When an utterance ends only its last words are left to decode, so the reply
comes sooner than if the whole utterance were decoded after its end.

Idle, with the trained wake model, an utterance is first *screened*: only the
wake model hears it, and the recogniser starts (on the utterance so far) once
the wake phrase is heard. Kitchen chatter then costs the features of the
wake model, not a decoding.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from audio.chunk import AudioChunk, concat
from audio.endpoint import SpeechDetector, SpeechEnded, SpeechStarted
from voice.recognition.recognizer import Transcript
from voice.recognition.wake_model.detector import WakeDetector
from voice.understanding.understander import Understander

CONTEXT_S = 1.2
"""Room sound before an utterance's pre-roll the wake model hears first, as in training."""
SCREEN_S = 4.0
"""How much of an utterance the wake model hears: the phrase opens what is said to Hearth
(as the domain transcript's check has always required), and a television's babble that
keeps the speech detector open for minutes should not keep the model busy."""


@dataclass(frozen=True)
class Utterance:
    """One ended utterance."""

    ended: SpeechEnded
    """Its audio and stream times, from the speech detector."""
    streamed: Transcript | None
    """Its domain transcript, decoded as it was said; None when it was not streamed."""
    screened: bool = False
    """The wake model listened to it before any recogniser did."""
    wake_s: float | None = None
    """Seconds into ``ended.audio`` where the wake model heard the wake phrase end."""


def _nothing() -> None:
    return None


class Listener:
    """Speech detector and streaming recogniser: 16 kHz audio in, ended utterances out."""

    def __init__(
        self,
        understander: Understander,
        trailing_silence_s: float,
        stream: bool,
        wake: WakeDetector | None = None,
        on_wake: Callable[[], object] = _nothing,
    ) -> None:
        """``stream``: decode each utterance as it comes. Off when something else needs the
        decoder for the whole utterance first (keyword spotting of the wake phrase).
        ``wake``: the trained wake model, used while :attr:`screen` is set; ``on_wake`` is
        called the moment it hears the phrase."""
        self.understander = understander
        self.detector = SpeechDetector(trailing_silence_s=trailing_silence_s)
        self.stream = stream
        self.wake = wake
        self.on_wake = on_wake
        self.screen = False
        """Set by the loop: the next utterance needs the wake phrase (Hearth idle, silent)."""
        self._streaming = False
        """True while the utterance being said is decoded as it comes."""
        self._screening = False
        self._screened = False
        """The utterance being said was (or is being) screened."""
        self._heard: list[AudioChunk] = []
        self._wake_s: float | None = None
        self._recent = AudioChunk(16000, 2, 1, b"")
        self._recent_end = 0.0
        """Stream time at the end of ``_recent``."""

    def feed(self, speech: AudioChunk) -> Iterator[Utterance]:
        """The utterances that ``speech`` ends, one at a time.

        Lazily: each is handled before the next one starts to be decoded, since handling
        it uses the same recogniser.
        """
        if self.wake is not None:
            self._remember(speech)
        for event in self.detector.feed(speech):
            if isinstance(event, SpeechStarted):
                self._begin(event)
            elif isinstance(event, SpeechEnded):
                yield self._ended(event)
        if self._screening:
            self._hear(self.detector.take_speech())
        if self._streaming:  # still speaking: decode what this chunk added
            self._more(self.detector.take_speech())

    def flush(self) -> Iterator[Utterance]:
        """End of the stream: the utterance still open, if any."""
        for event in self.detector.flush():
            if isinstance(event, SpeechEnded):
                yield self._ended(event)
        self._recent, self._recent_end = AudioChunk(16000, 2, 1, b""), 0.0

    def _begin(self, event: SpeechStarted) -> None:
        """Start screening or decoding the utterance that just began."""
        if self.wake is not None and self.screen:
            self._screening, self._screened, self._heard, self._wake_s = True, True, [], None
            before = self._recent.seconds - (self._recent_end - event.audio_start)
            start = max(0, int((before - CONTEXT_S) * 16000))
            self.wake.feed(self._recent.slice_frames(start, max(start, int(before * 16000))))
            self._hear(event.audio)
        elif self.stream:
            self._start(event.audio)

    def _start(self, audio: AudioChunk) -> None:
        self.understander.refresh()
        self.understander.recognizer.start()
        self._more(audio)
        self._streaming = True

    def _hear(self, audio: AudioChunk) -> None:
        """Screen more of the utterance; on the wake phrase, start decoding all of it."""
        self._heard.append(audio)
        found = self.wake.feed(audio) if self.wake is not None and audio.frames else None
        if found is None:
            if sum(a.seconds for a in self._heard) > SCREEN_S:
                self._screening = False  # no wake phrase at its start: not for Hearth
            return
        heard = concat(self._heard)
        self._wake_s = max(0.0, heard.seconds - found.behind_s)
        self._screening = False
        self.on_wake()
        if self.stream:
            self._start(heard)

    def _ended(self, event: SpeechEnded) -> Utterance:
        screened, self._screened = self._screened, False
        rest = event.rest
        if self._screening:  # what is left goes to the wake model (and with it, if it wakes)
            self._hear(rest)
            rest = AudioChunk(16000, 2, 1, b"")
        wake_s, self._wake_s, self._screening, self._heard = self._wake_s, None, False, []
        return Utterance(event, self._end(rest), screened, wake_s)

    def _end(self, rest: AudioChunk) -> Transcript | None:
        """Decode what is left of the ended utterance; None when it was not streamed."""
        if not self._streaming:
            return None
        self._streaming = False
        self._more(rest)
        return self.understander.recognizer.finish()

    def _more(self, audio: AudioChunk) -> None:
        if audio.frames:
            self.understander.recognizer.feed(audio)

    def _remember(self, speech: AudioChunk) -> None:
        """Keep the last few seconds of sound, for the wake model's context."""
        keep = int((CONTEXT_S + 2.0) * 16000)
        joined = concat([self._recent, speech])
        self._recent = joined.slice_frames(max(0, joined.frames - keep))
        self._recent_end += speech.seconds
