"""``hearth devices``: the microphones and speakers PortAudio sees, defaults marked."""

from __future__ import annotations

import argparse

from audio.devices import list_devices


def run(args: argparse.Namespace) -> int:
    """Print one line per device."""
    devices = list_devices()
    if not devices:
        print(
            "No audio devices found. Use `hearth run --input FILE.wav --output reply.wav`, or `hearth chat`."
        )
        return 0
    for d in devices:
        marks = " ".join(
            m
            for m, on in (("default-in", d.is_default_input), ("default-out", d.is_default_output))
            if on
        )
        print(
            f"{d.index:3}  {d.name:40}  in {d.input_channels}  out {d.output_channels}  {d.default_rate} Hz  {marks}"
        )
    return 0
