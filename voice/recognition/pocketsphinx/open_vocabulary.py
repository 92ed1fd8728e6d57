"""The open-vocabulary reading: the last utterance decoded again with the stock English model."""

from __future__ import annotations

import dataclasses
import time

from voice.recognition.pocketsphinx.decoder import SharedDecoder, decode_again, reading
from voice.recognition.pocketsphinx.domain import Heard
from voice.recognition.recognizer import Transcript

ENGINE = "pocketsphinx"


class OpenVocabulary:
    """Reads an utterance again with the stock model, so free speech still arrives as text."""

    def __init__(self, decoder: SharedDecoder) -> None:
        """``decoder``: the shared decoder (its stock search is added when first read)."""
        self._decoder = decoder

    def read(self, heard: Heard, domain_used: bool) -> Transcript:
        """``heard`` read with the stock model; ``domain_used`` False: it was read with the
        stock model already, and that reading is the answer (no time spent)."""
        if not domain_used:
            return dataclasses.replace(heard.transcript, asr_ms=0.0, engine=ENGINE)
        begin = time.perf_counter()
        self._decoder.ps.activate_search(self._decoder.stock_search())
        decode_again(self._decoder.ps, heard.audio, True)
        return reading(self._decoder.ps, ENGINE, time.perf_counter() - begin)
