"""Render the demo's spoken lines with espeak-ng into voice/demo_audio/ (16 kHz mono WAV).

Run: .venv/bin/python tools/make_demo_audio.py   (needs the Debian package espeak-ng)
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from audio.wav import write_wav
from tools.espeak import spoken
from voice.cli.demo import AUDIO_DIR, SPOKEN


def main() -> int:
    """Write one WAV per demo line, padded with a little silence as a microphone would give."""
    AUDIO_DIR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name, voice, text in SPOKEN:
            write_wav(AUDIO_DIR / f"{name}.wav", spoken(text, voice, Path(tmp) / f"{name}.wav"))
            print(f"{name}.wav  [{voice}]  {text}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
