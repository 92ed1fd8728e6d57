"""Tests for the check-in journal, on real SQLite files in tmp_path (no mocks)."""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import stat
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from voice.dialogue import journal_schema
from voice.dialogue.journal import CheckIn, Journal, JournalSummary, summary_sentence
from voice.errors import HearthError, JournalError

REPO = Path(__file__).resolve().parents[1]
T0 = datetime(2024, 5, 10, 12, 0, tzinfo=UTC)
NOUNS = {"guilty": "guilt", "tired": "tiredness", "sad": "sadness", "lonely": "loneliness"}


def make_checkin(
    started: datetime,
    feelings: tuple[str, ...] = ("guilty",),
    intents: tuple[str, ...] = ("check_in", "name_feeling"),
    transcript: tuple[tuple[str, str], ...] = (),
) -> CheckIn:
    return CheckIn(started, started + timedelta(minutes=3), intents, feelings, transcript)


def fresh_rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    """Query the file through a new connection, not the journal's."""
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def file_bytes(path: Path) -> bytes:
    """The journal and its -wal/-shm companions, as they are on disk."""
    parts = [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]
    return b"".join(p.read_bytes() for p in parts if p.exists())


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "hearth" / "journal.db"


@pytest.fixture
def journal(db: Path) -> Iterator[Journal]:
    with Journal(db) as opened:
        yield opened


# --- storing and reading -------------------------------------------------------------


def test_round_trip_keeps_order_times_and_values(db: Path) -> None:
    first = make_checkin(T0, ("guilty", "tired"), ("check_in", "name_feeling", "mantra"))
    local = timezone(timedelta(hours=-5))
    second = make_checkin(datetime(2024, 5, 11, 7, 30, 15, 123456, tzinfo=local), ("proud",))
    with Journal(db) as journal:
        ids = [journal.record(first), journal.record(second)]
        assert ids[0] < ids[1]
    with Journal(db) as reopened:
        got = reopened.checkins()
    assert got == [first, second]
    assert got[1].started.tzinfo == UTC
    assert got[1].started == datetime(2024, 5, 11, 12, 30, 15, 123456, tzinfo=UTC)
    assert got[0].intents == ("check_in", "name_feeling", "mantra")
    stored = fresh_rows(db, "SELECT started FROM checkin ORDER BY id")
    assert stored[0] == ("2024-05-10T12:00:00.000000+00:00",)


def test_checkins_window_is_since_inclusive_until_exclusive(journal: Journal) -> None:
    for day in range(5):
        journal.record(make_checkin(T0 + timedelta(days=day)))
    got = journal.checkins(since=T0 + timedelta(days=1), until=T0 + timedelta(days=3))
    assert [c.started for c in got] == [T0 + timedelta(days=1), T0 + timedelta(days=2)]
    assert len(journal.checkins(since=T0 + timedelta(days=4))) == 1
    assert len(journal.checkins(until=T0 + timedelta(days=1))) == 1


def test_file_is_private_even_with_an_open_umask(db: Path) -> None:
    old = os.umask(0)
    try:
        with Journal(db) as journal:
            journal.record(make_checkin(T0))
            assert stat.S_IMODE(db.stat().st_mode) == 0o600
            for suffix in ("-wal", "-shm"):
                sidecar = db.with_name(db.name + suffix)
                assert sidecar.exists()
                assert stat.S_IMODE(sidecar.stat().st_mode) & 0o077 == 0
    finally:
        os.umask(old)


def test_existing_file_with_loose_mode_is_made_private(db: Path) -> None:
    db.parent.mkdir()
    db.touch()
    db.chmod(0o644)
    Journal(db).close()
    assert stat.S_IMODE(db.stat().st_mode) == 0o600


def test_wal_mode_and_schema_version_are_on_disk(journal: Journal, db: Path) -> None:
    journal.record(make_checkin(T0))
    assert fresh_rows(db, "PRAGMA journal_mode") == [("wal",)]
    assert fresh_rows(db, "PRAGMA user_version") == [(journal_schema.schema_version(),)]
    assert journal_schema.schema_version() >= 1


def test_connection_syncs_fully(journal: Journal) -> None:
    # synchronous is per connection, so it can only be read on the journal's own.
    assert journal._conn is not None
    assert journal._conn.execute("PRAGMA synchronous").fetchone() == (2,)  # FULL


def test_transcripts_are_not_stored_by_default(db: Path) -> None:
    turns = (("parent", "I snapped at my son tonight"), ("hearth", "That sounds hard."))
    with Journal(db) as journal:
        journal.record(make_checkin(T0, transcript=turns))
        assert journal.checkins()[0].transcript == ()
        assert b"snapped at my son" not in file_bytes(db)
    assert fresh_rows(db, "SELECT COUNT(*) FROM transcript_turn") == [(0,)]


def test_transcripts_are_stored_when_enabled(db: Path) -> None:
    turns = (("parent", "I snapped at my son: again"), ("hearth", "That sounds hard."))
    with Journal(db, keep_transcripts=True) as journal:
        journal.record(make_checkin(T0, transcript=turns))
    with Journal(db) as reopened:
        assert reopened.checkins()[0].transcript == turns
    assert fresh_rows(db, "SELECT COUNT(*) FROM transcript_turn") == [(2,)]


def test_checkin_refuses_naive_times_and_unknown_speakers() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        CheckIn(datetime(2024, 5, 1), T0, (), ())
    with pytest.raises(ValueError, match="before it started"):
        CheckIn(T0, T0 - timedelta(seconds=1), (), ())
    with pytest.raises(ValueError, match="speaker"):
        CheckIn(T0, T0, (), (), (("robot", "hi"),))


def test_record_from_another_thread(journal: Journal) -> None:
    ids: list[int] = []
    worker = threading.Thread(target=lambda: ids.append(journal.record(make_checkin(T0))))
    worker.start()
    worker.join()
    assert len(ids) == 1
    assert len(journal.checkins()) == 1


def test_closed_journal_says_so(db: Path) -> None:
    with Journal(db) as journal:
        pass
    journal.close()  # twice is fine
    with pytest.raises(JournalError, match="closed"):
        journal.record(make_checkin(T0))


# --- summaries -----------------------------------------------------------------------


def test_summary_counts_only_the_window(journal: Journal) -> None:
    journal.record(make_checkin(T0 - timedelta(days=1), ("tired", "guilty"), ("mantra",)))
    journal.record(make_checkin(T0 - timedelta(days=5), ("tired",), ("check_in", "mantra")))
    journal.record(make_checkin(T0 - timedelta(days=7), ("sad",), ("mantra",)))  # edge: in
    journal.record(make_checkin(T0 - timedelta(days=7, seconds=1), ("angry",)))  # too old
    journal.record(make_checkin(T0, ("happy",)))  # "now" itself is excluded
    journal.record(make_checkin(T0 + timedelta(days=1), ("lonely",)))  # future

    summary = journal.summary(7, now=T0)

    assert summary.since == T0 - timedelta(days=7)
    assert summary.until == T0
    assert summary.checkins == 3
    assert summary.feelings == {"tired": 2, "guilty": 1, "sad": 1}
    assert list(summary.feelings) == ["tired", "guilty", "sad"]  # most first, ties a-z
    assert list(summary.intents.items()) == [("mantra", 3), ("check_in", 1)]
    assert journal.summary(1, now=T0).checkins == 1


def test_summary_needs_an_aware_now_and_positive_days(journal: Journal) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        journal.summary(7, now=datetime(2024, 5, 10))
    with pytest.raises(ValueError, match="at least 1"):
        journal.summary(0, now=T0)


def summary_of(checkins: int, feelings: dict[str, int]) -> JournalSummary:
    return JournalSummary(T0 - timedelta(days=7), T0, checkins, feelings, {})


@pytest.mark.parametrize(
    ("checkins", "feelings", "expected"),
    [
        (0, {}, "There's nothing in your journal for this week yet."),
        (1, {}, "This week you checked in once, without naming a feeling."),
        (2, {}, "This week you checked in twice, without naming a feeling."),
        (1, {"guilty": 1}, "This week you named guilt once."),
        (
            5,
            {"guilty": 3, "tired": 2},
            "This week you named guilt three times and tiredness twice.",
        ),
        (
            9,
            {"guilty": 12, "tired": 4, "sad": 1},
            "This week you named guilt twelve times, tiredness four times and sadness once.",
        ),
        (
            9,
            {"lonely": 1, "guilty": 20, "tired": 2, "sad": 3},
            "This week you named guilt twenty times, sadness three times and tiredness twice.",
        ),
        (1, {"torn": 1}, "This week you named torn once."),  # no noun: the feeling as is
    ],
)
def test_summary_sentence(checkins: int, feelings: dict[str, int], expected: str) -> None:
    assert summary_sentence(summary_of(checkins, feelings), NOUNS) == expected


def test_summary_sentence_capitalises_the_period_only_at_the_start() -> None:
    assert summary_sentence(summary_of(2, {"tired": 2}), NOUNS, "today") == (
        "Today you named tiredness twice."
    )
    assert summary_sentence(summary_of(0, {}), NOUNS, "the last 30 days") == (
        "There's nothing in your journal for the last 30 days yet."
    )


def test_summary_sentence_from_a_real_journal(journal: Journal) -> None:
    for feelings in [("guilty", "tired"), ("guilty",), ("guilty", "tired")]:
        journal.record(make_checkin(T0 - timedelta(days=2), feelings))
    sentence = summary_sentence(journal.summary(7, now=T0), NOUNS)
    assert sentence == "This week you named guilt three times and tiredness twice."


# --- export --------------------------------------------------------------------------


@pytest.fixture
def filled(db: Path) -> Iterator[Journal]:
    with Journal(db, keep_transcripts=True) as journal:
        journal.record(
            make_checkin(
                T0,
                ("guilty", "tired"),
                ("check_in", "name_feeling"),
                (("parent", 'Rough day, "really", truly'), ("hearth", "Line one\nline two")),
            )
        )
        journal.record(make_checkin(T0 + timedelta(hours=2), (), ("help",)))
        yield journal


def test_export_json_parses_back(filled: Journal) -> None:
    data = json.loads(filled.export("json"))
    assert data["format"] == "hearth-journal"
    rows = data["checkins"]
    assert [row["intents"] for row in rows] == [["check_in", "name_feeling"], ["help"]]
    assert rows[0]["feelings"] == ["guilty", "tired"]
    assert rows[1]["feelings"] == []
    assert rows[0]["transcript"][1] == {"speaker": "hearth", "text": "Line one\nline two"}
    assert datetime.fromisoformat(rows[1]["started"]) == T0 + timedelta(hours=2)
    assert isinstance(rows[0]["id"], int)


def test_export_csv_parses_back(filled: Journal) -> None:
    rows = list(csv.DictReader(io.StringIO(filled.export("csv"))))
    assert len(rows) == 2
    assert rows[0]["intents"].split(";") == ["check_in", "name_feeling"]
    assert rows[0]["feelings"].split(";") == ["guilty", "tired"]
    assert rows[1]["feelings"] == ""
    assert datetime.fromisoformat(rows[0]["ended"]) == T0 + timedelta(minutes=3)
    lines = rows[0]["transcript"].split("\n")
    assert lines[0] == 'parent: Rough day, "really", truly'
    assert lines[1:] == ["hearth: Line one", "line two"]


def test_export_unknown_format_says_which_are_known(journal: Journal) -> None:
    with pytest.raises(JournalError, match="csv, json"):
        journal.export("xml")


# --- forgetting ----------------------------------------------------------------------


def test_forget_before_a_date_removes_those_rows_for_good(db: Path) -> None:
    days = [T0, T0 + timedelta(days=1), T0 + timedelta(days=2)]
    with Journal(db, keep_transcripts=True) as journal:
        for n, day in enumerate(days):
            journal.record(make_checkin(day, transcript=(("parent", f"secret-{n} " * 50),)))
        assert b"secret-0" in file_bytes(db)

        removed = journal.forget(before=days[1])

        assert removed == 1
        assert [c.started for c in journal.checkins()] == days[1:]
        on_disk = file_bytes(db)
        assert b"secret-0" not in on_disk
        assert b"secret-1" in on_disk
    assert fresh_rows(db, "SELECT started FROM checkin ORDER BY started") == [
        ("2024-05-11T12:00:00.000000+00:00",),
        ("2024-05-12T12:00:00.000000+00:00",),
    ]
    assert fresh_rows(db, "SELECT COUNT(*) FROM checkin_feeling") == [(2,)]
    assert fresh_rows(db, "SELECT COUNT(*) FROM transcript_turn") == [(2,)]


def test_forget_all_empties_the_file(db: Path) -> None:
    with Journal(db, keep_transcripts=True) as journal:
        for n in range(20):
            text = f"private-words-{n} " * 200
            journal.record(make_checkin(T0 + timedelta(hours=n), transcript=(("parent", text),)))
    size_before = db.stat().st_size  # closed: everything is in the main file
    assert b"private-words" in db.read_bytes()

    with Journal(db, keep_transcripts=True) as journal:
        assert journal.forget() == 20

        assert journal.checkins() == []
        assert b"private-words" not in file_bytes(db)
        assert db.stat().st_size < size_before / 4  # vacuumed, not just marked free
        assert journal.forget() == 0
    for table in ("checkin", "checkin_intent", "checkin_feeling", "transcript_turn"):
        assert fresh_rows(db, f"SELECT COUNT(*) FROM {table}") == [(0,)]
    assert b"private-words" not in db.read_bytes()


# --- damaged files and bad locations -------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [b"shopping list: milk, eggs\n" * 10, os.urandom(8192), b"SQLite format 3\x00" + b"\xff" * 200],
    ids=["text", "random", "bad-header"],
)
def test_unreadable_file_is_kept_aside_and_a_new_journal_started(db: Path, content: bytes) -> None:
    db.parent.mkdir()
    db.write_bytes(content)

    with Journal(db) as journal:
        assert journal.notice is not None
        kept = [p for p in db.parent.iterdir() if p.name.startswith("journal.db.corrupt-")]
        assert len(kept) == 1
        assert kept[0].read_bytes() == content
        assert str(kept[0]) in journal.notice
        assert "new" in journal.notice
        journal.record(make_checkin(T0))
    with Journal(db) as reopened:
        assert reopened.notice is None
        assert len(reopened.checkins()) == 1


def test_damaged_pages_are_detected_and_kept(db: Path) -> None:
    with Journal(db, keep_transcripts=True) as journal:
        for n in range(40):
            journal.record(
                make_checkin(T0 + timedelta(hours=n), transcript=(("parent", "x" * 900),))
            )
    good = db.read_bytes()
    assert len(good) > 4096 * 4
    damaged = good[:4096] + bytes(range(256)) * ((len(good) - 4096) // 256)
    db.write_bytes(damaged)

    with Journal(db) as journal:
        assert journal.notice is not None
        assert journal.checkins() == []
    kept = list(db.parent.glob("journal.db.corrupt-*"))
    assert [p.read_bytes() for p in kept] == [damaged]


def test_quick_check_problem_is_detected_and_kept(db: Path) -> None:
    with Journal(db) as journal:
        journal.record(make_checkin(T0))
    good = db.read_bytes()
    pages = len(good) // 4096
    # Claim one more page than any table uses: readable, but quick_check reports it.
    damaged = good[:28] + (pages + 1).to_bytes(4, "big") + good[32:] + bytes(4096)
    db.write_bytes(damaged)
    assert fresh_rows(db, "SELECT COUNT(*) FROM checkin") == [(1,)]

    with Journal(db) as journal:
        assert journal.notice is not None
        assert "never used" in journal.notice
        assert journal.checkins() == []
    kept = list(db.parent.glob("journal.db.corrupt-*"))
    assert [p.read_bytes() for p in kept] == [damaged]


def test_damaged_files_log_goes_aside_with_it(db: Path) -> None:
    db.parent.mkdir()
    db.write_text("not a database")
    stray_log = os.urandom(5000)
    db.with_name("journal.db-wal").write_bytes(stray_log)

    with Journal(db) as journal:
        journal.record(make_checkin(T0))
        assert len(journal.checkins()) == 1
    (kept,) = db.parent.glob("journal.db.corrupt-*-wal")
    assert kept.read_bytes() == stray_log


def test_two_damaged_files_in_one_second_get_two_names(db: Path) -> None:
    db.parent.mkdir()
    for n in range(2):
        db.write_text(f"not a database {n}")
        Journal(db).close()
    kept = sorted(db.parent.glob("journal.db.corrupt-*"))
    assert sorted(p.read_text() for p in kept) == ["not a database 0", "not a database 1"]


def test_location_under_a_file_is_a_readable_error(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("I am a file")
    with pytest.raises(JournalError) as caught:
        Journal(tmp_path / "afile" / "journal.db")
    message = str(caught.value)
    assert "cannot open its journal" in message
    assert "Choose another location for the journal." in message
    assert "Traceback" not in message
    assert isinstance(caught.value, HearthError)


def test_location_that_is_a_folder_is_a_readable_error(tmp_path: Path) -> None:
    (tmp_path / "journal.db").mkdir()
    with pytest.raises(JournalError, match="folder"):
        Journal(tmp_path / "journal.db")


def test_newer_schema_is_refused_and_left_alone(db: Path) -> None:
    db.parent.mkdir()
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    before = db.read_bytes()
    with pytest.raises(JournalError, match="newer version of Hearth"):
        Journal(db)
    assert db.read_bytes() == before
    assert not list(db.parent.glob("*.corrupt-*"))


def test_someone_elses_database_is_refused(db: Path) -> None:
    db.parent.mkdir()
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.close()
    before = db.read_bytes()
    with pytest.raises(JournalError, match="not a Hearth journal"):
        Journal(db)
    assert db.read_bytes() == before
    assert fresh_rows(db, "SELECT name FROM sqlite_schema") == [("recipes",)]


def test_migrations_upgrade_an_older_file(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with Journal(db) as journal:
        journal.record(make_checkin(T0))
    extra_step = ("ALTER TABLE checkin ADD COLUMN mood TEXT",)
    monkeypatch.setattr(journal_schema, "_MIGRATIONS", (*journal_schema._MIGRATIONS, extra_step))
    with Journal(db) as upgraded:
        assert upgraded.checkins() == [make_checkin(T0)]
    assert fresh_rows(db, "PRAGMA user_version") == [(3,)]
    columns = [row[1] for row in fresh_rows(db, "PRAGMA table_info(checkin)")]
    assert "mood" in columns


def test_a_file_from_before_unfinished_checkins_opens_with_them_all_finished(db: Path) -> None:
    db.parent.mkdir()
    conn = sqlite3.connect(db)
    try:
        for statement in journal_schema._MIGRATIONS[0]:  # the schema Hearth wrote as version 1
            conn.execute(statement)
        conn.execute("INSERT INTO checkin VALUES (1, ?, ?)", (T0.isoformat(), T0.isoformat()))
        conn.execute("INSERT INTO checkin_feeling VALUES (1, 0, 'tired')")
        conn.execute("PRAGMA user_version = 1")
        conn.commit()
    finally:
        conn.close()
    with Journal(db) as upgraded:
        [old] = upgraded.checkins()
    assert old.feelings == ("tired",) and old.finished
    assert fresh_rows(db, "PRAGMA user_version") == [(journal_schema.schema_version(),)]


# --- failures while writing ----------------------------------------------------------


def test_full_disk_loses_nothing_half_written(db: Path) -> None:
    with Journal(db, keep_transcripts=True) as journal:
        journal.record(make_checkin(T0))
        conn = journal._conn
        assert conn is not None
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")  # a real SQLITE_FULL from here on
        big = make_checkin(T0 + timedelta(days=1), transcript=(("parent", "long " * 5000),))

        with pytest.raises(JournalError) as caught:
            journal.record(big)

        assert str(caught.value).startswith("The check-in could not be saved: the disk is full.")
        assert len(journal.checkins()) == 1
        conn.execute("PRAGMA max_page_count = 1000000")
        journal.record(big)
        assert len(journal.checkins()) == 2
    assert fresh_rows(db, "SELECT COUNT(*) FROM checkin_feeling") == [(2,)]


def test_read_only_journal_says_the_checkin_was_not_saved(journal: Journal) -> None:
    assert journal._conn is not None
    journal._conn.execute("PRAGMA query_only = ON")
    with pytest.raises(JournalError, match=r"could not be saved: the journal is read-only\."):
        journal.record(make_checkin(T0))


# --- crash safety --------------------------------------------------------------------


def test_checkins_survive_a_crash_without_close(db: Path) -> None:
    script = textwrap.dedent(
        """
        import os, sys
        from datetime import UTC, datetime, timedelta
        from pathlib import Path
        from voice.dialogue.journal import CheckIn, Journal

        journal = Journal(Path(sys.argv[1]))
        start = datetime(2024, 5, 10, 20, 0, tzinfo=UTC)
        for n in range(3):
            at = start + timedelta(hours=n)
            journal.record(CheckIn(at, at + timedelta(minutes=2), ("check_in",), ("tired",)))
        os._exit(0)
        """
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-c", script, str(db)], cwd=REPO, env=env, capture_output=True, timeout=60
    )
    assert done.returncode == 0, done.stderr.decode()
    wal = db.with_name(db.name + "-wal")
    assert wal.exists() and wal.stat().st_size > 0  # never closed: the rows live in the log

    assert fresh_rows(db, "SELECT COUNT(*) FROM checkin") == [(3,)]
    with Journal(db) as reopened:
        assert reopened.notice is None
        assert [c.feelings for c in reopened.checkins()] == [("tired",)] * 3


# --- the device's journal: never silent, nothing lost ----------------------------------


@pytest.fixture
def locked(db: Path) -> Iterator[sqlite3.Connection]:
    """Another program holding the journal's write lock (a real SQLite lock)."""
    Journal(db).close()
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        yield other
    finally:
        other.close()


def test_for_device_keeps_checkins_in_memory_until_the_folder_can_be_made(
    tmp_path: Path,
) -> None:
    blocker = tmp_path / "hearth"
    blocker.write_text("a file where the journal's folder should be")
    path = blocker / "journal.db"
    journal = Journal.for_device(path, keep_transcripts=False)
    assert journal.notice is not None
    assert "part of that path is a file" in journal.notice and "in memory" in journal.notice
    journal.record(make_checkin(T0, ("guilty",)))
    assert journal.held == 1
    assert [c.feelings for c in journal.checkins()] == [("guilty",)]
    assert journal.summary(days=7, now=T0 + timedelta(hours=1)).feelings == {"guilty": 1}

    blocker.unlink()  # the parent fixes it; the next check-in brings the held one along
    journal.record(make_checkin(T0 + timedelta(hours=1), ("tired",)))
    assert journal.held == 0 and journal.notice is None
    journal.close()
    assert fresh_rows(path, "SELECT feeling FROM checkin_feeling ORDER BY checkin_id") == [
        ("guilty",),
        ("tired",),
    ]


def test_for_device_waits_out_a_lock_and_writes_at_close(
    db: Path, locked: sqlite3.Connection
) -> None:
    journal = Journal.for_device(db, keep_transcripts=False)
    assert journal.notice is not None and "in use by another program" in journal.notice
    entry = journal.record(make_checkin(T0, ("sad",)))
    assert journal.held == 1
    locked.execute("ROLLBACK")
    journal.close()
    assert fresh_rows(db, "SELECT feeling FROM checkin_feeling") == [("sad",)]
    assert entry >= 1


def test_for_device_holds_a_checkin_the_full_disk_refused(db: Path) -> None:
    journal = Journal.for_device(db, keep_transcripts=True)
    assert journal.notice is None
    journal.record(make_checkin(T0))
    conn = journal._conn
    assert conn is not None
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages}")  # a real SQLITE_FULL on this connection
    big = make_checkin(T0 + timedelta(days=1), transcript=(("parent", "long " * 5000),))
    journal.record(big)
    assert journal.held == 1
    assert journal.notice is not None and "the disk is full" in journal.notice
    assert journal.checkins() == [make_checkin(T0), big]
    journal.close()  # a fresh connection has room again
    with Journal(db, keep_transcripts=True) as reopened:
        assert reopened.checkins() == [make_checkin(T0), big]


def test_for_device_writes_the_latest_state_of_a_held_checkin_once(
    db: Path, locked: sqlite3.Connection
) -> None:
    journal = Journal.for_device(db, keep_transcripts=False)
    opened = CheckIn(T0, T0, ("check_in",), (), finished=False)
    entry = journal.record(opened)
    grown = CheckIn(T0, T0 + timedelta(minutes=1), ("check_in", "name_feeling"), ("guilty",))
    assert journal.record(grown, entry) == entry
    assert journal.checkins() == [grown]
    locked.execute("ROLLBACK")
    journal.close()
    with Journal(db) as reopened:
        assert reopened.checkins() == [grown]


def test_for_device_says_when_nothing_can_be_read(tmp_path: Path) -> None:
    (tmp_path / "hearth").write_text("not a folder")
    journal = Journal.for_device(tmp_path / "hearth" / "journal.db", keep_transcripts=False)
    with pytest.raises(JournalError, match="part of that path is a file"):
        journal.summary(days=7, now=T0)
    with pytest.raises(JournalError, match="could not be cleared"):
        journal.forget()
    journal.close()


def test_unfinished_checkins_are_kept_exported_and_written_again_as_they_grow(
    db: Path,
) -> None:
    with Journal(db) as journal:
        entry = journal.record(CheckIn(T0, T0, ("name_feeling",), ("guilty",), finished=False))
        assert journal.checkins()[0].finished is False
        assert json.loads(journal.export("json"))["checkins"][0]["finished"] is False
        [row] = list(csv.DictReader(io.StringIO(journal.export("csv"))))
        assert row["finished"] == "no" and row["feelings"] == "guilty"
        assert journal.summary(days=1, now=T0 + timedelta(hours=1)).feelings == {"guilty": 1}
        done = CheckIn(T0, T0 + timedelta(minutes=2), ("name_feeling", "goodbye"), ("guilty",))
        journal.record(done, entry)
    with Journal(db) as reopened:
        assert reopened.checkins() == [done]
