"""Speech rendered by espeak-ng: the one place tests, the benchmark and the demo audio make it.

Needs the Debian package espeak-ng (``tools/system-deps.sh`` installs it).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from audio.chunk import AudioChunk, concat, silence
from audio.wav import read_wav

PACE = 150
"""Words per minute: a little slower than espeak-ng's own default, as a parent talks."""

LEAD_S, TAIL_S = 0.4, 0.6
"""Silence around a sentence, as a microphone hears one."""


def render(
    text: str,
    path: Path,
    voice: str | None = None,
    pace: int | None = None,
    pitch: int | None = None,
) -> Path:
    """``text`` spoken by espeak-ng into the WAV file ``path`` (22050 Hz mono).

    ``voice``, ``pace`` (words per minute) and ``pitch`` (0..99) left out keep espeak-ng's
    own defaults.
    """
    program = shutil.which("espeak-ng")
    if program is None:
        raise RuntimeError("espeak-ng is not installed: sudo apt-get install espeak-ng")
    options = [*(["-v", voice] if voice else []), *(["-s", str(pace)] if pace else [])]
    options += ["-p", str(pitch)] if pitch is not None else []
    subprocess.run(
        [program, *options, "-w", str(path), text], check=True, capture_output=True, timeout=60
    )
    return path


def spoken(text: str, voice: str, scratch: Path) -> AudioChunk:
    """``text`` as 16 kHz mono speech with silence around it; ``scratch`` is a WAV to reuse."""
    speech = read_wav(render(text, scratch, voice, PACE)).for_speech()
    return concat([silence(LEAD_S), speech, silence(TAIL_S)])
