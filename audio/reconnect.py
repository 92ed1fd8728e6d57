"""Keep listening when the microphone or the sound server goes away and comes back.

A device on a kitchen counter outlives sound-server restarts, unplugged USB
microphones and suspended laptops. ``ReconnectingMicrophone`` yields chunks like
``Microphone`` does, and when capture fails it says so, waits (doubling the wait
up to a limit), looks for devices again and reopens, for as long as it takes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import TracebackType

from audio.chunk import AudioChunk, AudioError
from audio.devices import rescan_devices
from audio.microphone import Microphone


@dataclass(frozen=True)
class Backoff:
    """Waits between attempts: ``first_s``, then multiplied by ``factor`` up to ``max_s``."""

    first_s: float = 0.5
    factor: float = 2.0
    max_s: float = 30.0

    def __post_init__(self) -> None:
        if not (0 < self.first_s <= self.max_s and self.factor >= 1):
            raise AudioError(f"backoff needs 0 < first_s <= max_s and factor >= 1, not {self}")

    def delays(self) -> Iterator[float]:
        """An endless series of waits."""
        delay = self.first_s
        while True:
            yield delay
            delay = min(self.max_s, delay * self.factor)


class ReconnectingMicrophone:
    """Chunks from a microphone that survive it going away.

    Opening the first time fails with the Microphone's own AudioError (no device at
    all is a set-up problem for the user); after that, losses are reported through
    ``on_status`` and retried. ``close()`` from another thread ends the iteration.
    """

    def __init__(
        self,
        device: int | str | None = None,
        *,
        chunk_s: float = 0.1,
        read_timeout_s: float = 3.0,
        backoff: Backoff | None = None,
        on_status: Callable[[str], object] = lambda _message: None,
    ) -> None:
        self.wanted = device
        """The device asked for: None (the default), an index or part of a name."""
        self.chunk_s = chunk_s
        self.read_timeout_s = read_timeout_s
        self.backoff = backoff or Backoff()
        self.on_status = on_status
        self.losses = 0
        """How many times capture was lost."""
        self._closed = threading.Event()
        self._mic: Microphone | None = None

    @property
    def device_name(self) -> str:
        """The name of the device in use, or '' while there is none."""
        return self._mic.device.name if self._mic is not None else ""

    def __enter__(self) -> ReconnectingMicrophone:
        self._mic = self._open()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Stop listening (safe from any thread)."""
        self._closed.set()
        mic, self._mic = self._mic, None
        if mic is not None:
            mic.close()

    def __iter__(self) -> Iterator[AudioChunk]:
        """Chunks until ``close()``, across any number of losses."""
        while not self._closed.is_set():
            mic = self._mic
            if mic is None:
                self._mic = self._reconnect()
                continue
            try:
                chunk = mic.read(timeout=self.read_timeout_s)
            except AudioError as e:
                if self._closed.is_set():
                    return
                self.losses += 1
                self._mic = None
                mic.close()
                self.on_status(f"Lost the microphone: {e}.")
                continue
            if chunk.frames:
                yield chunk

    def _open(self) -> Microphone:
        mic = Microphone(self.wanted, chunk_s=self.chunk_s)
        mic.open()
        return mic

    def _reconnect(self) -> Microphone | None:
        for delay in self.backoff.delays():
            self.on_status(f"Trying the microphone again in {delay:g} s.")
            if self._closed.wait(delay):
                return None
            try:
                rescan_devices()
                mic = self._open()
            except AudioError as e:
                self.on_status(f"Still no microphone: {e}")
                continue
            self.on_status(f"The microphone {mic.device.name!r} is back; listening again.")
            return mic
        raise AssertionError("unreachable: backoff delays never end")
