"""The barge-in monitor: while Hearth speaks, only "stop" or the wake phrase interrupt it."""

from __future__ import annotations

from dataclasses import dataclass

from audio.chunk import AudioChunk
from audio.echo import EchoCanceller
from voice.loop.listener import Utterance
from voice.recognition.recognizer import Recognizer
from voice.text import normalize

STOP_WORDS = ("stop", "quiet", "enough", "shush", "hush")
"""Said while Hearth speaks, any of these interrupts it."""


@dataclass(frozen=True)
class Overheard:
    """An utterance heard while Hearth was speaking."""

    text: str
    """What the recogniser heard (Hearth's own echo, often)."""
    interrupts: bool
    """A stop word or the wake phrase: Hearth should stop talking."""


class BargeInMonitor:
    """Knows when Hearth speaks and what, and tells a barge-in from Hearth's own echo."""

    def __init__(
        self, recognizer: Recognizer, wake: str | None, echo: EchoCanceller | None = None
    ) -> None:
        """``echo``: takes the reply being played out of the microphone audio, so "stop"
        can be heard over it (what ``hearth run`` uses when the speexdsp bindings are
        installed)."""
        self.recognizer = recognizer
        self.wake = frozenset(normalize(wake).split()) if wake else frozenset()
        self.echo = echo
        self.speaking_until = 0.0
        """Stream time at which the reply being played ends."""
        self._reply_words: frozenset[str] = frozenset()

    def clean(self, speech: AudioChunk) -> AudioChunk:
        """The microphone's audio without the reply being played (when cancelling echo)."""
        return self.echo.process(speech) if self.echo is not None else speech

    def reply_words(self, text: str) -> frozenset[str]:
        """Words of the reply being spoken, which never count as a barge-in.

        Without echo cancellation the microphone also hears Hearth itself.
        """
        return frozenset(normalize(text).split())

    def speaking(self, text: str, audio: AudioChunk, now: float) -> None:
        """Hearth starts saying ``text`` (``audio``) at stream time ``now``."""
        if self.echo is not None:
            self.echo.playing(audio)
        self.speaking_until = now + audio.seconds
        self._reply_words = self.reply_words(text)

    def during(self, start: float) -> bool:
        """Whether an utterance that began at ``start`` began while Hearth was speaking."""
        return start < self.speaking_until

    def hear(self, utterance: Utterance) -> Overheard:
        """Read an utterance said over Hearth's voice: does it interrupt?"""
        streamed = utterance.streamed
        text = (
            streamed.text
            if streamed is not None
            else self.recognizer.recognize(utterance.ended.audio.split(0.1)).text
        )
        words = set(normalize(text).split())
        stop_words = set(STOP_WORDS) - self._reply_words
        return Overheard(text, bool(words & stop_words) or self._wake_over_reply(words))

    def stopped(self, now: float) -> None:
        """Hearth was cut off at stream time ``now``."""
        if self.echo is not None:
            self.echo.stopped()
        self.speaking_until = now

    def _wake_over_reply(self, words: set[str]) -> bool:
        """The wake phrase said over Hearth's voice, confirmed by the open-vocabulary model.

        The domain model expects the wake phrase at the start of sentences, so Hearth's
        own echo often decodes as "hey hearth ..."; the general model must hear it too.
        """
        wake = self.wake
        if not wake or not wake <= words or wake <= self._reply_words:
            return False
        reread = self.recognizer.open_vocabulary()
        return reread is None or wake <= set(normalize(reread.text).split())
