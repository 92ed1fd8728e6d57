"""The journal's SQLite file: open, create, migrate, set aside a damaged file, read and write rows.

The file is in WAL mode with ``synchronous=FULL`` and every write is one
transaction, so a crash or power cut never loses a committed check-in. The file
and its ``-wal``/``-shm`` companions are readable by their owner only (0600).
The schema version lives in ``PRAGMA user_version`` and older files are
upgraded step by step on open (see ``journal_schema``).

A file that is not a readable SQLite database is never deleted: it is renamed
to ``<name>.corrupt-<UTC timestamp>`` and a new journal is started.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from voice.dialogue.checkin import CheckIn, to_text
from voice.dialogue.journal_schema import migration, schema_version
from voice.errors import JournalError
from voice.files import create_private

__all__ = [
    "FOREVER_AFTER",
    "FOREVER_BEFORE",
    "delete_before",
    "failure",
    "open_store",
    "read_rows",
    "reason",
    "write_checkin",
]

FOREVER_BEFORE = ""
FOREVER_AFTER = "~"
"""Bounds for an open time window: every stored time (``"2024-..."``) sorts between them."""

_SQLITE_HEADER = b"SQLite format 3\x00"
"""The first 16 bytes of every SQLite database file."""

_CHILD_TABLES = ("checkin_intent", "checkin_feeling", "transcript_turn")


class _DamagedFile(Exception):
    """The file at the journal path is not a readable SQLite database."""

    def __init__(self, reason: str) -> None:
        self.reason = " ".join(reason.split())  # quick_check output spans lines
        super().__init__(self.reason)


def open_store(path: Path, busy_timeout_s: float) -> tuple[sqlite3.Connection, str | None]:
    """Open the journal at ``path``, creating it (and its folder) if needed.

    Returns the connection and, when a damaged file had to be set aside, a
    sentence telling the user where it is. Raises JournalError when the
    location cannot be used (no permission, read-only, not a folder, newer schema).
    """
    _create_private_file(path)
    try:
        return _open(path, busy_timeout_s), None
    except _DamagedFile as damaged:
        aside = _set_aside(path)
        _create_private_file(path)
        try:
            conn = _open(path, busy_timeout_s)
        except _DamagedFile as again:
            raise JournalError(
                f"Hearth cannot start a new journal at {path}: {again.reason}. "
                "Choose another location for the journal."
            ) from again
        return conn, (
            f"Hearth could not read your journal ({damaged.reason}), so it started a new "
            f"one. The old file is kept unchanged as {aside}."
        )


def write_checkin(
    conn: sqlite3.Connection, row_id: int | None, checkin: CheckIn, keep_transcripts: bool
) -> int:
    """Write ``checkin`` as row ``row_id`` (replacing what it held) or as a new row; its id.

    A row that is gone (forgotten meanwhile) is written anew.
    """
    head = (to_text(checkin.started), to_text(checkin.ended), int(checkin.finished))
    with _transaction(conn):
        found = None
        if row_id is not None:
            found = conn.execute(
                "UPDATE checkin SET started = ?, ended = ?, finished = ? WHERE id = ? RETURNING id",
                (*head, row_id),
            ).fetchone()
        if found is None:
            found = conn.execute(
                "INSERT INTO checkin (started, ended, finished) VALUES (?, ?, ?) RETURNING id",
                head,
            ).fetchone()
        new_id = int(found[0])
        for table in _CHILD_TABLES:
            conn.execute(f"DELETE FROM {table} WHERE checkin_id = ?", (new_id,))
        conn.executemany(
            "INSERT INTO checkin_intent (checkin_id, position, intent) VALUES (?, ?, ?)",
            [(new_id, i, intent) for i, intent in enumerate(checkin.intents)],
        )
        conn.executemany(
            "INSERT INTO checkin_feeling (checkin_id, position, feeling) VALUES (?, ?, ?)",
            [(new_id, i, feeling) for i, feeling in enumerate(checkin.feelings)],
        )
        if keep_transcripts:
            conn.executemany(
                "INSERT INTO transcript_turn (checkin_id, position, speaker, text)"
                " VALUES (?, ?, ?, ?)",
                [(new_id, i, s, t) for i, (s, t) in enumerate(checkin.transcript)],
            )
    return new_id


def read_rows(conn: sqlite3.Connection, window: tuple[str, str]) -> list[tuple[int, CheckIn]]:
    """``(row id, check-in)`` for check-ins that started in ``[window)``, oldest first."""
    heads = conn.execute(
        "SELECT id, started, ended, finished FROM checkin WHERE started >= ? AND started < ?"
        " ORDER BY started, id",
        window,
    ).fetchall()
    intents = _grouped(conn, "checkin_intent", "intent", window)
    feelings = _grouped(conn, "checkin_feeling", "feeling", window)
    turns = _grouped(conn, "transcript_turn", "speaker || ':' || text", window)
    return [
        (
            row_id,
            CheckIn(
                started=datetime.fromisoformat(started),
                ended=datetime.fromisoformat(ended),
                intents=tuple(intents.get(row_id, ())),
                feelings=tuple(feelings.get(row_id, ())),
                transcript=tuple(_split_turn(turn) for turn in turns.get(row_id, ())),
                finished=bool(finished),
            ),
        )
        for row_id, started, ended, finished in heads
    ]


def delete_before(conn: sqlite3.Connection, cut: str) -> int:
    """Delete check-ins that started before ``cut`` for good; how many there were.

    Deleted pages are zeroed (``secure_delete``), the file is vacuumed and the
    write-ahead log truncated.
    """
    chosen = "SELECT id FROM checkin WHERE started < ?"
    with _transaction(conn):
        count = conn.execute(f"SELECT COUNT(*) FROM ({chosen})", (cut,)).fetchone()[0]
        for table in _CHILD_TABLES:
            conn.execute(f"DELETE FROM {table} WHERE checkin_id IN ({chosen})", (cut,))
        conn.execute("DELETE FROM checkin WHERE started < ?", (cut,))
    conn.execute("VACUUM")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    return int(count)


@contextlib.contextmanager
def failure(what: str, path: Path) -> Iterator[None]:
    """Turn an SQLite failure into a JournalError that starts with ``what``."""
    try:
        yield
    except sqlite3.Error as exc:
        raise JournalError(f"{what}: {reason(exc, path)}") from exc


def reason(exc: sqlite3.Error, path: Path) -> str:
    """Why an SQLite operation failed and what to do, as the end of a sentence."""
    code = _code(exc)
    if code == sqlite3.SQLITE_FULL:
        return "the disk is full. Free some space and try again."
    if code == sqlite3.SQLITE_READONLY:
        return f"the journal is read-only. Make {path} and its folder writable for you."
    if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return "the journal is in use by another program. Try again in a moment."
    if code == sqlite3.SQLITE_PERM:
        return f"permission denied. Make {path} and its folder writable for you."
    if code == sqlite3.SQLITE_CANTOPEN:
        return f"the file cannot be opened. Check that {path.parent} exists and is writable."
    if code == sqlite3.SQLITE_IOERR:
        return f"the disk reported an error ({exc}). Check the disk and try again."
    return f"{exc}."


@contextlib.contextmanager
def _transaction(conn: sqlite3.Connection) -> Iterator[None]:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on any error."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
        raise


def _sidecars(path: Path) -> list[Path]:
    return [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm")]


def _location_error(path: Path, exc: OSError) -> JournalError:
    elsewhere = "or choose another location for the journal."
    if isinstance(exc, PermissionError):
        why = f"permission denied. Make {path.name} and {path.parent} writable for you, {elsewhere}"
    elif isinstance(exc, IsADirectoryError):
        why = "that is a folder, not a file. Give the path of a file inside it."
    elif isinstance(exc, NotADirectoryError | FileExistsError):
        why = "part of that path is a file, not a folder. Choose another location for the journal."
    else:
        why = f"{exc.strerror or exc}. Check that {path.parent} exists and is writable, {elsewhere}"
    return JournalError(f"Hearth cannot open its journal at {path}: {why}")


def _create_private_file(path: Path) -> None:
    """Create the journal file with mode 0600 (and its folder with 0700) before SQLite does."""
    try:
        create_private(path)
    except OSError as exc:
        raise _location_error(path, exc) from exc


def _open(path: Path, busy_timeout_s: float) -> sqlite3.Connection:
    """Connect, configure, check and migrate. Raises _DamagedFile or JournalError."""
    _check_header(path)
    old_umask = os.umask(0o077)  # the -wal and -shm files SQLite creates stay private
    try:
        conn = sqlite3.connect(
            path, timeout=busy_timeout_s, isolation_level=None, check_same_thread=False
        )
        try:
            # Read-only checks first: a file we refuse must be left exactly as it was.
            _refuse_unknown(conn, path)
            _quick_check(conn)
            _configure(conn, path)
            _migrate(conn, path)
        except BaseException:
            conn.close()
            raise
    except sqlite3.Error as exc:
        if _code(exc) in (sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT):
            raise _DamagedFile(str(exc)) from exc
        raise JournalError(
            f"Hearth cannot open its journal at {path}: {reason(exc, path)}"
        ) from exc
    finally:
        os.umask(old_umask)
    for sidecar in _sidecars(path):
        with contextlib.suppress(FileNotFoundError):
            os.chmod(sidecar, 0o600)
    return conn


def _check_header(path: Path) -> None:
    """Refuse a non-empty file without the SQLite header before SQLite touches it.

    SQLite would otherwise open (and on close delete) a stray ``-wal`` beside it.
    """
    try:
        with path.open("rb") as file:
            head = file.read(len(_SQLITE_HEADER))
    except OSError as exc:
        raise _location_error(path, exc) from exc
    if head and head != _SQLITE_HEADER:
        raise _DamagedFile("it is not an SQLite database")


def _configure(conn: sqlite3.Connection, path: Path) -> None:
    mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
    if str(mode).lower() != "wal":
        raise JournalError(
            f"Hearth cannot use write-ahead logging for its journal at {path} (got {mode!r}). "
            "Keep the journal on a local disk, not a network share."
        )
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA secure_delete=ON")


def _quick_check(conn: sqlite3.Connection) -> None:
    problems = [str(row[0]) for row in conn.execute("PRAGMA quick_check")]
    if problems != ["ok"]:
        raise _DamagedFile("; ".join(problems[:3]))


def _refuse_unknown(conn: sqlite3.Connection, path: Path) -> int:
    """Return the file's schema version; JournalError if newer or not a Hearth journal."""
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    target = schema_version()
    if version > target:
        raise JournalError(
            f"The journal at {path} was written by a newer version of Hearth "
            f"(schema {version}, this one knows {target}). Update Hearth to read it."
        )
    if version == 0 and conn.execute("SELECT COUNT(*) FROM sqlite_schema").fetchone()[0]:
        raise JournalError(
            f"{path} is an SQLite database but not a Hearth journal. "
            "Choose another location for the journal."
        )
    return version


def _migrate(conn: sqlite3.Connection, path: Path) -> None:
    """Bring the schema up to ``schema_version()``, one transaction per step."""
    target = schema_version()
    while True:
        with _transaction(conn):
            version = _refuse_unknown(conn, path)  # again, now under the write lock
            if version == target:
                return
            for statement in migration(version):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version + 1}")


def _set_aside(path: Path) -> Path:
    """Rename a damaged journal (and its -wal/-shm) to ``<name>.corrupt-<UTC time>``."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    aside = path.with_name(f"{path.name}.corrupt-{stamp}")
    n = 1
    while aside.exists():
        n += 1
        aside = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
    try:
        os.rename(path, aside)
        for sidecar, kept in zip(_sidecars(path), _sidecars(aside), strict=True):
            if sidecar.exists():
                os.rename(sidecar, kept)
    except OSError as exc:
        raise JournalError(
            f"Hearth cannot read its journal at {path} and cannot move it aside "
            f"({exc.strerror or exc}). Move or rename the file yourself, then start Hearth again."
        ) from exc
    return aside


def _code(exc: sqlite3.Error) -> int:
    """The primary SQLite result code of an error, or -1 when it has none."""
    code = getattr(exc, "sqlite_errorcode", None)
    return -1 if code is None else int(code) & 0xFF


def _grouped(
    conn: sqlite3.Connection, table: str, value: str, window: tuple[str, str]
) -> dict[int, list[str]]:
    """Values of a child table, in order, by check-in id, for check-ins in the window."""
    grouped: dict[int, list[str]] = {}
    for checkin_id, text in conn.execute(
        f"SELECT checkin_id, {value} FROM {table} WHERE checkin_id IN"
        " (SELECT id FROM checkin WHERE started >= ? AND started < ?)"
        " ORDER BY checkin_id, position",
        window,
    ):
        grouped.setdefault(int(checkin_id), []).append(str(text))
    return grouped


def _split_turn(joined: str) -> tuple[str, str]:
    """``"parent:some text"`` -> ``("parent", "some text")`` (speakers hold no colon)."""
    speaker, _, text = joined.partition(":")
    return speaker, text
