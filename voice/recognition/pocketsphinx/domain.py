"""The first reading: an utterance decoded as it streams in, with the domain model.

The decoder's live normalisation (its cepstral mean) starts from a guess and
adapts while it hears. How each reading was decoded is kept with the audio, so a
second reading of the same sound (``crisis``) can be decoded alike and the two
compare.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from voice.recognition.pocketsphinx.decoder import acoustic_fit, decode_again, reading
from voice.recognition.recognizer import Transcript

DOMAIN = "domain"
"""The search of the trigram model built from the scripts."""


@dataclass(frozen=True)
class Heard:
    """One finished utterance, as the second readings need it."""

    audio: bytes
    """The utterance's 16 kHz mono int16 samples."""
    cmn: str
    """The decoder's cepstral mean when the first reading began."""
    whole: bool
    """Whether the first reading was decoded over the whole utterance (not streamed)."""
    fit: float | None
    """The first reading's log acoustic score per frame (None: empty, or not measured)."""
    transcript: Transcript
    """The first reading."""


class UtteranceDecoder:
    """Streams one utterance at a time through a ``pocketsphinx.Decoder``'s active search."""

    def __init__(self, ps: Any) -> None:
        """``ps``: the decoder (shared with the other modes, or a plain one)."""
        self._ps = ps
        self._chunks: list[bytes] = []
        self._elapsed = 0.0
        self._cmn = ""
        self._settled = False

    def start(self, search: str) -> None:
        """Begin an utterance with ``search``."""
        self._ps.activate_search(search)
        self._chunks = []
        self._elapsed = 0.0
        self._cmn = self._ps.get_cmn(False)
        self._ps.start_utt()

    def feed(self, data: bytes) -> str:
        """Decode more 16 kHz mono int16 audio; returns the partial hypothesis."""
        self._chunks.append(data)
        begin = time.perf_counter()
        self._ps.process_raw(data, False, False)
        self._elapsed += time.perf_counter() - begin
        hyp = self._ps.hyp()
        return hyp.hypstr if hyp is not None else ""

    def finish(self, engine: str, measure_fit: bool) -> Heard:
        """End the utterance; ``measure_fit`` when a second reading may compare with it."""
        begin = time.perf_counter()
        self._ps.end_utt()
        audio = b"".join(self._chunks)
        cmn, whole = self._cmn, False
        if not self._settled:
            # The first utterance is decoded again once the mean has adapted to it (the
            # first "hey hearth" after start-up came out as "because").
            self._settled = True
            cmn, whole = self._ps.get_cmn(False), True
            decode_again(self._ps, audio, True)
        self._elapsed += time.perf_counter() - begin
        fit = acoustic_fit(self._ps) if measure_fit else None
        return Heard(audio, cmn, whole, fit, reading(self._ps, engine, self._elapsed))
