"""A speaker: plays chunks on a sound card; ``stop()`` from another thread cuts it short."""

from __future__ import annotations

import threading
from typing import Any

import numpy as np

from audio.chunk import AudioChunk, AudioError
from audio.convert import resample
from audio.devices import (
    HINT,
    cannot_open,
    find_device,
    pick_format,
    sounddevice_module,
    stream_closed,
    stream_opened,
)

MIN_LATENCY_S = 0.1
"""Speakers never ask PortAudio for less output latency than this (fewer underruns)."""


class Speaker:
    """Plays chunks on a sound card; ``stop()`` from another thread cuts playback short."""

    def __init__(self, device: int | str | None = None, latency: float = MIN_LATENCY_S) -> None:
        self.wanted = device
        """The device asked for: None (the default), an index or part of a name."""
        self.device = find_device(device, "output")
        """The device in use (found again for every playback: devices come and go)."""
        self.latency = max(MIN_LATENCY_S, latency)
        """Output latency asked of PortAudio, in seconds (at least 0.1)."""
        self._play_lock = threading.Lock()
        self._stopped = threading.Event()
        self._finished: threading.Event | None = None

    @property
    def playing(self) -> bool:
        """Whether ``play()`` is running."""
        return self._play_lock.locked()

    def play(self, chunk: AudioChunk) -> bool:
        """Play to the end, waiting for the last buffer to be heard; False if ``stop()`` cut it."""
        with self._play_lock:
            self._stopped.clear()
            if not chunk.frames:
                return True
            return self._play(chunk)

    def stop(self) -> None:
        """Stop the current playback now (safe from any thread; no-op when idle)."""
        self._stopped.set()
        finished = self._finished
        if finished is not None:
            finished.set()

    def _play(self, chunk: AudioChunk) -> bool:
        sd = sounddevice_module("output")
        self.device = find_device(self.wanted, "output")
        rate, channels = pick_format(sd, self.device, "output", [(chunk.rate, chunk.channels)])
        if (chunk.rate, chunk.width, chunk.channels) != (rate, 2, channels):
            chunk = resample(chunk, rate, channels)
        samples = np.frombuffer(chunk.audio, dtype="<i2").reshape(-1, channels)
        finished = threading.Event()
        stream = self._open(sd, samples, rate, finished)
        stream_opened()
        self._finished = finished
        played = False
        try:
            if self._stopped.is_set():
                return False
            stream.start()
            if not finished.wait(chunk.seconds + stream.latency + 5.0):
                raise AudioError(
                    f"the speaker {self.device.name!r} stopped playing; check it is connected. "
                    f"{HINT['output']}"
                )
            played = not self._stopped.is_set()
            return played
        except sd.PortAudioError as e:
            raise AudioError(cannot_open(self.device, "output", e)) from None
        finally:
            self._finished = None
            try:
                if played:
                    stream.stop()  # returns once every queued buffer has been heard
                else:
                    stream.abort()
                stream.close()
            except sd.PortAudioError:
                pass  # the device went away while playing; nothing is left to stop
            finally:
                stream_closed()

    def _open(self, sd: Any, samples: np.ndarray, rate: int, finished: threading.Event) -> Any:
        """An output stream that plays ``samples`` once, then sets ``finished``."""
        position = 0

        def callback(outdata: np.ndarray, frames: int, time: Any, status: Any) -> None:
            nonlocal position
            if self._stopped.is_set():
                raise sd.CallbackAbort
            n = min(frames, len(samples) - position)
            outdata[:n] = samples[position : position + n]
            outdata[n:] = 0
            position += n
            if position >= len(samples):
                raise sd.CallbackStop  # PortAudio still plays what is queued, then finishes

        try:
            return sd.OutputStream(
                samplerate=rate,
                device=self.device.index,
                channels=samples.shape[1],
                dtype="int16",
                latency=self.latency,
                callback=callback,
                finished_callback=finished.set,
            )
        except (sd.PortAudioError, ValueError) as e:
            raise AudioError(cannot_open(self.device, "output", e)) from None
