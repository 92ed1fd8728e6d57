"""The speech recogniser interface: feed audio, get partial and final text.

Every engine (PocketSphinx, Vosk) implements it and declares what else it can
do in ``features``; one contract test runs over all of them
(tests/test_recognizer_contract.py).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum

from audio.chunk import AudioChunk
from voice.errors import HearthError


class RecognizerError(HearthError):
    """A recogniser that cannot start (missing model, bad model folder); says what to do."""


class Feature(Enum):
    """What an engine can do beyond reading an utterance."""

    OPEN_VOCABULARY = "open vocabulary"
    """``open_vocabulary()`` re-reads the last utterance with the whole language."""
    CRISIS_REREAD = "crisis re-read"
    """``watch()`` re-reads the last utterance as a crisis sentence, backed by the sound."""
    WAKE_SPOTTING = "wake spotting"
    """``spot()`` finds a keyword in audio."""
    SECOND_OPINION = "neural second opinion"
    """Every reading is checked against a neural open-vocabulary reading of the same sound;
    one the sound does not back is replaced (``Transcript.unsupported`` keeps it)."""


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
    unsupported: str = ""
    """A reading the engine made but the sound did not back, so ``text`` is not it (empty
    when there was none)."""


class Recognizer(ABC):
    """A streaming recogniser for 16 kHz mono 16-bit audio.

    The optional readings (``open_vocabulary``, ``watch``, ``spot``) return None
    from an engine whose ``features`` do not name them.
    """

    name: str = "recognizer"
    features: frozenset[Feature] = frozenset()

    @abstractmethod
    def start(self) -> None:
        """Begin an utterance."""

    @abstractmethod
    def feed(self, chunk: AudioChunk) -> str:
        """Add audio; returns the partial text so far."""

    @abstractmethod
    def finish(self) -> Transcript:
        """End the utterance and return the final text."""

    @abstractmethod
    def set_phrases(self, sentences: Sequence[str]) -> None:
        """Constrain recognition to the domain (rebuilt when the scripts change)."""

    @abstractmethod
    def set_watch_phrases(self, sentences: Sequence[str]) -> None:
        """Sentences that must not be missed (the crisis script's), for ``watch``."""

    def open_vocabulary(self) -> Transcript | None:
        """The last utterance read again with the engine's whole vocabulary, so that free
        speech the scripts never imagined still arrives as text; None when the engine
        cannot, or before any utterance."""
        return None

    def watch(self) -> Transcript | None:
        """The last utterance read again as one of the watch phrases. Its text is empty
        when the sound does not back that reading (its ``asr_ms`` still counts); None
        when the engine cannot, or has nothing to read."""
        return None

    def spot(self, audio: AudioChunk, phrase: str, sensitivity: float) -> float | None:
        """Seconds into ``audio`` where ``phrase`` ends, or None; engines without a keyword
        mode return None and the loop falls back to reading the transcript."""
        return None

    def recognize(self, audio: AudioChunk | Iterable[AudioChunk]) -> Transcript:
        """Recognise one whole utterance."""
        self.start()
        for chunk in [audio] if isinstance(audio, AudioChunk) else audio:
            self.feed(chunk)
        return self.finish()
