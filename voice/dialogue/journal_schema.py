"""The journal's schema versions: how a file of each version is brought up to date."""

from __future__ import annotations

__all__ = ["migration", "schema_version"]

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
    # A check-in is written as it happens; 0 until its conversation closes.
    ("ALTER TABLE checkin ADD COLUMN finished INTEGER NOT NULL DEFAULT 1",),
)


def schema_version() -> int:
    """The schema version this code writes (the number of migration steps)."""
    return len(_MIGRATIONS)


def migration(version: int) -> tuple[str, ...]:
    """The statements that upgrade a file from ``version`` to ``version + 1``."""
    return _MIGRATIONS[version]
