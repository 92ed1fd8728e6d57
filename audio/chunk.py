"""Audio that keeps its format with its samples, and conversion to what recognisers want.

Recognisers take 16 kHz mono 16-bit audio; microphones, WAV files and the
synthesiser give other rates, widths and channel counts. Converting is done
here, once, with real resampling (soxr), never by dropping samples.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import soxr

SPEECH_RATE = 16_000
"""Sample rate the recognisers use."""


class AudioError(Exception):
    """Audio that cannot be read, converted, captured or played; the message says what to do."""


_DTYPES = {1: np.uint8, 2: np.int16, 4: np.int32}


@dataclass(frozen=True)
class AudioChunk:
    """Interleaved PCM samples with their format (as in wyoming's AudioChunk)."""

    rate: int
    """Samples per second per channel."""
    width: int
    """Bytes per sample: 1 (unsigned 8-bit), 2 (int16) or 4 (int32)."""
    channels: int
    """1 for mono, 2 for stereo..."""
    audio: bytes
    """Interleaved little-endian samples."""

    def __post_init__(self) -> None:
        if self.width not in _DTYPES:
            raise AudioError(f"unsupported sample width {self.width} bytes; use 1, 2 or 4")
        if self.rate <= 0 or self.channels <= 0:
            raise AudioError(f"invalid audio format: {self.rate} Hz, {self.channels} channel(s)")
        if len(self.audio) % (self.width * self.channels):
            raise AudioError("audio data ends in the middle of a sample; the file may be truncated")

    @property
    def frames(self) -> int:
        """Number of samples per channel."""
        return len(self.audio) // (self.width * self.channels)

    @property
    def seconds(self) -> float:
        """Duration."""
        return self.frames / self.rate

    def to_float(self) -> np.ndarray:
        """Samples as float32 in [-1, 1], shape (frames, channels)."""
        raw = np.frombuffer(self.audio, dtype=_DTYPES[self.width]).reshape(-1, self.channels)
        if self.width == 1:
            return (raw.astype(np.float32) - 128.0) / 128.0
        scale = float(2 ** (8 * self.width - 1))
        return raw.astype(np.float32) / scale

    @classmethod
    def from_float(cls, samples: np.ndarray, rate: int) -> AudioChunk:
        """16-bit chunk from float samples in [-1, 1], shape (frames,) or (frames, channels)."""
        data = samples[:, None] if samples.ndim == 1 else samples
        # The same scale as to_float(), so int16 -> float -> int16 is exact.
        pcm = np.clip(np.round(data * 32768.0), -32768, 32767).astype("<i2")
        return cls(rate, 2, data.shape[1], pcm.tobytes())

    def for_speech(self) -> AudioChunk:
        """This audio as 16 kHz mono int16 (a no-op when it already is)."""
        if self.rate == SPEECH_RATE and self.width == 2 and self.channels == 1:
            return self
        mono = self.to_float().mean(axis=1)
        if self.rate != SPEECH_RATE:
            mono = soxr.resample(mono, self.rate, SPEECH_RATE, quality="HQ")
        return AudioChunk.from_float(mono, SPEECH_RATE)

    def slice_frames(self, start: int, stop: int | None = None) -> AudioChunk:
        """Frames ``start`` up to ``stop`` (the end when None), in the same format."""
        size = self.width * self.channels
        end = None if stop is None else stop * size
        return AudioChunk(self.rate, self.width, self.channels, self.audio[start * size : end])

    def split(self, seconds: float) -> Iterator[AudioChunk]:
        """Consecutive pieces of at most ``seconds`` each (to feed a stream)."""
        step = max(1, int(self.rate * seconds)) * self.width * self.channels
        for start in range(0, len(self.audio), step):
            yield AudioChunk(self.rate, self.width, self.channels, self.audio[start : start + step])


def silence(seconds: float, rate: int = SPEECH_RATE) -> AudioChunk:
    """Mono 16-bit silence of a known length."""
    return AudioChunk(rate, 2, 1, bytes(2 * int(rate * seconds)))


def concat(chunks: list[AudioChunk]) -> AudioChunk:
    """Join chunks of the same format."""
    if not chunks:
        return silence(0.0)
    first = chunks[0]
    for chunk in chunks[1:]:
        if (chunk.rate, chunk.width, chunk.channels) != (first.rate, first.width, first.channels):
            raise AudioError(
                "cannot join audio of different formats; convert with for_speech() first"
            )
    return AudioChunk(first.rate, first.width, first.channels, b"".join(c.audio for c in chunks))
