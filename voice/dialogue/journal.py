"""The check-in journal: a private SQLite file of check-ins, written as they happen.

The dialogue engine writes a check-in after every turn, marked unfinished until
its conversation closes, so a kill or power cut loses nothing the parent said
(``journal_store`` keeps the file itself safe). Transcripts are stored only when
the journal is opened with ``keep_transcripts=True``.

``Journal(path)`` is strict: any trouble is a JournalError (``hearth journal``).
``Journal.for_device(path)`` never raises for trouble with the file: while it
cannot be opened or written, check-ins wait in memory and are written on the
next record or at close, and ``notice`` says what is wrong.
"""

from __future__ import annotations

import itertools
import logging
import sqlite3
import threading
from datetime import datetime, timedelta
from pathlib import Path
from types import TracebackType

from voice.dialogue import journal_store
from voice.dialogue.checkin import SPEAKERS, CheckIn, to_text, utc
from voice.dialogue.journal_export import EXPORT_FORMATS, check_format, export_text
from voice.dialogue.journal_schema import schema_version
from voice.dialogue.journal_store import FOREVER_AFTER, FOREVER_BEFORE
from voice.dialogue.summary import JournalSummary, summarise, summary_sentence
from voice.errors import JournalError

__all__ = [
    "EXPORT_FORMATS",
    "SPEAKERS",
    "CheckIn",
    "Journal",
    "JournalSummary",
    "schema_version",
    "summary_sentence",
]

log = logging.getLogger(__name__)

_BUSY_TIMEOUT_S = 5.0
"""How long a strict journal waits for another process holding the write lock."""

_DEVICE_BUSY_TIMEOUT_S = 0.25
"""The same on the device, where a parent waits for the reply; a held check-in is retried later."""

_IN_MEMORY = "Until then Hearth keeps check-ins in memory and saves them as soon as it can."


class Journal:
    """The check-in journal in one SQLite file; also a context manager."""

    path: Path
    """The journal file."""
    keep_transcripts: bool
    """Whether transcripts are written (otherwise they are dropped)."""
    _conn: sqlite3.Connection | None
    _aside: str | None

    def __init__(self, path: Path, *, keep_transcripts: bool = False) -> None:
        """Open the journal at ``path``, creating it (and its folder) if needed.

        A file that is not a readable SQLite database is moved aside and a new
        journal started (see ``notice``). Raises JournalError when the location
        cannot be used (no permission, read-only, not a folder, newer schema).
        """
        self._setup(path, keep_transcripts, device=False)
        conn, aside = journal_store.open_store(self.path, _BUSY_TIMEOUT_S)
        self._conn = conn
        self._aside = aside

    @classmethod
    def for_device(cls, path: Path, *, keep_transcripts: bool) -> Journal:
        """The journal for ``run``, ``chat`` and ``demo``: never raises for trouble with the file.

        When the file cannot be opened or written, check-ins are kept in memory
        and written as soon as it can be (tried again on each record and at close).
        """
        journal = cls.__new__(cls)
        journal._setup(path, keep_transcripts, device=True)
        with journal._lock:
            journal._connect()
        return journal

    def _setup(self, path: Path, keep_transcripts: bool, *, device: bool) -> None:
        self.path = Path(path)
        self.keep_transcripts = keep_transcripts
        self._device = device
        self._lock = threading.Lock()
        self._conn = None
        self._closed = False
        self._aside = None
        self._trouble: str | None = None
        self._entries = itertools.count(1)
        self._rows: dict[int, int] = {}
        """Entry -> row id, for check-ins written but not yet finished."""
        self._held: dict[int, CheckIn] = {}
        """Entry -> the latest state of a check-in not yet written (``for_device`` only)."""

    @property
    def notice(self) -> str | None:
        """For the log: a damaged file set aside, or why check-ins are waiting in memory."""
        return " ".join(part for part in (self._trouble, self._aside) if part) or None

    @property
    def held(self) -> int:
        """How many check-ins are waiting in memory for the file to be writable."""
        return len(self._held)

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
        """Write what is held in memory if the file allows it, then close; safe to call twice."""
        with self._lock:
            if self._closed:
                return
            if self._held:
                self._flush()
            if self._held:
                log.error("%d check-in(s) could not be saved: %s", len(self._held), self._trouble)
            self._drop_conn()
            self._closed = True

    def record(self, checkin: CheckIn, entry: int | None = None) -> int:
        """Write ``checkin`` and return its entry number.

        Pass the number back to write the same check-in again as it grows: an
        open check-in is written after each turn and once more when finished.
        A strict journal raises JournalError when the write fails; one opened
        ``for_device`` keeps the check-in in memory instead (see ``notice``).
        """
        with self._lock:
            self._check_open()
            entry = next(self._entries) if entry is None else entry
            if self._device:
                self._held[entry] = checkin
                self._flush()
                return entry
            with journal_store.failure("The check-in could not be saved", self.path):
                self._write(self._strict_conn(), entry, checkin)
            return entry

    def checkins(
        self, since: datetime | None = None, until: datetime | None = None
    ) -> list[CheckIn]:
        """Check-ins that started in ``since <= started < until`` (open ends: all), oldest first.

        Unfinished check-ins and those held in memory are included.
        """
        return [checkin for _, checkin in self._rows_in(since, until)]

    def summary(self, days: int, now: datetime) -> JournalSummary:
        """Count check-ins, feelings and intents over the ``days`` before ``now``."""
        if days < 1:
            raise ValueError(f"days must be at least 1, not {days}")
        until = utc(now, "now")
        since = until - timedelta(days=days)
        return summarise(self.checkins(since, until), since, until)

    def export(self, fmt: str) -> str:
        """The whole journal as ``"csv"`` or ``"json"`` text."""
        check_format(fmt)
        return export_text(self._rows_in(None, None), fmt)

    def forget(self, before: datetime | None = None) -> int:
        """Delete check-ins that started before ``before`` (None: all) and return how many.

        The rows are really gone: deleted pages are zeroed, the file is vacuumed
        and the write-ahead log truncated. Check-ins held in memory go too.
        """
        cut = FOREVER_AFTER if before is None else to_text(utc(before, "before"))
        with self._lock, journal_store.failure("The journal could not be cleared", self.path):
            self._check_open()
            conn = self._connect() if self._device else self._strict_conn()
            if conn is None:
                raise JournalError(f"The journal could not be cleared. {self._trouble}")
            count = journal_store.delete_before(conn, cut)
            gone = [entry for entry, c in self._held.items() if to_text(c.started) < cut]
            for entry in gone:
                del self._held[entry]
            return count + sum(1 for entry in gone if entry not in self._rows)

    def _rows_in(
        self, since: datetime | None, until: datetime | None
    ) -> list[tuple[int | None, CheckIn]]:
        """``(row id or None when held, check-in)`` in the window, oldest first."""
        window = (
            FOREVER_BEFORE if since is None else to_text(utc(since, "since")),
            FOREVER_AFTER if until is None else to_text(utc(until, "until")),
        )
        with self._lock:
            self._check_open()
            stale = {self._rows[entry] for entry in self._held if entry in self._rows}
            rows: list[tuple[int | None, CheckIn]] = [
                row for row in self._file_rows(window) if row[0] not in stale
            ]
            rows += [
                (None, c)
                for c in self._held.values()
                if window[0] <= to_text(c.started) < window[1]
            ]
        return sorted(rows, key=lambda row: row[1].started)

    def _file_rows(self, window: tuple[str, str]) -> list[tuple[int, CheckIn]]:
        if not self._device:
            with journal_store.failure("The journal could not be read", self.path):
                return journal_store.read_rows(self._strict_conn(), window)
        conn = self._connect()
        if conn is not None:
            try:
                return journal_store.read_rows(conn, window)
            except sqlite3.Error as exc:
                self._lost(exc)
        if self._held:
            return []  # what is in memory is all there is to tell for now
        raise JournalError(self._trouble or f"The journal at {self.path} could not be read.")

    def _write(self, conn: sqlite3.Connection, entry: int, checkin: CheckIn) -> None:
        row = journal_store.write_checkin(
            conn, self._rows.get(entry), checkin, self.keep_transcripts
        )
        if checkin.finished:
            self._rows.pop(entry, None)
        else:
            self._rows[entry] = row

    def _flush(self) -> None:
        """Write every held check-in, oldest first, stopping at the first failure (under the lock)."""
        conn = self._connect()
        if conn is None:
            return
        for entry, checkin in list(self._held.items()):
            try:
                self._write(conn, entry, checkin)
            except sqlite3.Error as exc:
                self._lost(exc)
                return
            del self._held[entry]
        self._trouble = None

    def _connect(self) -> sqlite3.Connection | None:
        """The open file, opening it if needed; None (and a notice) when it cannot be opened."""
        if self._conn is None:
            try:
                self._conn, aside = journal_store.open_store(self.path, _DEVICE_BUSY_TIMEOUT_S)
            except JournalError as err:
                self._trouble = f"{err} {_IN_MEMORY}"
                return None
            self._aside = aside or self._aside
        return self._conn

    def _lost(self, exc: sqlite3.Error) -> None:
        """A read or write failed on the device: say why, and open the file afresh next time."""
        self._drop_conn()
        why = journal_store.reason(exc, self.path)
        self._trouble = f"Hearth cannot write its journal at {self.path}: {why} {_IN_MEMORY}"

    def _drop_conn(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _check_open(self) -> None:
        if self._closed:
            raise JournalError(f"The journal at {self.path} is closed; open it again.")

    def _strict_conn(self) -> sqlite3.Connection:
        if self._conn is None:
            raise JournalError(f"The journal at {self.path} is closed; open it again.")
        return self._conn
