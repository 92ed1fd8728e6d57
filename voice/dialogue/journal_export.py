"""The journal as CSV or JSON text, for ``hearth journal export``."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence

from voice.dialogue.checkin import CheckIn, to_text
from voice.errors import JournalError

__all__ = ["EXPORT_FORMATS", "check_format", "export_text"]

EXPORT_FORMATS = ("csv", "json")
"""Formats accepted by ``export_text``."""

_EXPORT_VERSION = 2
"""Version of the JSON export layout (independent of the database schema); 2 adds ``finished``."""


def export_text(rows: Sequence[tuple[int | None, CheckIn]], fmt: str) -> str:
    """``(id, check-in)`` rows as ``"csv"`` or ``"json"`` text; an id is None while held in memory."""
    check_format(fmt)
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
    writer.writerow(["id", "started", "ended", "finished", "intents", "feelings", "transcript"])
    for row_id, checkin in rows:
        writer.writerow(
            [
                "" if row_id is None else row_id,
                to_text(checkin.started),
                to_text(checkin.ended),
                "yes" if checkin.finished else "no",
                ";".join(checkin.intents),
                ";".join(checkin.feelings),
                "\n".join(f"{speaker}: {text}" for speaker, text in checkin.transcript),
            ]
        )
    return out.getvalue()


def check_format(fmt: str) -> None:
    """JournalError saying which formats are known, unless ``fmt`` is one."""
    if fmt not in EXPORT_FORMATS:
        raise JournalError(
            f"Cannot export the journal as {fmt!r}: choose one of {', '.join(EXPORT_FORMATS)}."
        )


def _as_json(row_id: int | None, checkin: CheckIn) -> dict[str, object]:
    return {
        "id": row_id,
        "started": to_text(checkin.started),
        "ended": to_text(checkin.ended),
        "finished": checkin.finished,
        "intents": list(checkin.intents),
        "feelings": list(checkin.feelings),
        "transcript": [{"speaker": s, "text": t} for s, t in checkin.transcript],
    }
