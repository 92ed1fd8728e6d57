"""openWakeWord's speech features, one 96-number embedding per 80 ms of audio.

The melspectrogram and embedding models come with the ``pyopen-wakeword`` wheel
(Apache-2.0) and run in its own TFLite runtime. Training (``tools/wake``) and
the running head use this one class, so both see the same features.
"""

from __future__ import annotations

import numpy as np

from voice.recognition.recognizer import RecognizerError

HOP = 1280
"""Samples at 16 kHz per embedding (80 ms)."""
HOP_S = HOP / 16000
DIMENSIONS = 96
DITHER = 8.0
"""Hiss added to every sample, in 16-bit steps (RMS): about -72 dBFS, under any room's noise."""
WARM_UP = 12 * HOP
"""Silence the melspectrogram starts from: enough for one embedding (76 frames of 10 ms)."""


class Embedder:
    """Streaming features: 16 kHz mono int16 in, one embedding per :data:`HOP` samples out."""

    def __init__(self) -> None:
        try:
            from pyopen_wakeword import OpenWakeWordFeatures
        except ImportError as err:  # pragma: no cover - the wheel is a dependency
            raise RecognizerError(
                "the wake model needs the pyopen-wakeword package: pip install pyopen-wakeword"
            ) from err
        self._features = OpenWakeWordFeatures.from_builtin()
        # The library starts from 8 s of silence, all embedded on its first call (most of
        # a second of CPU); a window's worth of it fills the melspectrogram just as well.
        self._features.new_audio_samples = WARM_UP
        self._pending = b""
        self._hiss = np.random.default_rng(0)
        self.samples = 0
        """Samples turned into embeddings so far (the end of the latest one)."""
        self.silence = self.feed(bytes(2 * HOP))[0]
        """The embedding of silence."""
        self.samples = 0

    def feed(self, pcm: bytes) -> np.ndarray:
        """The embeddings that ``pcm`` completes, shape (n, 96), oldest first."""
        self._pending += self._dither(pcm)
        whole = len(self._pending) // (2 * HOP) * 2 * HOP
        out = np.empty((whole // (2 * HOP), DIMENSIONS), dtype=np.float32)
        for i in range(len(out)):
            piece = self._pending[i * 2 * HOP : (i + 1) * 2 * HOP]
            made = list(self._features.process_streaming(piece))
            # The first call also turns the library's seconds of start-up silence into
            # embeddings; only the newest one belongs to this audio.
            out[i] = made[-1].reshape(DIMENSIONS)
        self._pending = self._pending[whole:]
        self.samples += len(out) * HOP
        return out

    def _dither(self, pcm: bytes) -> bytes:
        """``pcm`` with a microphone's faint hiss: digital silence (a file, a muted input)
        gives features no room ever does, and the head never heard them."""
        samples = np.frombuffer(pcm, dtype="<i2").astype(np.int32)
        noise = np.round(self._hiss.normal(0.0, DITHER, len(samples))).astype(np.int32)
        return bytes(np.clip(samples + noise, -32768, 32767).astype("<i2").tobytes())

    @property
    def waiting_s(self) -> float:
        """Audio fed but not yet embedded (less than one hop)."""
        return len(self._pending) / 2 / 16000
