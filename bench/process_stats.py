"""Run a command and measure it as a user would see it: when it is ready, and its peak memory.

Peak memory is the child's own high-water mark (VmHWM in /proc), polled while it
runs. ``getrusage``/``wait4`` would not do: their ru_maxrss counts the parent's pages
that the child held between fork and exec, so a small program started from a big
benchmark or test process reports the big one's size.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Measured:
    """What one run of a command did."""

    returncode: int
    stdout: str
    stderr: str
    ready_s: float
    """Seconds from start until ``ready_marker`` appeared on stderr (NaN if it never did)."""
    peak_rss_mb: float
    """The process's peak resident memory (VmHWM), in MB."""


def hearth_env(
    home: Path, intents: Path | None = None, base: Mapping[str, str] | None = None
) -> dict[str, str]:
    """An environment for running `hearth` that keeps its journal, config and user scripts
    under ``home`` (``intents``: the user's scripts folder, default none), whatever
    HEARTH_* variables the caller's environment has."""
    env = {k: v for k, v in (base or os.environ).items() if not k.startswith("HEARTH_")}
    return env | {
        "HEARTH_JOURNAL": str(home / "journal.db"),
        "HEARTH_INTENTS": str(intents or home / "no-user-scripts"),
        "HEARTH_CONFIG": str(home / "config.toml"),
    }


def _hwm_mb(pid: int) -> float | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return None


def run_measured(
    args: list[str],
    env: dict[str, str] | None = None,
    ready_marker: str = "",
    timeout: float = 3600,
) -> Measured:
    """Run ``args`` to the end, polling its peak memory every 20 ms."""
    began = time.perf_counter()
    process = subprocess.Popen(
        args,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    peak = [0.0]
    ready = [float("nan")]
    err_lines: list[str] = []

    def poll() -> None:
        while process.poll() is None:
            hwm = _hwm_mb(process.pid)
            if hwm is not None:
                peak[0] = max(peak[0], hwm)
            time.sleep(0.02)

    def read_stderr() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            if ready_marker and ready[0] != ready[0] and ready_marker in line:
                ready[0] = time.perf_counter() - began
            err_lines.append(line)

    threads = [threading.Thread(target=poll), threading.Thread(target=read_stderr)]
    for thread in threads:
        thread.start()
    assert process.stdout is not None
    out = process.stdout.read()
    process.wait(timeout=timeout)
    for thread in threads:
        thread.join()
    return Measured(process.returncode, out, "".join(err_lines), ready[0], peak[0])
