"""The check-in journal: a private SQLite file of finished check-ins.

Each finished check-in is written in one transaction to a WAL-mode database with
``synchronous=FULL``, so a crash or power cut never loses it. The file and its
``-wal``/``-shm`` companions are readable by their owner only (0600).
Transcripts are stored only when the journal is opened with
``keep_transcripts=True``. The schema version lives in ``PRAGMA user_version``
and older files are upgraded step by step on open (see ``_MIGRATIONS``).

A file that is not a readable SQLite database is never deleted: it is renamed
to ``<name>.corrupt-<UTC timestamp>``, a new journal is started, and
``Journal.notice`` tells the user where the old file is.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType

from voice.errors import JournalError
from voice.files import create_private

__all__ = [
    "EXPORT_FORMATS",
    "SPEAKERS",
    "CheckIn",
    "Journal",
    "JournalSummary",
    "schema_version",
    "summary_sentence",
]

SPEAKERS = ("parent", "hearth")
"""Who can speak a transcript turn."""

EXPORT_FORMATS = ("csv", "json")
"""Formats accepted by ``Journal.export``."""

_EXPORT_VERSION = 1
"""Version of the JSON export layout (independent of the database schema)."""

_BUSY_TIMEOUT_S = 5.0
"""How long to wait for another process holding the journal's write lock."""

_FOREVER_BEFORE = ""
_FOREVER_AFTER = "~"
"""Bounds for an open time window: every stored time (``"2024-..."``) sorts between them."""

_SQLITE_HEADER = b"SQLite format 3\x00"
"""The first 16 bytes of every SQLite database file."""

_CHILD_TABLES = ("checkin_intent", "checkin_feeling", "transcript_turn")

# Each entry upgrades the schema from version i to i + 1 (``PRAGMA user_version``),
# in one transaction. Append new steps; never edit a released one.
_MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE checkin (
            id INTEGER PRIMARY KEY,
            started TEXT NOT NULL,  -- UTC, ISO-8601 with microseconds
            ended TEXT NOT NULL
        )""",
        "CREATE INDEX checkin_started ON checkin (started)",
        """CREATE TABLE checkin_intent (
            checkin_id INTEGER NOT NULL REFERENCES checkin (id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            intent TEXT NOT NULL,
            PRIMARY KEY (checkin_id, position)
        ) WITHOUT ROWID""",
        """CREATE TABLE checkin_feeling (
            checkin_id INTEGER NOT NULL REFERENCES checkin (id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            feeling TEXT NOT NULL,
            PRIMARY KEY (checkin_id, position)
        ) WITHOUT ROWID""",
        """CREATE TABLE transcript_turn (
            checkin_id INTEGER NOT NULL REFERENCES checkin (id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            speaker TEXT NOT NULL CHECK (speaker IN ('parent', 'hearth')),
            text TEXT NOT NULL,
            PRIMARY KEY (checkin_id, position)
        ) WITHOUT ROWID""",
    ),
)


def schema_version() -> int:
    """The schema version this code writes (the number of migration steps)."""
    return len(_MIGRATIONS)


@dataclass(frozen=True)
class CheckIn:
    """One finished check-in. Times are converted to UTC; naive times are refused."""

    started: datetime
    """When the check-in began (timezone-aware, stored as UTC)."""
    ended: datetime
    """When it finished; not before ``started``."""
    intents: tuple[str, ...]
    """The intents matched, in order."""
    feelings: tuple[str, ...]
    """Canonical feelings named, in order (``"guilty"``, ``"tired"``...)."""
    transcript: tuple[tuple[str, str], ...] = ()
    """``(speaker, text)`` turns, speaker ``"parent"`` or ``"hearth"``; kept only on request."""

    def __post_init__(self) -> None:
        started = _utc(self.started, "started")
        ended = _utc(self.ended, "ended")
        if ended < started:
            raise ValueError(f"check-in ended ({ended}) before it started ({started})")
        turns = tuple((str(speaker), str(text)) for speaker, text in self.transcript)
        for speaker, _ in turns:
            if speaker not in SPEAKERS:
                raise ValueError(f"transcript speaker must be one of {SPEAKERS}, not {speaker!r}")
        object.__setattr__(self, "started", started)
        object.__setattr__(self, "ended", ended)
        object.__setattr__(self, "intents", tuple(self.intents))
        object.__setattr__(self, "feelings", tuple(self.feelings))
        object.__setattr__(self, "transcript", turns)


@dataclass(frozen=True)
class JournalSummary:
    """What the journal holds for a time window ``since <= started < until``."""

    since: datetime
    """Start of the window (UTC, inclusive)."""
    until: datetime
    """End of the window (UTC, exclusive)."""
    checkins: int
    """Number of check-ins that started in the window."""
    feelings: dict[str, int]
    """Canonical feeling -> times named, most first (ties alphabetical)."""
    intents: dict[str, int]
    """Intent -> times matched, most first (ties alphabetical)."""


class Journal:
    """The check-in journal in one SQLite file; also a context manager."""

    path: Path
    """The journal file."""
    notice: str | None
    """A sentence for the user when opening had to set a damaged file aside."""

    def __init__(self, path: Path, *, keep_transcripts: bool = False) -> None:
        """Open the journal at ``path``, creating it (and its folder) if needed.

        A file that is not a readable SQLite database is moved aside and a new
        journal started (see ``notice``). Raises JournalError when the location
        cannot be used (no permission, read-only, not a folder, newer schema).
        """
        self.path = Path(path)
        self.notice = None
        self.keep_transcripts = keep_transcripts
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        _create_private_file(self.path)
        try:
            conn = _open(self.path)
        except _DamagedFile as damaged:
            aside = _set_aside(self.path)
            _create_private_file(self.path)
            try:
                conn = _open(self.path)
            except _DamagedFile as again:
                raise JournalError(
                    f"Hearth cannot start a new journal at {self.path}: {again.reason}. "
                    "Choose another location for the journal."
                ) from again
            self.notice = (
                f"Hearth could not read your journal ({damaged.reason}), so it started a new "
                f"one. The old file is kept unchanged as {aside}."
            )
        self._conn = conn

    def __enter__(self) -> Journal:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the file; safe to call twice."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def record(self, checkin: CheckIn) -> int:
        """Save one finished check-in in one transaction and return its row id."""
        with self._lock, self._failure("The check-in could not be saved"):
            conn = self._open_conn()
            with _transaction(conn):
                row = conn.execute(
                    "INSERT INTO checkin (started, ended) VALUES (?, ?) RETURNING id",
                    (_to_text(checkin.started), _to_text(checkin.ended)),
                ).fetchone()
                row_id = int(row[0])
                conn.executemany(
                    "INSERT INTO checkin_intent (checkin_id, position, intent) VALUES (?, ?, ?)",
                    [(row_id, i, intent) for i, intent in enumerate(checkin.intents)],
                )
                conn.executemany(
                    "INSERT INTO checkin_feeling (checkin_id, position, feeling) VALUES (?, ?, ?)",
                    [(row_id, i, feeling) for i, feeling in enumerate(checkin.feelings)],
                )
                if self.keep_transcripts:
                    conn.executemany(
                        "INSERT INTO transcript_turn (checkin_id, position, speaker, text)"
                        " VALUES (?, ?, ?, ?)",
                        [(row_id, i, s, t) for i, (s, t) in enumerate(checkin.transcript)],
                    )
            return row_id

    def checkins(
        self, since: datetime | None = None, until: datetime | None = None
    ) -> list[CheckIn]:
        """Check-ins that started in ``since <= started < until`` (open ends: all), oldest first."""
        return [checkin for _, checkin in self._rows(since, until)]

    def summary(self, days: int, now: datetime) -> JournalSummary:
        """Count check-ins, feelings and intents over the ``days`` before ``now``."""
        if days < 1:
            raise ValueError(f"days must be at least 1, not {days}")
        until = _utc(now, "now")
        since = until - timedelta(days=days)
        window = (_to_text(since), _to_text(until))
        with self._lock, self._failure("The journal could not be read"):
            conn = self._open_conn()
            count = conn.execute(
                "SELECT COUNT(*) FROM checkin WHERE started >= ? AND started < ?", window
            ).fetchone()[0]
            feelings = _tally(conn, "checkin_feeling", "feeling", window)
            intents = _tally(conn, "checkin_intent", "intent", window)
        return JournalSummary(since, until, int(count), feelings, intents)

    def export(self, fmt: str) -> str:
        """The whole journal as ``"csv"`` or ``"json"`` text."""
        if fmt not in EXPORT_FORMATS:
            raise JournalError(
                f"Cannot export the journal as {fmt!r}: choose one of {', '.join(EXPORT_FORMATS)}."
            )
        rows = self._rows(None, None)
        if fmt == "json":
            return json.dumps(
                {
                    "format": "hearth-journal",
                    "version": _EXPORT_VERSION,
                    "checkins": [_as_json(row_id, checkin) for row_id, checkin in rows],
                },
                indent=2,
                ensure_ascii=False,
            )
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["id", "started", "ended", "intents", "feelings", "transcript"])
        for row_id, checkin in rows:
            writer.writerow(
                [
                    row_id,
                    _to_text(checkin.started),
                    _to_text(checkin.ended),
                    ";".join(checkin.intents),
                    ";".join(checkin.feelings),
                    "\n".join(f"{speaker}: {text}" for speaker, text in checkin.transcript),
                ]
            )
        return out.getvalue()

    def forget(self, before: datetime | None = None) -> int:
        """Delete check-ins that started before ``before`` (None: all) and return how many.

        The rows are really gone: deleted pages are zeroed, the file is vacuumed
        and the write-ahead log truncated.
        """
        cut = _FOREVER_AFTER if before is None else _to_text(_utc(before, "before"))
        with self._lock, self._failure("The journal could not be cleared"):
            conn = self._open_conn()
            chosen = "SELECT id FROM checkin WHERE started < ?"
            with _transaction(conn):
                count = conn.execute(f"SELECT COUNT(*) FROM ({chosen})", (cut,)).fetchone()[0]
                for table in _CHILD_TABLES:
                    conn.execute(f"DELETE FROM {table} WHERE checkin_id IN ({chosen})", (cut,))
                conn.execute("DELETE FROM checkin WHERE started < ?", (cut,))
            conn.execute("VACUUM")
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        return int(count)

    def _open_conn(self) -> sqlite3.Connection:
        if self._conn is None:
            raise JournalError(f"The journal at {self.path} is closed; open it again.")
        return self._conn

    @contextlib.contextmanager
    def _failure(self, what: str) -> Iterator[None]:
        """Turn an SQLite failure into a JournalError that starts with ``what``."""
        try:
            yield
        except sqlite3.Error as exc:
            raise JournalError(f"{what}: {_reason(exc, self.path)}") from exc

    def _rows(self, since: datetime | None, until: datetime | None) -> list[tuple[int, CheckIn]]:
        window = (
            _FOREVER_BEFORE if since is None else _to_text(_utc(since, "since")),
            _FOREVER_AFTER if until is None else _to_text(_utc(until, "until")),
        )
        with self._lock, self._failure("The journal could not be read"):
            conn = self._open_conn()
            heads = conn.execute(
                "SELECT id, started, ended FROM checkin WHERE started >= ? AND started < ?"
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
                ),
            )
            for row_id, started, ended in heads
        ]


def summary_sentence(
    summary: JournalSummary, nouns: Mapping[str, str], period: str = "this week"
) -> str:
    """One short spoken sentence about a summary.

    ``nouns`` maps a canonical feeling to the noun to say (``"guilty"`` ->
    ``"guilt"``); a feeling missing from it is said as is. At most the three
    most-named feelings are mentioned.
    """
    lead = period[:1].upper() + period[1:]
    ranked = sorted(summary.feelings.items(), key=lambda item: -item[1])
    named = [(feeling, n) for feeling, n in ranked if n > 0][:3]
    if named:
        parts = [f"{nouns.get(feeling, feeling)} {_times(n)}" for feeling, n in named]
        return f"{lead} you named {_join(parts)}."
    if summary.checkins > 0:
        return f"{lead} you checked in {_times(summary.checkins)}, without naming a feeling."
    return f"There's nothing in your journal for {period} yet."


_NUMBER_WORDS = (
    "zero", "one", "two", "three", "four", "five", "six",
    "seven", "eight", "nine", "ten", "eleven", "twelve",
)  # fmt: skip


def _times(n: int) -> str:
    """``1`` -> "once", ``2`` -> "twice", ``3`` -> "three times", ``20`` -> "20 times"."""
    if n == 1:
        return "once"
    if n == 2:
        return "twice"
    word = _NUMBER_WORDS[n] if 0 <= n < len(_NUMBER_WORDS) else str(n)
    return f"{word} times"


def _join(parts: Sequence[str]) -> str:
    """``["a"]`` -> "a"; ``["a", "b", "c"]`` -> "a, b and c"."""
    if len(parts) < 2:
        return "".join(parts)
    return f"{', '.join(parts[:-1])} and {parts[-1]}"


class _DamagedFile(Exception):
    """The file at the journal path is not a readable SQLite database."""

    def __init__(self, reason: str) -> None:
        self.reason = " ".join(reason.split())  # quick_check output spans lines
        super().__init__(self.reason)


def _utc(moment: datetime, name: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, not naive {moment}")
    return moment.astimezone(UTC)


def _to_text(moment: datetime) -> str:
    """Fixed-width UTC ISO-8601, so that text order is time order."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


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


def _open(path: Path) -> sqlite3.Connection:
    """Connect, configure, check and migrate. Raises _DamagedFile or JournalError."""
    _check_header(path)
    old_umask = os.umask(0o077)  # the -wal and -shm files SQLite creates stay private
    try:
        conn = sqlite3.connect(
            path, timeout=_BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
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
            f"Hearth cannot open its journal at {path}: {_reason(exc, path)}"
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
            for statement in _MIGRATIONS[version]:
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version + 1}")


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


def _reason(exc: sqlite3.Error, path: Path) -> str:
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


def _tally(
    conn: sqlite3.Connection, table: str, column: str, window: tuple[str, str]
) -> dict[str, int]:
    rows = conn.execute(
        f"SELECT t.{column}, COUNT(*) AS n FROM {table} AS t JOIN checkin AS c"
        " ON c.id = t.checkin_id WHERE c.started >= ? AND c.started < ?"
        f" GROUP BY t.{column} ORDER BY n DESC, t.{column}",
        window,
    ).fetchall()
    return {str(name): int(n) for name, n in rows}


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


def _as_json(row_id: int, checkin: CheckIn) -> dict[str, object]:
    return {
        "id": row_id,
        "started": _to_text(checkin.started),
        "ended": _to_text(checkin.ended),
        "intents": list(checkin.intents),
        "feelings": list(checkin.feelings),
        "transcript": [{"speaker": s, "text": t} for s, t in checkin.transcript],
    }
