"""Streaming conversion to 16 kHz mono int16, without clicks where chunks meet.

``AudioChunk.for_speech()`` resamples one chunk on its own, which is right for a
whole recording. A stream cut into 0.1 s pieces needs a resampler that keeps its
filter state from one piece to the next; this is it (soxr's ``ResampleStream``).
"""

from __future__ import annotations

import numpy as np
import soxr

from audio.chunk import SPEECH_RATE, AudioChunk, AudioError


class SpeechConverter:
    """Turns consecutive chunks of one format into 16 kHz mono int16 chunks.

    Call ``convert()`` for each chunk and ``flush()`` once at the end of the
    stream to get the resampler's last few milliseconds.
    """

    def __init__(self, rate: int, channels: int) -> None:
        if rate <= 0 or channels <= 0:
            raise AudioError(f"invalid audio format: {rate} Hz, {channels} channel(s)")
        self.rate = rate
        """Input sample rate."""
        self.channels = channels
        """Input channel count."""
        self._resampler = (
            None if rate == SPEECH_RATE else soxr.ResampleStream(rate, SPEECH_RATE, 1, "float32")
        )

    def convert(self, chunk: AudioChunk) -> AudioChunk:
        """The next piece of the stream as 16 kHz mono int16 (may be a little shorter or longer)."""
        if (chunk.rate, chunk.channels) != (self.rate, self.channels):
            raise AudioError(
                f"the stream changed format ({self.rate} Hz x{self.channels} -> "
                f"{chunk.rate} Hz x{chunk.channels}); start a new SpeechConverter"
            )
        if chunk.rate == SPEECH_RATE and chunk.width == 2 and chunk.channels == 1:
            return chunk
        return self.convert_float(chunk.to_float())

    def convert_float(self, samples: np.ndarray) -> AudioChunk:
        """Like ``convert()`` for float samples in [-1, 1], shape (frames, channels)."""
        mono = samples.reshape(len(samples), -1).mean(axis=1, dtype=np.float32)
        if self._resampler is not None:
            mono = self._resampler.resample_chunk(mono)
        return _speech_chunk(mono)

    def flush(self) -> AudioChunk:
        """What the resampler still holds at the end of the stream (often a few ms)."""
        if self._resampler is None:
            return AudioChunk(SPEECH_RATE, 2, 1, b"")
        return _speech_chunk(self._resampler.resample_chunk(np.zeros(0, np.float32), last=True))


def _speech_chunk(mono: np.ndarray) -> AudioChunk:
    return AudioChunk.from_float(mono, SPEECH_RATE)


def resample(chunk: AudioChunk, rate: int, channels: int) -> AudioChunk:
    """A whole chunk as int16 at another rate and channel count (for playback devices).

    Mono is copied to every channel; more channels are mixed down to mono first.
    """
    samples = chunk.to_float()
    if chunk.rate != rate:
        samples = soxr.resample(samples, chunk.rate, rate, quality="HQ")
    if samples.shape[1] != channels:
        mono = samples.mean(axis=1, keepdims=True)
        samples = np.repeat(mono, channels, axis=1)
    return AudioChunk.from_float(samples, rate)
