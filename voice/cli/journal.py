"""``hearth journal summary|export|forget``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from typing import Any

from voice import app
from voice.dialogue.journal import summary_sentence
from voice.errors import JournalError
from voice.scripts.loader import load_scripts


def add_parser(sub: Any, common: Callable[[argparse.ArgumentParser], None]) -> None:
    """Register ``hearth journal ...``."""
    journal = sub.add_parser("journal", help="read, export or erase the check-in journal")
    jsub = journal.add_subparsers(dest="journal_command", metavar="ACTION", required=True)

    p = jsub.add_parser("summary", help="how you have been feeling")
    common(p)
    p.add_argument("--days", type=int, default=7, help="how many days back (default 7)")
    p.set_defaults(handler=summary)

    p = jsub.add_parser("export", help="print every check-in as CSV or JSON")
    common(p)
    p.add_argument("--format", choices=("csv", "json"), default="json")
    p.set_defaults(handler=export)

    p = jsub.add_parser("forget", help="erase check-ins for good")
    common(p)
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--all", action="store_true", help="erase every check-in")
    which.add_argument(
        "--before", type=_date, metavar="YYYY-MM-DD", help="erase check-ins before this day"
    )
    p.add_argument("--yes", action="store_true", help="do not ask to confirm")
    p.set_defaults(handler=forget)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a date; write it as YYYY-MM-DD"
        ) from None


def _period(days: int) -> str:
    if days == 7:
        return "this week"
    if days == 1:
        return "today"
    return f"in the last {days} days"


def summary(args: argparse.Namespace) -> int:
    """Print the spoken summary and the counts behind it."""
    if args.days < 1:
        raise JournalError("--days must be 1 or more")
    settings = app.settings_from_args(args)
    nouns = {
        v.value: v.noun
        for v in load_scripts(app.intent_folders(settings)).lists.get("feeling", {}).values()
    }
    with app.open_journal(settings) as journal:
        result = journal.summary(days=args.days, now=datetime.now(UTC))
    print(summary_sentence(result, nouns, _period(args.days)))
    print(f"check-ins: {result.checkins}")
    for feeling, count in result.feelings.items():
        print(f"  {feeling:12} {count}")
    return 0


def export(args: argparse.Namespace) -> int:
    """Write the journal to standard output."""
    with app.open_journal(app.settings_from_args(args)) as journal:
        sys.stdout.write(journal.export(args.format))
    return 0


def forget(args: argparse.Namespace) -> int:
    """Erase check-ins after confirming (unless --yes)."""
    settings = app.settings_from_args(args)
    before = None if args.all else datetime.combine(args.before, time.min, tzinfo=UTC)
    what = "every check-in" if before is None else f"check-ins before {args.before}"
    if not args.yes:
        if not sys.stdin.isatty():
            raise JournalError(f"refusing to erase {what} without confirmation; add --yes")
        answer = input(f"Erase {what} from {app.journal_path(settings)} for good? [y/N] ")
        if answer.strip().lower() not in ("y", "yes"):
            print("Nothing erased.")
            return 1
    with app.open_journal(settings) as journal:
        count = journal.forget(before)
    print(f"Erased {count} check-in(s).")
    return 0
