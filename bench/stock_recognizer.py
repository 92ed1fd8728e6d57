"""The stock baseline: PocketSphinx as a user gets it without Hearth.

A plain ``pocketsphinx.Decoder`` with the wheel's stock English model and its
whole dictionary, read through the product's own streaming decoder, so its
figures differ from Hearth's by the models alone. It ignores the scripts.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from audio.chunk import AudioChunk
from voice.recognition.pocketsphinx.decoder import model_dir, pocketsphinx
from voice.recognition.pocketsphinx.domain import Heard, UtteranceDecoder
from voice.recognition.recognizer import Feature, Recognizer, Transcript


class StockRecognizer(Recognizer):
    """PocketSphinx's stock model and dictionary, as shipped."""

    features = frozenset({Feature.OPEN_VOCABULARY})

    def __init__(self) -> None:
        """Loads the wheel's acoustic model, dictionary and stock language model."""
        ps = pocketsphinx()
        model = model_dir()
        config = ps.Config(
            hmm=str(model / "en-us"),
            dict=str(model / "cmudict-en-us.dict"),
            lm=str(model / "en-us.lm.bin"),
            loglevel="FATAL",
        )
        self.decoder = ps.Decoder(config)
        """The plain decoder (tests look words up in its dictionary)."""
        self._search = self.decoder.current_search()
        self._utterance = UtteranceDecoder(self.decoder)
        self._heard: Heard | None = None
        self.name = "pocketsphinx"

    def set_phrases(self, sentences: Sequence[str]) -> None:
        """Ignored: the baseline knows nothing of the scripts."""

    def set_watch_phrases(self, sentences: Sequence[str]) -> None:
        """Ignored: the baseline has no crisis model."""

    def start(self) -> None:
        """Begin an utterance."""
        self._heard = None
        self._utterance.start(self._search)

    def feed(self, chunk: AudioChunk) -> str:
        """Decode more audio; returns the partial hypothesis."""
        return self._utterance.feed(chunk.for_speech().audio)

    def finish(self) -> Transcript:
        """End the utterance."""
        self._heard = self._utterance.finish(self.name, measure_fit=False)
        return self._heard.transcript

    def open_vocabulary(self) -> Transcript | None:
        """The first reading again (it was made with the open vocabulary; no time spent)."""
        if self._heard is None:
            return None
        return dataclasses.replace(self._heard.transcript, asr_ms=0.0)
