"""Speech rendered by Festival: its HTS (statistical parametric) and diphone voices.

Needs the Debian packages festival, festvox-us-slt-hts and festvox-kallpc16k
(``tools/system-deps.sh`` installs them).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

VOICES = {
    "slt-hts": "voice_cmu_us_slt_arctic_hts",
    "kal-diphone": "voice_kal_diphone",
}
"""Short names for the installed voices, and the Scheme call that selects each."""


def render(text: str, path: Path, voice: str) -> Path:
    """``text`` spoken by the Festival voice ``voice`` (a key of VOICES) into the WAV ``path``."""
    program = shutil.which("text2wave")
    if program is None:
        raise RuntimeError(
            "Festival is not installed: sudo apt-get install festival festvox-us-slt-hts "
            "festvox-kallpc16k"
        )
    if voice not in VOICES:
        raise ValueError(f"no Festival voice {voice!r}; choose one of {tuple(VOICES)}")
    command = [program, "-eval", f"({VOICES[voice]})", "-o", str(path)]
    subprocess.run(command, input=text.encode(), check=True, capture_output=True, timeout=60)
    return path
