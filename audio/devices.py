"""Sound cards through ``sounddevice`` (PortAudio): list them, capture from one, play to one.

``sounddevice`` is imported inside the functions, so ``audio`` imports on a
machine without PortAudio; there, and on machines without a device, every
entry point raises an ``AudioError`` that offers WAV files or typing instead.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Literal

import numpy as np

from audio.chunk import SPEECH_RATE, AudioChunk, AudioError
from audio.convert import SpeechConverter, resample

Kind = Literal["input", "output"]

MIN_LATENCY_S = 0.1
"""Speakers never ask PortAudio for less output latency than this (fewer underruns)."""
MAX_QUEUE_S = 10.0
"""A microphone whose reader falls further behind than this drops its oldest audio."""

_WHAT = {"input": "microphone", "output": "speaker"}

# Streams open in this process. PortAudio can only be re-initialised (to see a sound
# server or card that came back) when none is open, or it would close them under us.
_open_streams = 0
_streams_changed = threading.Condition()
_HINT = {
    "input": "Use --input FILE.wav, or `hearth chat` to type.",
    "output": "Use --output FILE.wav, or `hearth chat` to type.",
}


@dataclass(frozen=True)
class DeviceInfo:
    """One PortAudio device."""

    index: int
    """PortAudio's device number (valid until devices are plugged in or out)."""
    name: str
    """Name as the host API reports it."""
    hostapi: str
    """Host API (ALSA, PulseAudio, CoreAudio, WASAPI...)."""
    input_channels: int
    """Maximum input channels; 0 for output-only devices."""
    output_channels: int
    """Maximum output channels; 0 for input-only devices."""
    default_rate: int
    """The device's preferred sample rate."""
    is_default_input: bool
    """Whether this is the system's default microphone."""
    is_default_output: bool
    """Whether this is the system's default speaker."""

    def channels(self, kind: Kind) -> int:
        """Maximum channels in one direction."""
        return self.input_channels if kind == "input" else self.output_channels


def list_devices() -> list[DeviceInfo]:
    """Every input and output device PortAudio sees (an empty list when there are none)."""
    return _list_devices(None)


def _list_devices(kind: Kind | None) -> list[DeviceInfo]:
    sd = _sounddevice(kind)
    default_in = _default_index(sd, "input")
    default_out = _default_index(sd, "output")
    devices = []
    for index, raw in enumerate(sd.query_devices()):
        devices.append(
            DeviceInfo(
                index=index,
                name=str(raw["name"]),
                hostapi=str(sd.query_hostapis(raw["hostapi"])["name"]),
                input_channels=int(raw["max_input_channels"]),
                output_channels=int(raw["max_output_channels"]),
                default_rate=round(raw["default_samplerate"]),
                is_default_input=index == default_in,
                is_default_output=index == default_out,
            )
        )
    return devices


def rescan_devices(wait_s: float = 10.0) -> None:
    """Make PortAudio look for devices again (after a sound server or card came back).

    PortAudio lists devices once, when it starts; the only way to see a change is to
    restart it, which would close open streams, so this waits until none is open.
    """
    sd = _sounddevice(None)
    with _streams_changed:
        if not _streams_changed.wait_for(lambda: _open_streams == 0, timeout=wait_s):
            raise AudioError("cannot look for sound devices again while a stream stays open")
        sd._terminate()
        sd._initialize()


def _stream_opened() -> None:
    global _open_streams
    with _streams_changed:
        _open_streams += 1


def _stream_closed() -> None:
    global _open_streams
    with _streams_changed:
        _open_streams -= 1
        _streams_changed.notify_all()


def find_device(name_or_index: int | str | None, kind: Kind) -> DeviceInfo:
    """The device to use: the default (None), a PortAudio index, or part of a name (any case)."""
    what = _WHAT[kind]
    devices = [d for d in _list_devices(kind) if d.channels(kind) > 0]
    if not devices:
        raise AudioError(_no_device(kind, f"this machine has no sound {kind} device"))
    if name_or_index is None:
        defaults = [
            d for d in devices if (d.is_default_input if kind == "input" else d.is_default_output)
        ]
        return (defaults or devices)[0]
    if isinstance(name_or_index, int) or name_or_index.strip().isdigit():
        index = int(name_or_index)
        for device in devices:
            if device.index == index:
                return device
        raise AudioError(f"No {what} has index {index}. {_listing(devices, kind)}")
    wanted = name_or_index.strip().lower()
    exact = [d for d in devices if d.name.lower() == wanted]
    matches = exact or [d for d in devices if wanted in d.name.lower()]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise AudioError(
            f"{name_or_index!r} matches several {what}s; give more of the name or the index. "
            f"{_listing(matches, kind)}"
        )
    raise AudioError(f"No {what} matches {name_or_index!r}. {_listing(devices, kind)}")


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
        sd = _sounddevice("input")
        rate, channels = _pick_format(sd, self.device, "input", [(SPEECH_RATE, 1)])
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
            raise AudioError(_cannot_open(self.device, "input", e)) from None
        _stream_opened()
        self._stream = stream
        try:
            stream.start()
        except sd.PortAudioError as e:
            self.close()
            raise AudioError(_cannot_open(self.device, "input", e)) from None

    def close(self) -> None:
        """Stop capturing; an iteration in progress ends."""
        stream, self._stream = self._stream, None
        if stream is not None:
            try:
                stream.abort()
                stream.close()
            finally:
                _stream_closed()
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
                f"check it is plugged in and not muted. {_HINT['input']}"
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
        sd = _sounddevice("output")
        self.device = find_device(self.wanted, "output")
        rate, channels = _pick_format(sd, self.device, "output", [(chunk.rate, chunk.channels)])
        if (chunk.rate, chunk.width, chunk.channels) != (rate, 2, channels):
            chunk = resample(chunk, rate, channels)
        samples = np.frombuffer(chunk.audio, dtype="<i2").reshape(-1, channels)
        position = 0
        finished = threading.Event()

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
            stream = sd.OutputStream(
                samplerate=rate,
                device=self.device.index,
                channels=channels,
                dtype="int16",
                latency=self.latency,
                callback=callback,
                finished_callback=finished.set,
            )
        except (sd.PortAudioError, ValueError) as e:
            raise AudioError(_cannot_open(self.device, "output", e)) from None
        _stream_opened()
        self._finished = finished
        played = False
        try:
            if self._stopped.is_set():
                return False
            stream.start()
            if not finished.wait(chunk.seconds + stream.latency + 5.0):
                raise AudioError(
                    f"the speaker {self.device.name!r} stopped playing; check it is connected. "
                    f"{_HINT['output']}"
                )
            played = not self._stopped.is_set()
            return played
        except sd.PortAudioError as e:
            raise AudioError(_cannot_open(self.device, "output", e)) from None
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
                _stream_closed()


# --- helpers -----------------------------------------------------------------------------------


def _sounddevice(kind: Kind | None) -> Any:
    """The sounddevice module, or an AudioError saying what is missing."""
    try:
        import sounddevice
    except OSError as e:
        reason = f"the PortAudio library is missing: {e}; on Debian/Ubuntu `sudo apt install libportaudio2`"
    except ImportError:
        reason = "the Python package sounddevice is missing: `pip install sounddevice`"
    else:
        return sounddevice
    if kind is None:
        raise AudioError(f"Cannot list sound devices ({reason}).")
    raise AudioError(_no_device(kind, reason))


def _default_index(sd: Any, kind: Kind) -> int:
    try:
        return int(sd.query_devices(kind=kind)["index"])
    except (sd.PortAudioError, ValueError, KeyError, TypeError):
        return -1


def _pick_format(
    sd: Any, device: DeviceInfo, kind: Kind, preferred: list[tuple[int, int]]
) -> tuple[int, int]:
    """The first (rate, channels) the device accepts: preferred ones, then its own rate."""
    check = sd.check_input_settings if kind == "input" else sd.check_output_settings
    native = device.default_rate
    wanted_channels = preferred[0][1]
    candidates = [
        *preferred,
        (native, wanted_channels),
        (native, min(2, device.channels(kind))),
        (native, 1),
    ]
    errors = []
    for rate, channels in dict.fromkeys(candidates):
        if channels > device.channels(kind):
            continue
        try:
            check(device=device.index, channels=channels, dtype="int16", samplerate=rate)
        except (sd.PortAudioError, ValueError) as e:
            errors.append(f"{rate} Hz x{channels}: {e}")
            continue
        return rate, channels
    raise AudioError(_cannot_open(device, kind, "; ".join(errors) or "no usable format"))


def _no_device(kind: Kind, reason: str) -> str:
    return f"No {_WHAT[kind]} found ({reason}). {_HINT[kind]}"


def _cannot_open(device: DeviceInfo, kind: Kind, error: object) -> str:
    return (
        f"Could not open the {_WHAT[kind]} {device.name!r} ({error}). Close other programs using "
        f"it or choose another (`hearth devices` lists them). {_HINT[kind]}"
    )


def _listing(devices: list[DeviceInfo], kind: Kind) -> str:
    names = ", ".join(f"[{d.index}] {d.name!r}" for d in devices)
    return f"{_WHAT[kind].capitalize()}s here: {names}. Run `hearth devices` to list them."
