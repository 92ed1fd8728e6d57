"""Keyword spotting: where the wake phrase ends in a stretch of audio."""

from __future__ import annotations

from audio.chunk import AudioChunk
from voice.files import atomic_write
from voice.paths import cache_dir
from voice.recognition.pocketsphinx.decoder import SharedDecoder

WAKE = "wake"
"""The keyword search's name."""
FRAME_S = 0.01
"""Seconds per decoder frame."""


def threshold(sensitivity: float) -> float:
    """PocketSphinx's keyword threshold for ``sensitivity`` 0..1: 1e-16..1e-32."""
    return float(10.0 ** -(16.0 + 16.0 * min(1.0, max(0.0, sensitivity))))


class WakeSpotter:
    """A keyword search on the shared decoder, rebuilt when the phrase or sensitivity change."""

    def __init__(self, decoder: SharedDecoder) -> None:
        """``decoder``: the shared decoder (the search is added when first needed)."""
        self._decoder = decoder
        self._keyword: tuple[str, float] | None = None

    def spot(self, audio: AudioChunk, phrase: str, sensitivity: float) -> float | None:
        """Seconds into ``audio`` where ``phrase`` ends, or None (also for a phrase with a
        word the dictionary lacks).

        Higher ``sensitivity`` finds more, and falsely more. Measured on the bench corpus
        (six voices, chatter at 10 dB SNR): 1e-40 spotted most wake lines but also woke on
        nearly half the chatter lines; 1e-24, the default 0.5, spots about half and rarely
        wakes on chatter, and the domain transcript catches most of the rest.
        """
        if not self._search(phrase, threshold(sensitivity)):
            return None
        ps = self._decoder.ps
        speech = audio.for_speech()
        ps.activate_search(WAKE)
        # Live normalisation starts from a guess; let it settle on this audio first,
        # or a wake phrase at the very start of a stream is missed.
        ps.start_utt()
        ps.process_raw(speech.audio, True, False)
        ps.end_utt()
        ps.start_utt()
        end: float | None = None
        for piece in speech.split(0.05):
            ps.process_raw(piece.audio, False, False)
            if ps.hyp() is not None:
                end = max(s.end_frame for s in ps.seg()) * FRAME_S
                break
        ps.end_utt()
        return end

    def _search(self, phrase: str, level: float) -> bool:
        """Make the keyword search spot ``phrase`` at ``level``; False if it cannot."""
        if self._keyword == (phrase, level):
            return True
        words = phrase.lower().split()
        if not words or not all(self._decoder.knows(w) for w in words):
            return False
        keyfile = cache_dir("pocketsphinx", "wake.kws")
        atomic_write(keyfile, f"{' '.join(words)} /{level:.0e}/\n")
        self._decoder.add_keywords(WAKE, keyfile)
        self._keyword = (phrase, level)
        return True
