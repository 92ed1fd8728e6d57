"""`kill -9` at random moments while check-ins are being written: the journal must open
cleanly every time, and every check-in whose goodbye reply came back must be in it."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from voice.dialogue.journal import Journal

KILLS = 50
CHILD = Path(__file__).with_name("journal_crash_child.py")
ROOT = CHILD.parent.parent


def _run_until_killed(scripts: Path, journal: Path, after_s: float) -> list[str]:
    """Start the child, SIGKILL it ``after_s`` seconds after its journal is open; its lines."""
    child = subprocess.Popen(
        [sys.executable, str(CHILD), str(scripts), str(journal)],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    lines: list[str] = []
    opened = threading.Event()

    def read() -> None:
        assert child.stdout is not None
        for line in child.stdout:
            lines.append(line.strip())
            if line.startswith("open"):
                opened.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    if not opened.wait(60):
        child.kill()
        pytest.fail(f"the child never opened the journal: {child.communicate()[1]}")
    time.sleep(after_s)
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    reader.join(timeout=30)
    return lines


@pytest.mark.slow
def test_kill_9_at_random_points_loses_no_finished_checkin(
    small_scripts: Path, tmp_path: Path
) -> None:
    journal = tmp_path / "journal.db"
    rng = random.Random(1234)
    finished = 0
    for kill in range(KILLS):
        # Mostly early kills (opening, first writes), some after many check-ins.
        lines = _run_until_killed(
            small_scripts, journal, rng.choice([0, 0.01, 0.05, 0.2, 0.6]) * rng.random()
        )
        assert lines[0] == "open clean", (kill, lines[:3])
        assert not [x for x in lines if x.startswith("notice")], (kill, lines)
        finished += sum(1 for x in lines if x.startswith("done"))
        with Journal(journal) as opened:
            assert opened.notice is None, (kill, opened.notice)
            saved = len(opened.checkins())
        assert saved >= finished, f"kill {kill}: {finished} replies finished, {saved} saved"
        # At most one check-in per kill was saved without its reply being heard.
        assert saved <= finished + kill + 1, (kill, finished, saved)
    print(f"{KILLS} kills, {finished} check-ins finished, {saved} saved")
    assert finished >= KILLS, "too few check-ins finished to say anything"
    conn = sqlite3.connect(journal)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        conn.close()
    assert not list(tmp_path.glob("journal.db.corrupt-*"))
