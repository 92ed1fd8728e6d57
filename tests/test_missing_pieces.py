"""What a parent or installer sees when a piece is missing: one line with the fix, exit 1,
no traceback. Each case runs the real `hearth` command in a child process with the piece
made unavailable the way the machine would show it (a library that fails to load)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from speech_kit import speak

from audio.wav import write_wav
from bench.process_stats import hearth_env

pytestmark = pytest.mark.slow  # subprocesses: the fast tier leaves them out

SHIM = """
import ctypes, importlib.abc, runpy, sys

missing = sys.argv.pop(1)
if missing == "espeak-ng":
    # pyttsx3 loads libespeak-ng through ctypes, as on a machine without the package.
    load = ctypes.CDLL.__init__
    def refuse(self, name, *args, **kwargs):
        if name and "espeak" in str(name):
            raise OSError(f"{name}: cannot open shared object file: No such file or directory")
        return load(self, name, *args, **kwargs)
    ctypes.CDLL.__init__ = refuse
elif missing == "portaudio":
    # The sounddevice package is there but its PortAudio library is not.
    class NoPortAudio(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path, target=None):
            if name == "sounddevice":
                raise OSError("PortAudio library not found")
    sys.meta_path.insert(0, NoPortAudio())
sys.argv[0] = "hearth"
runpy.run_module("voice", run_name="__main__")
"""


@pytest.fixture(scope="module")
def sentence(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("sentence")
    path = folder / "sentence.wav"
    write_wav(path, speak("hey hearth i feel exhausted", "en-us+f3", folder / "raw.wav"))
    return path


def _hearth(missing: str, *args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    shim = tmp_path / "shim.py"
    shim.write_text(SHIM)
    env = hearth_env(tmp_path) | {
        "XDG_CACHE_HOME": str(tmp_path / "cache"),  # no Vosk model in the cache
        "PYTHONPATH": str(Path(__file__).resolve().parent.parent),
    }
    return subprocess.run(
        [sys.executable, str(shim), missing, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )


@pytest.mark.parametrize(
    ("missing", "args", "fix"),
    [
        ("espeak-ng", ["run", "--wake", "", "--input", "{wav}"], "sudo apt-get install espeak-ng"),
        ("espeak-ng", ["demo"], "sudo apt-get install espeak-ng"),
        ("portaudio", ["run"], "sudo apt install libportaudio2"),
        ("portaudio", ["devices"], "sudo apt install libportaudio2"),
        (
            "vosk-model",
            ["run", "--engine", "vosk", "--input", "{wav}"],
            "hearth models download en-us",
        ),
        ("vosk-model", ["understand", "--engine", "vosk", "{wav}"], "hearth models download en-us"),
    ],
)
def test_missing_piece_gives_one_line_with_the_fix(
    missing: str, args: list[str], fix: str, sentence: Path, tmp_path: Path
) -> None:
    run = _hearth(missing, *(a.format(wav=sentence) for a in args), tmp_path=tmp_path)
    assert run.returncode == 1, (run.stdout, run.stderr)
    assert "Traceback" not in run.stderr, run.stderr
    said = [line for line in run.stderr.splitlines() if line.startswith("hearth:")]
    assert len(said) == 1 and fix in said[0], run.stderr
