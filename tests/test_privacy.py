"""Privacy as a parent would check it: no network listener, private files, nothing kept
that the parent did not ask to keep."""

from __future__ import annotations

import os
import signal
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

DEMO = Path(__file__).resolve().parent.parent / "voice" / "cli" / "demo_audio"


def env_for(tmp_path: Path) -> dict[str, str]:
    """The user's environment with Hearth's homes moved under ``tmp_path`` (no HEARTH_* paths)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HEARTH_")}
    return env | {
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
    }


def hearth(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "voice", *args], env=env, capture_output=True, text=True, timeout=60
    )


def listening_inodes() -> set[str]:
    """Inodes of every TCP socket in LISTEN state and every bound UDP socket on the machine."""
    found: set[str] = set()
    for name in ("tcp", "tcp6", "udp", "udp6"):
        table = Path("/proc/net") / name
        if not table.exists():
            continue
        for line in table.read_text().splitlines()[1:]:
            fields = line.split()
            state, inode = fields[3], fields[9]
            if name.startswith("udp") or state == "0A":
                found.add(inode)
    return found


def socket_inodes(pid: int) -> set[str]:
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:[") : -1])
    return inodes


# Runs ``hearth`` and stops it (SIGSTOP) when it opens the input WAV (everything is set
# up: scripts, journal, recogniser, synthesiser) and when it starts writing the output
# (the whole input has been heard and answered), so those two moments are always
# looked at, however fast or slow the machine is; Python code binding a socket at any
# moment says so in the log.
STOPPING_HEARTH = """
import os, runpy, signal, sys

def stop_at(event, args):
    if event == "socket.bind":
        print("BOUND A SOCKET", args[1], file=sys.stderr, flush=True)
    if event == "open" and isinstance(args[0], str):
        name = os.path.basename(args[0])
        if name == input_name or name.startswith("." + output_name + "."):
            os.kill(os.getpid(), signal.SIGSTOP)

input_name, output_name = sys.argv[1:3]
sys.argv = ["hearth", *sys.argv[3:]]
sys.addaudithook(stop_at)
runpy.run_module("voice", run_name="__main__", alter_sys=True)
"""


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="needs Linux /proc")
def test_run_opens_no_listening_socket_and_keeps_no_audio_or_words(tmp_path: Path) -> None:
    out = tmp_path / "reply.wav"
    wav = DEMO / "01_guilty.wav"
    log = tmp_path / "run.log"
    with log.open("w") as output:
        proc = subprocess.Popen(
            [
                *(sys.executable, "-c", STOPPING_HEARTH, wav.name, out.name),
                *("run", "--wake", "", "--input", str(wav), "--output", str(out)),
            ],
            env=env_for(tmp_path) | {"PYTHONPATH": str(DEMO.parents[2])},
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        listening: set[str] = set()
        stops = 0
        while True:
            _, status = os.waitpid(proc.pid, os.WUNTRACED)
            if not os.WIFSTOPPED(status):
                break
            stops += 1
            listening |= socket_inodes(proc.pid) & listening_inodes()
            os.kill(proc.pid, signal.SIGCONT)
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    assert proc.returncode == 0, log.read_text()
    assert stops == 2, (
        f"hearth was looked at {stops} times, not at start and end: {log.read_text()}"
    )
    assert not listening, f"hearth run listens on the network (socket inodes {listening})"
    assert "BOUND A SOCKET" not in log.read_text()
    assert out.exists() and out.stat().st_size > 1000

    written = sorted(p for p in tmp_path.rglob("*") if p.is_file() and p not in (out, log))
    names = {p.name for p in written}
    assert names <= {"journal.db", "journal.db-wal", "journal.db-shm"}, written
    assert not [p for p in tmp_path.rglob("*.wav") if p != out]
    journal = tmp_path / "data" / "hearth" / "journal.db"
    assert stat.S_IMODE(journal.stat().st_mode) == 0o600
    with sqlite3.connect(journal) as db:
        rows = db.execute("SELECT * FROM checkin").fetchall()
        dump = "\n".join(db.iterdump()).lower()
    assert rows, "the check-in should be in the journal"
    with sqlite3.connect(journal) as db:
        assert db.execute("SELECT count(*) FROM transcript_turn").fetchone() == (0,)
    assert "bedtime" not in dump and "so guilty" not in dump  # what was said is not kept


def test_config_init_writes_a_private_file_and_never_overwrites(tmp_path: Path) -> None:
    env = env_for(tmp_path)
    old = os.umask(0o022)
    try:
        first = hearth("config", "init", env=env)
    finally:
        os.umask(old)
    assert first.returncode == 0, first.stderr
    path = tmp_path / "config" / "hearth" / "config.toml"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert 'crisis_line = "988"' in path.read_text()

    path.write_text('crisis_line = "116 123"\n')
    again = hearth("config", "init", env=env)
    assert again.returncode == 1
    assert "already exists" in again.stderr and "--force" in again.stderr
    assert "Traceback" not in again.stderr
    assert path.read_text() == 'crisis_line = "116 123"\n'

    shown = hearth("config", "show", env=env)
    assert 'crisis_line = "116 123"' in shown.stdout
