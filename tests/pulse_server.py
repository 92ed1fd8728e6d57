"""A private PulseAudio server with a virtual speaker and microphone, for live-audio tests.

The server runs as a child of the test with its own socket and runtime folder, so
it never touches a desktop's sound. Its devices:

- ``hearth_speaker``: a null sink, the default output; what Hearth says is
  recorded from its monitor.
- ``hearth_mic``: the default input, a remap of the monitor of the null sink
  ``hearth_mic_sink``; the test "speaks" by writing audio to that sink.

PortAudio (through ALSA's pulse plugin) reaches the server through PULSE_SERVER
in ``env``. Pitfalls this works around: an idle null sink delivers its first
audio 1-2 s late, so a writer keeps silence flowing into the microphone; the
server is stopped by its PID, never by `pulseaudio --kill` (which could hit
another one).
"""

from __future__ import annotations

import contextlib
import os
import queue
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path

import numpy as np

RATE = 16000
CONFIG = """\
load-module module-native-protocol-unix auth-anonymous=1 socket={socket}
load-module module-null-sink sink_name=hearth_speaker rate=16000 channels=1
load-module module-null-sink sink_name=hearth_mic_sink rate=16000 channels=1
load-module module-remap-source source_name=hearth_mic master=hearth_mic_sink.monitor
set-default-sink hearth_speaker
set-default-source hearth_mic
"""
STREAM = ["--rate=16000", "--channels=1", "--format=s16le", "--raw", "--latency-msec=50"]


def missing_programs() -> list[str]:
    """PulseAudio programs this machine lacks (empty when the tests can run)."""
    return [p for p in ("pulseaudio", "pacat", "parec", "pactl") if shutil.which(p) is None]


class PulseServer:
    """Start with ``start()``; ``kill()`` simulates a crash; ``stop()`` ends it for good."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.socket = folder / "native"
        self.env = {
            **os.environ,
            "PULSE_SERVER": f"unix:{self.socket}",
            "XDG_RUNTIME_DIR": str(folder / "runtime"),
            "PULSE_RUNTIME_PATH": str(folder / "runtime"),
            "HOME": str(folder / "home"),
        }
        self.process: subprocess.Popen[bytes] | None = None
        self._mic: MicWriter | None = None

    def start(self) -> None:
        (self.folder / "runtime").mkdir(mode=0o700, parents=True, exist_ok=True)
        (self.folder / "home").mkdir(parents=True, exist_ok=True)
        config = self.folder / "server.pa"
        config.write_text(CONFIG.format(socket=self.socket))
        self.process = subprocess.Popen(
            [
                "pulseaudio",
                "-n",
                "-F",
                str(config),
                "--daemonize=no",
                "--exit-idle-time=-1",
                "--use-pid-file=no",
                f"--log-target=file:{self.folder / 'server.log'}",
            ],
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            ready = subprocess.run(
                ["pactl", "list", "short", "sources"], env=self.env, capture_output=True, text=True
            )
            if ready.returncode == 0 and "hearth_mic" in ready.stdout:
                self._mic = MicWriter(self.env)
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        log = (self.folder / "server.log").read_text(errors="replace")[-2000:]
        self.stop()
        raise RuntimeError(f"PulseAudio did not start:\n{log}")

    def say(self, samples: np.ndarray) -> float:
        """Queue int16 samples for the microphone; returns the seconds until they are heard."""
        assert self._mic is not None, "start() the server first"
        return self._mic.say(samples)

    def record_speaker(self, path: Path) -> subprocess.Popen[bytes]:
        """A parec process writing raw 16 kHz mono int16 from the speaker until terminated."""
        out = path.open("wb")
        try:
            return subprocess.Popen(
                ["parec", "-d", "hearth_speaker.monitor", *STREAM],
                env=self.env,
                stdout=out,
                stderr=subprocess.DEVNULL,
            )
        finally:
            out.close()

    def kill(self) -> None:
        """The server dies at once (SIGKILL), as in a crash."""
        if self._mic is not None:
            self._mic.close()
            self._mic = None
        if self.process is not None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)
            self.process = None
        self.socket.unlink(missing_ok=True)

    def stop(self) -> None:
        """End the server (by its PID) and the microphone writer."""
        if self._mic is not None:
            self._mic.close()
            self._mic = None
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None


class MicWriter:
    """Keeps audio flowing into the virtual microphone: queued speech, else silence."""

    CHUNK = RATE // 20  # 50 ms

    def __init__(self, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            ["pacat", "--playback", "-d", "hearth_mic_sink", *STREAM],
            env=env,
            stdin=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self._queue: queue.Queue[np.ndarray] = queue.Queue()
        self._queued_s = 0.0
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._write, daemon=True)
        self._thread.start()

    def say(self, samples: np.ndarray) -> float:
        with self._lock:
            waiting = self._queued_s
            self._queued_s += len(samples) / RATE
        for start in range(0, len(samples), self.CHUNK):
            self._queue.put(samples[start : start + self.CHUNK])
        return waiting + len(samples) / RATE

    def _write(self) -> None:
        silence = np.zeros(self.CHUNK, dtype="<i2")
        began, written = time.monotonic(), 0.0
        assert self.process.stdin is not None
        while not self._closed.is_set():
            try:
                piece = self._queue.get_nowait()
                with self._lock:
                    self._queued_s -= len(piece) / RATE
            except queue.Empty:
                piece = silence
            try:
                self.process.stdin.write(piece.astype("<i2").tobytes())
                self.process.stdin.flush()
            except (BrokenPipeError, ValueError):
                return
            written += len(piece) / RATE
            # Stay at most 0.2 s ahead of real time, as a real microphone would.
            time.sleep(max(0.0, written - 0.2 - (time.monotonic() - began)))

    def close(self) -> None:
        self._closed.set()
        self._thread.join(timeout=5)
        if self.process.stdin is not None:
            with contextlib.suppress(BrokenPipeError):
                self.process.stdin.close()
        self.process.terminate()
        self.process.wait(timeout=10)
