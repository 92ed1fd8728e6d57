"""Sound cards through ``sounddevice`` (PortAudio): list them and find one; what the
microphone (``audio.microphone``) and the speaker (``audio.speaker``) share.

``sounddevice`` is imported inside the functions, so ``audio`` imports on a
machine without PortAudio; there, and on machines without a device, every
entry point raises an ``AudioError`` that offers WAV files or typing instead.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, Literal

from audio.chunk import AudioError

Kind = Literal["input", "output"]


_WHAT = {"input": "microphone", "output": "speaker"}

# Streams open in this process. PortAudio can only be re-initialised (to see a sound
# server or card that came back) when none is open, or it would close them under us.
_open_streams = 0
_streams_changed = threading.Condition()
HINT = {
    "input": "Use --input FILE.wav, or `hearth chat` to type.",
    "output": "Use --input FILE.wav --output replies.wav, or `hearth chat` to type.",
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
    sd = sounddevice_module(kind)
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
    sd = sounddevice_module(None)
    with _streams_changed:
        if not _streams_changed.wait_for(lambda: _open_streams == 0, timeout=wait_s):
            raise AudioError("cannot look for sound devices again while a stream stays open")
        sd._terminate()
        sd._initialize()


def stream_opened() -> None:
    """Count a stream opened (``rescan_devices`` waits until none is)."""
    global _open_streams
    with _streams_changed:
        _open_streams += 1


def stream_closed() -> None:
    """Count a stream closed."""
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


def sounddevice_module(kind: Kind | None) -> Any:
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


def pick_format(
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
    raise AudioError(cannot_open(device, kind, "; ".join(errors) or "no usable format"))


def _no_device(kind: Kind, reason: str) -> str:
    return f"No {_WHAT[kind]} found ({reason}). {HINT[kind]}"


def cannot_open(device: DeviceInfo, kind: Kind, error: object) -> str:
    """The message for a device that would not open, with what to do."""
    return (
        f"Could not open the {_WHAT[kind]} {device.name!r} ({error}). Close other programs using "
        f"it or choose another (`hearth devices` lists them). {HINT[kind]}"
    )


def _listing(devices: list[DeviceInfo], kind: Kind) -> str:
    names = ", ".join(f"[{d.index}] {d.name!r}" for d in devices)
    return f"{_WHAT[kind].capitalize()}s here: {names}. Run `hearth devices` to list them."
