"""Helpers and fixtures shared by the audio tests: tones, espeak-ng speech, sox conversions.

Not a conftest.py: tests/conftest.py is imported by name elsewhere, and a second
conftest module here would shadow it. Test modules define their own small fixtures.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from audio.chunk import AudioChunk
from tools.espeak import render

Sox = Callable[..., Path]
"""A fixture's ``convert(source, *options)``: sox into a fresh file."""


def tone(freq: float, seconds: float, rate: int, amplitude: float = 0.5) -> np.ndarray:
    """A sine as float32."""
    t = np.arange(int(rate * seconds)) / rate
    return (amplitude * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def peak_hz(chunk: AudioChunk) -> float:
    """The strongest frequency in a chunk (first channel)."""
    x = chunk.to_float()[:, 0]
    spectrum = np.abs(np.fft.rfft(x * np.hanning(len(x))))
    return float(np.argmax(spectrum) * chunk.rate / len(x))


def _need(program: str) -> str:
    path = shutil.which(program)
    if path is None:
        # `make test` installs it; a missing tool is a broken set-up, not a reason to skip.
        pytest.fail(
            f"{program} is not installed (Debian: apt install {program}; `make test` does it)"
        )
    return path


def espeak(text: str, path: Path) -> Path:
    """``text`` spoken by espeak-ng into ``path`` (22050 Hz mono 16-bit)."""
    _need("espeak-ng")
    return render(text, path)


def sox(source: Path, out: Path, *options: str) -> Path:
    """``sox source [options] out``: convert a WAV (e.g. ``"-b", "8"``) and return ``out``."""
    subprocess.run([_need("sox"), str(source), *options, str(out)], check=True, timeout=60)
    return out
