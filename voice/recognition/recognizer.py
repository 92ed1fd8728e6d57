"""The speech recogniser interface: feed audio, get partial and final text.

Every engine (PocketSphinx, Vosk) implements it, and one contract test runs
over all of them (tests/test_asr_contract.py).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from audio.chunk import AudioChunk
from voice.errors import HearthError


class RecognizerError(HearthError):
    """A recogniser that cannot start (missing model, bad model folder); says what to do."""


@dataclass(frozen=True)
class Transcript:
    """What a recogniser heard in one utterance."""

    text: str
    """Lowercase words, no punctuation; empty when nothing was heard."""
    confidence: float
    """Between 0 and 1 (engines differ in what it means; higher is surer)."""
    asr_ms: float
    """Processing time spent on this utterance."""
    engine: str
    """Which engine and configuration produced it, e.g. ``pocketsphinx+domain``."""


class Recognizer(ABC):
    """A streaming recogniser for 16 kHz mono 16-bit audio."""

    name: str = "recognizer"

    @abstractmethod
    def start(self) -> None:
        """Begin an utterance."""

    @abstractmethod
    def feed(self, chunk: AudioChunk) -> str:
        """Add audio; returns the partial text so far."""

    @abstractmethod
    def finish(self) -> Transcript:
        """End the utterance and return the final text."""

    def set_phrases(self, sentences: Sequence[str]) -> None:  # noqa: B027 - optional hook
        """Constrain recognition to the domain (rebuilt when the scripts change)."""

    def set_watch_phrases(self, sentences: Sequence[str]) -> None:  # noqa: B027 - optional hook
        """Sentences that must not be missed (the crisis script's), for ``watch``."""

    def watch(self) -> Transcript | None:
        """The last utterance read again as one of the watch phrases. Its text is empty
        when that reading does not fit the sound as well as the first one did (its
        ``asr_ms`` still counts); None for engines that cannot tell."""
        return None

    def open_vocabulary(self) -> Transcript | None:
        """The last utterance read again with the engine's whole vocabulary; None when the
        engine has no open vocabulary."""
        return None

    def spot(self, audio: AudioChunk, phrase: str, sensitivity: float) -> float | None:
        """Seconds into ``audio`` where ``phrase`` ends, or None; engines without a keyword
        mode return None and the loop falls back to reading the transcript."""
        return None

    def listen_over(self, expected: Sequence[str], targets: Sequence[str]) -> bool:
        """While Hearth speaks: start listening for one of ``targets`` (phrases such as
        "stop") over audio that is mostly the ``expected`` words (the reply's echo).

        Returns False when the engine cannot; the loop then reads whole utterances.
        """
        return False

    def heard_over(self, chunk: AudioChunk) -> str | None:
        """More audio for :meth:`listen_over`; the target heard so far, or None."""
        return None

    def stop_listening_over(self) -> None:  # noqa: B027 - optional hook
        """End what :meth:`listen_over` started (Hearth stopped speaking)."""

    def recognize(self, audio: AudioChunk | Iterable[AudioChunk]) -> Transcript:
        """Recognise one whole utterance."""
        self.start()
        for chunk in [audio] if isinstance(audio, AudioChunk) else audio:
            self.feed(chunk)
        return self.finish()
