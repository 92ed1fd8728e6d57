"""Child process for test_audio_devices.py: real PortAudio streams on virtual ALSA devices.

The parent points ALSA_CONFIG_PATH at a config whose devices are ALSA ``file``
plugins (a microphone that reads a raw file, speakers that write one), so the
Microphone and Speaker run for real on a machine without a sound card. Prints a
JSON report; the parent checks it.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np

from audio.chunk import AudioChunk, AudioError, concat
from audio.devices import find_device, list_devices
from audio.earcons import listening_chime
from audio.microphone import Microphone
from audio.speaker import Speaker


def error_of(action: Any) -> str:
    try:
        action()
    except AudioError as e:
        return str(e)
    return ""


def main(folder: Path) -> dict[str, Any]:
    report: dict[str, Any] = {"devices": [d.name for d in list_devices()]}
    report["by_name"] = find_device("Speaker", "output").name
    report["by_index"] = find_device(str(find_device("hearth_mic", "input").index), "input").name
    report["ambiguous"] = error_of(lambda: find_device("hearth", "output"))
    report["unknown"] = error_of(lambda: find_device("no such card", "input"))

    with Microphone("hearth_mic") as mic:
        chunks = [mic.read() for _ in range(10)]
    report["mic_formats"] = sorted({(c.rate, c.width, c.channels) for c in chunks})
    report["mic_frames"] = [c.frames for c in chunks]
    heard = concat(chunks).to_float()[:, 0]
    report["mic_peak_hz"] = float(np.argmax(np.abs(np.fft.rfft(heard))) * 16000 / len(heard))

    chime = listening_chime()
    speaker = Speaker("hearth_speaker")
    report["played_empty"] = speaker.play(AudioChunk(16000, 2, 1, b""))
    report["played"] = speaker.play(chime)
    written = np.frombuffer((folder / "speaker.raw").read_bytes(), dtype="<i2")
    sent = np.frombuffer(chime.audio, dtype="<i2")
    sent = sent[np.flatnonzero(sent)[0] :]  # PortAudio primes the device with silence first
    start = np.flatnonzero(written)[0]
    report["speaker_got_all"] = bool(np.array_equal(written[start : start + len(sent)], sent))

    ramp = (np.arange(16000 * 10) // 16).astype("<i2")  # each value tells where playback was
    paced = Speaker("hearth_paced")
    threading.Timer(0.3, paced.stop).start()
    began = time.monotonic()
    report["stopped_result"] = paced.play(AudioChunk(16000, 2, 1, ramp.tobytes()))
    report["stopped_after_s"] = time.monotonic() - began
    reached = np.frombuffer((folder / "paced.raw").read_bytes(), dtype="<i2")
    report["stopped_at_s"] = int(reached.max()) * 16 / 16000
    return report


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]))))
