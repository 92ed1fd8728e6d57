"""Sound devices: graceful failure without hardware or PortAudio, real streams on virtual ALSA devices."""

from __future__ import annotations

import importlib.abc
import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from audio_testkit import tone

from audio.chunk import AudioError
from audio.devices import DeviceInfo, find_device, list_devices
from audio.microphone import Microphone
from audio.speaker import Speaker

ROOT = Path(__file__).resolve().parents[2]
ALSA_CONF = Path("/usr/share/alsa/alsa.conf")


def _portaudio_works() -> bool:
    try:
        list_devices()
    except AudioError:
        return False
    return True


def test_list_devices_returns_device_infos() -> None:
    if not _portaudio_works():
        with pytest.raises(AudioError, match="Cannot list sound devices"):
            list_devices()
        return
    devices = list_devices()
    assert isinstance(devices, list)
    assert all(isinstance(d, DeviceInfo) for d in devices)
    assert sum(d.is_default_input for d in devices) <= 1
    assert sum(d.is_default_output for d in devices) <= 1
    assert [d.index for d in devices] == list(range(len(devices)))


@pytest.mark.parametrize(
    ("device", "kind", "missing", "refused", "option"),
    [
        (
            Microphone,
            "microphone",
            "no such microphone",
            "No microphone matches 'no such microphone'",
            "--input FILE.wav",
        ),
        # Without a speaker Hearth still answers into a file, which needs a recording to answer.
        (
            Speaker,
            "speaker",
            9999,
            "No speaker has index 9999",
            "--input FILE.wav --output replies.wav",
        ),
    ],
)
def test_missing_device_offers_files_or_typing(
    device: Callable[..., object], kind: str, missing: object, refused: str, option: str
) -> None:
    has_device = _portaudio_works() and any(
        d.input_channels if kind == "microphone" else d.output_channels for d in list_devices()
    )
    if has_device:
        with pytest.raises(AudioError, match=refused):
            device(missing)
    else:
        with pytest.raises(AudioError) as caught:
            device()
        message = str(caught.value)
        assert message.startswith(f"No {kind} found (")
        assert message.endswith(f"Use {option}, or `hearth chat` to type.")


class _PortAudioMissing(importlib.abc.MetaPathFinder):
    """Makes ``import sounddevice`` fail as it does when libportaudio is not installed."""

    def find_spec(self, name: str, path: object, target: object = None) -> None:
        if name == "sounddevice":
            raise OSError("PortAudio library not found")


def test_without_portaudio_every_entry_point_says_what_to_do(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delitem(sys.modules, "sounddevice", raising=False)
    monkeypatch.setattr(sys, "meta_path", [_PortAudioMissing(), *sys.meta_path])
    with pytest.raises(
        AudioError, match=r"Cannot list sound devices \(the PortAudio library is missing"
    ):
        list_devices()
    with pytest.raises(
        AudioError,
        match=r"^No microphone found \(.*apt install libportaudio2`\)\. Use --input FILE.wav",
    ):
        Microphone()
    with pytest.raises(
        AudioError, match=r"^No speaker found \(.*\)\. Use --input FILE.wav --output replies.wav"
    ):
        Speaker()


def test_without_the_sounddevice_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "sounddevice", None)
    with pytest.raises(AudioError, match="pip install sounddevice"):
        find_device(None, "input")


def test_audio_package_imports_without_portaudio() -> None:
    code = textwrap.dedent(
        """
        import sys
        sys.modules["sounddevice"] = None
        import audio.devices, audio.microphone, audio.speaker, audio.wav, audio.endpoint, audio.earcons
        print("ok")
        """
    )
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert run.stdout.strip() == "ok", run.stderr


# --- real streams on virtual ALSA devices ----------------------------------------------------

ASOUND_CONF = """\
<{alsa_conf}>
pcm.hearth_mic {{
    type file
    slave.pcm "null"
    file "/dev/null"
    infile "{folder}/mic.raw"
    format "raw"
    hint {{ show on description "Hearth test microphone" }}
}}
pcm.hearth_speaker {{
    type file
    slave.pcm "null"
    file "{folder}/speaker.raw"
    format "raw"
    hint {{ show on description "Hearth test speaker" }}
}}
pcm.hearth_paced {{
    type file
    slave.pcm "null"
    file "| {python} {folder}/slow_reader.py {folder}/paced.raw"
    format "raw"
    hint {{ show on description "Hearth test speaker, real time" }}
}}
"""

SLOW_READER = """\
import fcntl, sys, time
out = open(sys.argv[1], "wb")
small, total, start = False, 0, time.monotonic()
while True:
    if not small:
        try:
            fcntl.fcntl(0, 1031, 4096)  # F_SETPIPE_SZ: a small pipe makes the writer wait for us
            small = True
        except OSError:
            pass
    data = sys.stdin.buffer.read1(1024)
    if not data:
        break
    out.write(data)
    out.flush()
    total += len(data)
    time.sleep(max(0.0, total / 32000 - (time.monotonic() - start)))  # 16 kHz mono int16
"""


@pytest.mark.slow
@pytest.mark.skipif(
    not sys.platform.startswith("linux") or not ALSA_CONF.exists() or not _portaudio_works(),
    reason="needs Linux with ALSA's configuration and PortAudio",
)
def test_microphone_and_speaker_on_virtual_alsa_devices(tmp_path: Path) -> None:
    mic = (tone(440, 3.0, 16000, 0.3) * 32767).astype("<i2")
    (tmp_path / "mic.raw").write_bytes(mic.tobytes())
    (tmp_path / "slow_reader.py").write_text(SLOW_READER)
    conf = tmp_path / "asound.conf"
    conf.write_text(ASOUND_CONF.format(alsa_conf=ALSA_CONF, folder=tmp_path, python=sys.executable))
    env = {**os.environ, "ALSA_CONFIG_PATH": str(conf), "PYTHONPATH": str(ROOT)}
    child = Path(__file__).with_name("virtual_alsa_child.py")
    run = subprocess.run(
        [sys.executable, str(child), str(tmp_path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)

    assert {"hearth_mic", "hearth_speaker", "hearth_paced"} <= set(report["devices"])
    assert report["by_name"] == "hearth_speaker"
    assert report["by_index"] == "hearth_mic"
    assert "matches several speakers" in report["ambiguous"]
    assert report["unknown"].startswith("No microphone matches 'no such card'. Microphones here: [")

    assert report["mic_formats"] == [[16000, 2, 1]]
    assert report["mic_frames"] == [1600] * 10
    assert report["mic_peak_hz"] == pytest.approx(440, abs=2)

    assert report["played_empty"] is True
    assert report["played"] is True
    assert report["speaker_got_all"] is True, "playback was cut before its last samples"

    assert report["stopped_result"] is False
    assert report["stopped_at_s"] < 8.0, "stop() did not stop a 10-second playback"
    assert np.isfinite(report["stopped_after_s"])
