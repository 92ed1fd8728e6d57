"""A microphone: 16 kHz mono int16 chunks from a sound card, as long as it is open."""

from __future__ import annotations

import queue
from collections.abc import Iterator
from types import TracebackType
from typing import Any

import numpy as np

from audio.chunk import SPEECH_RATE, AudioChunk, AudioError
from audio.convert import SpeechConverter
from audio.devices import (
    HINT,
    cannot_open,
    find_device,
    pick_format,
    sounddevice_module,
    stream_closed,
    stream_opened,
)

MAX_QUEUE_S = 10.0
"""A microphone whose reader falls further behind than this drops its oldest audio."""


class Microphone:
    """16 kHz mono int16 chunks from a sound card, as long as it is open.

    ``with Microphone() as mic: for chunk in mic: ...``. Capture uses 16 kHz
    when the device supports it, else the device's own rate, converted by a
    streaming resampler. Audio is queued by PortAudio's thread; if the reader
    falls more than ``MAX_QUEUE_S`` behind, the oldest audio is dropped and
    counted in ``dropped``.
    """

    def __init__(self, device: int | str | None = None, chunk_s: float = 0.1) -> None:
        if not 0.01 <= chunk_s <= 1.0:
            raise AudioError(f"chunk_s must be between 0.01 and 1 second, not {chunk_s}")
        self.device = find_device(device, "input")
        """The device in use."""
        self.chunk_s = chunk_s
        """Length of each chunk."""
        self.dropped = 0
        """Chunks dropped because the reader was too slow."""
        self._max_chunks = max(1, round(MAX_QUEUE_S / chunk_s))
        # bytes: audio; str: why the stream ended by itself; None: closed by us.
        self._queue: queue.Queue[bytes | str | None] = queue.Queue()
        self._stream: Any = None
        self._converter: SpeechConverter | None = None
        self._format = (SPEECH_RATE, 1)

    def __enter__(self) -> Microphone:
        self.open()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def open(self) -> None:
        """Start capturing (done by ``with``)."""
        if self._stream is not None:
            return
        sd = sounddevice_module("input")
        rate, channels = pick_format(sd, self.device, "input", [(SPEECH_RATE, 1)])
        self._format = (rate, channels)
        self._converter = SpeechConverter(rate, channels)
        self._queue = queue.Queue()
        try:
            stream = sd.InputStream(
                samplerate=rate,
                blocksize=max(1, round(rate * self.chunk_s)),
                device=self.device.index,
                channels=channels,
                dtype="int16",
                callback=self._callback,
                finished_callback=self._ended,
            )
        except (sd.PortAudioError, ValueError) as e:
            raise AudioError(cannot_open(self.device, "input", e)) from None
        stream_opened()
        self._stream = stream
        try:
            stream.start()
        except sd.PortAudioError as e:
            self.close()
            raise AudioError(cannot_open(self.device, "input", e)) from None

    def close(self) -> None:
        """Stop capturing; an iteration in progress ends."""
        stream, self._stream = self._stream, None
        if stream is not None:
            try:
                stream.abort()
                stream.close()
            finally:
                stream_closed()
                self._queue.put(None)

    def read(self, timeout: float = 5.0) -> AudioChunk:
        """The next chunk; AudioError if closed or if no audio came for ``timeout`` seconds."""
        if self._stream is None or self._converter is None:
            raise AudioError("the microphone is closed; use `with Microphone() as mic:`")
        try:
            raw = self._queue.get(timeout=timeout)
        except queue.Empty:
            raise AudioError(
                f"the microphone {self.device.name!r} sent no audio for {timeout:.0f} s; "
                f"check it is plugged in and not muted. {HINT['input']}"
            ) from None
        if raw is None:
            raise AudioError("the microphone was closed while reading")
        if isinstance(raw, str):
            raise AudioError(raw)
        rate, channels = self._format
        return self._converter.convert(AudioChunk(rate, 2, channels, raw))

    def __iter__(self) -> Iterator[AudioChunk]:
        """Chunks until ``close()`` (from another thread) or the end of the ``with`` block."""
        while self._stream is not None:
            try:
                chunk = self.read()
            except AudioError:
                if self._stream is None:
                    return
                raise
            if chunk.frames:
                yield chunk

    def _callback(self, indata: np.ndarray, frames: int, time: Any, status: Any) -> None:
        if self._queue.qsize() >= self._max_chunks:
            try:
                self._queue.get_nowait()
                self.dropped += 1
            except queue.Empty:
                pass
        self._queue.put_nowait(indata.tobytes())

    def _ended(self) -> None:
        # PortAudio ends a stream by itself when the device or sound server goes away.
        if self._stream is not None:
            self._queue.put_nowait(
                f"the microphone {self.device.name!r} stopped (its device or the sound server "
                "went away)"
            )
