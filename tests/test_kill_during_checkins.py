"""`kill -9` while check-ins are being written: the journal must open cleanly every time,
every check-in whose goodbye reply came back must be in it, and so must an open
check-in in which the parent had named a feeling.

Deterministic: each kill comes right after the child has reported a given number
of replies (which it prints only once they are journaled), never after a sleep.
"""

from __future__ import annotations

import os
import queue
import random
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from voice.dialogue.journal import Journal

KILLS = 50
CHILD = Path(__file__).with_name("journal_crash_child.py")
ROOT = CHILD.parent.parent
LINE_TIMEOUT_S = 60.0
"""Only a hung child takes this long to print its next line."""


def _start(argv: list[str]) -> tuple[subprocess.Popen[str], queue.Queue[str]]:
    """Start a child with unbuffered output; its stdout lines arrive on the queue."""
    child = subprocess.Popen(
        argv,
        env={**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    lines: queue.Queue[str] = queue.Queue()

    def read() -> None:
        assert child.stdout is not None
        for line in child.stdout:
            lines.put(line.strip())

    threading.Thread(target=read, daemon=True).start()
    return child, lines


def _next_line(child: subprocess.Popen[str], lines: queue.Queue[str]) -> str:
    try:
        return lines.get(timeout=LINE_TIMEOUT_S)
    except queue.Empty:
        child.kill()
        pytest.fail(f"the child stopped talking: {child.communicate()[1]}")


def _kill(child: subprocess.Popen[str], lines: queue.Queue[str]) -> list[str]:
    """SIGKILL the child now; every line it printed before dying."""
    child.send_signal(signal.SIGKILL)
    child.communicate(timeout=30)  # also waits for the reader to see end of file
    rest = []
    while not lines.empty():
        rest.append(lines.get())
    return rest


def _run_until_killed(scripts: Path, journal: Path, replies: int) -> list[str]:
    """Start the child, SIGKILL it as soon as it has reported ``replies`` goodbyes; its lines."""
    child, lines = _start([sys.executable, str(CHILD), str(scripts), str(journal)])
    seen = [_next_line(child, lines)]
    while sum(1 for x in seen if x.startswith("done")) < replies:
        seen.append(_next_line(child, lines))
    return seen + _kill(child, lines)


@pytest.mark.slow
def test_kill_9_at_many_points_loses_no_checkin(small_scripts: Path, tmp_path: Path) -> None:
    journal = tmp_path / "journal.db"
    rng = random.Random(1234)
    finished = 0
    for kill in range(KILLS):
        # Mostly early kills (opening, first writes), some after several check-ins.
        lines = _run_until_killed(small_scripts, journal, rng.choice([0, 0, 1, 1, 2, 3, 5]))
        assert lines[0] == "open clean", (kill, lines[:3])
        assert not [x for x in lines if x.startswith("notice")], (kill, lines)
        finished += sum(1 for x in lines if x.startswith("done"))
        with Journal(journal) as opened:
            assert opened.notice is None, (kill, opened.notice)
            saved = opened.checkins()
        done = [c for c in saved if c.finished]
        assert len(done) >= finished, f"kill {kill}: {finished} replies finished, {len(done)} saved"
        # Each kill leaves at most one check-in it cut short, finished or not.
        assert len(saved) <= finished + kill + 1, (kill, finished, len(saved))
        # The first sentence names a feeling: no check-in is saved without it.
        assert all(c.feelings for c in saved), (kill, saved)
    conn = sqlite3.connect(journal)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        conn.close()
    assert not list(tmp_path.glob("journal.db.corrupt-*"))


@pytest.mark.slow
def test_kill_9_mid_checkin_keeps_the_feeling_named(small_scripts: Path, tmp_path: Path) -> None:
    journal = tmp_path / "journal.db"
    child, lines = _start(
        [
            *(sys.executable, "-m", "voice", "chat"),
            *("--intents", str(small_scripts), "--journal", str(journal)),
        ]
    )
    assert child.stdin is not None
    child.stdin.write("i feel so guilty\n")
    child.stdin.flush()
    # The reply is printed only once the turn is journaled: kill as soon as it is seen.
    reply = _next_line(child, lines)
    assert "hearth>" in reply, reply
    _kill(child, lines)

    with Journal(journal) as opened:
        assert opened.notice is None
        [cut_short] = opened.checkins()
    assert cut_short.feelings == ("guilty",)
    assert cut_short.intents == ("name_feeling",)
    assert not cut_short.finished
    assert cut_short.transcript == ()  # transcripts were not turned on
