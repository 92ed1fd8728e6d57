"""``PocketSphinxRecognizer``: the modes of ``voice.recognition.pocketsphinx`` behind one interface.

Domain is used first; ``open_vocabulary()`` reads the same utterance again with
the stock model, ``watch()`` with the crisis model, and ``spot()`` looks for the
wake phrase, all on one decoder.
"""

from __future__ import annotations

from collections.abc import Sequence

from audio.chunk import AudioChunk
from voice.recognition.pocketsphinx.crisis import CrisisWatch
from voice.recognition.pocketsphinx.decoder import SharedDecoder
from voice.recognition.pocketsphinx.domain import DOMAIN, Heard, UtteranceDecoder
from voice.recognition.pocketsphinx.open_vocabulary import OpenVocabulary
from voice.recognition.pocketsphinx.wake import WakeSpotter
from voice.recognition.recognizer import Feature, Recognizer, Transcript


class PocketSphinxRecognizer(Recognizer):
    """PocketSphinx 5 with a domain language model, the stock one as fallback, a crisis
    re-read and keyword spotting."""

    features = frozenset({Feature.OPEN_VOCABULARY, Feature.CRISIS_REREAD, Feature.WAKE_SPOTTING})

    def __init__(self, sentences: Sequence[str] = ()) -> None:
        """``sentences``: what parents say (expanded scripts); more can be set later."""
        self.decoder = SharedDecoder()
        """The decoder every mode shares."""
        self._utterance = UtteranceDecoder(self.decoder.ps)
        self._open = OpenVocabulary(self.decoder)
        self._crisis = CrisisWatch(self.decoder)
        self._wake = WakeSpotter(self.decoder)
        self._domain_ready = False
        self._domain_used = False  # whether the last utterance was read with the domain model
        self._heard: Heard | None = None
        self.name = "pocketsphinx+domain"
        if sentences:
            self.set_phrases(sentences)

    def set_phrases(self, sentences: Sequence[str]) -> None:
        """Build (or load from the cache) the domain model for these sentences and use it."""
        self.decoder.add_model(DOMAIN, sentences)
        self._domain_ready = True
        self.decoder.stock_search()

    def set_watch_phrases(self, sentences: Sequence[str]) -> None:
        """A model of these sentences only, for ``watch``."""
        self._crisis.set_phrases(sentences)

    def start(self) -> None:
        """Begin an utterance with the domain model (the stock one until there is one)."""
        self._domain_used = self._domain_ready
        self._heard = None
        self._utterance.start(DOMAIN if self._domain_ready else self.decoder.stock_search())

    def feed(self, chunk: AudioChunk) -> str:
        """Decode more audio; returns the partial hypothesis."""
        return self._utterance.feed(chunk.for_speech().audio)

    def finish(self) -> Transcript:
        """End the utterance."""
        self._heard = self._utterance.finish(self.name, measure_fit=self._crisis.ready)
        return self._heard.transcript

    def open_vocabulary(self) -> Transcript | None:
        """The last utterance decoded again with the stock English model."""
        if self._heard is None:
            return None
        return self._open.read(self._heard, self._domain_used)

    def watch(self) -> Transcript | None:
        """The last utterance decoded again with the crisis model, as ``crisis`` describes."""
        return self._crisis.reread(self._heard) if self._heard is not None else None

    def spot(self, audio: AudioChunk, phrase: str, sensitivity: float) -> float | None:
        """Keyword search for the wake phrase; where it ends in ``audio``, or None."""
        return self._wake.spot(audio, phrase, sensitivity)
