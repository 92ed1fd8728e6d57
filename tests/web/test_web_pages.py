"""Bad input gets a message and loses nothing: broken saves, files changed elsewhere, two
tabs, a damaged or locked journal, settings out of range; transcripts only when kept."""

from __future__ import annotations

import argparse
import sqlite3
import stat
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from voice.config import load_settings
from voice.dialogue.checkin import CheckIn
from voice.dialogue.journal import Journal
from voice.web import script_files

GOOD = """\
intent: bedtime_worry
phrases:
  - "i missed bedtime [again] tonight"
replies:
  - "Tomorrow's bedtime is a fresh start."
"""
BROKEN = GOOD.replace("replies:", "replys:")


@pytest.mark.slow
def test_a_broken_save_is_refused_and_the_last_good_file_kept(
    session: Callable[..., Any], web_args: argparse.Namespace
) -> None:
    path = Path(web_args.intents) / "bedtime.yaml"
    first = session("/scripts/yours/bedtime/save", text=GOOD, base="")
    assert first.status_code == 200 and first.json()["saved"], first.text
    refused = session("/scripts/yours/bedtime/save", text=BROKEN, base=first.json()["base"])
    assert refused.status_code == 422 and not refused.json()["saved"]
    lines = {p["line"] for p in refused.json()["problems"]}
    assert 4 in lines, refused.json()["problems"]
    assert path.read_text(encoding="utf-8") == GOOD


@pytest.mark.slow
def test_a_cross_file_problem_found_only_by_the_full_load_is_refused(
    session: Callable[..., Any], web_args: argparse.Namespace
) -> None:
    # A second file of the same intent: the folder would not load as a whole.
    (Path(web_args.intents) / "bedtime.yaml").write_text(GOOD, encoding="utf-8")
    copy = session("/scripts/yours/bedtime2/save", text=GOOD, base="")
    assert copy.status_code == 422
    assert any("already defined" in p["message"] for p in copy.json()["problems"])
    assert not (Path(web_args.intents) / "bedtime2.yaml").exists()


@pytest.mark.slow
def test_a_file_changed_on_disk_is_reported_with_both_versions(
    session: Callable[..., Any], web_args: argparse.Namespace
) -> None:
    path = Path(web_args.intents) / "bedtime.yaml"
    path.write_text(GOOD, encoding="utf-8")
    opened = script_files.digest(GOOD)
    edited_elsewhere = GOOD.replace("fresh start", "new day")
    path.write_text(edited_elsewhere, encoding="utf-8")
    mine = GOOD.replace("fresh start", "clean slate")
    checked = session("/scripts/yours/bedtime/check", text=mine, base=opened).json()
    assert checked["changed_on_disk"]
    clash = session("/scripts/yours/bedtime/save", text=mine, base=opened)
    assert clash.status_code == 409 and clash.json()["conflict"]
    assert clash.json()["disk"] == edited_elsewhere
    assert path.read_text(encoding="utf-8") == edited_elsewhere
    kept = session("/scripts/yours/bedtime/save", text=mine, base=clash.json()["base"])
    assert kept.status_code == 200 and path.read_text(encoding="utf-8") == mine


@pytest.mark.slow
def test_the_second_of_two_tabs_saving_the_same_script_is_told(
    session: Callable[..., Any], web_args: argparse.Namespace
) -> None:
    path = Path(web_args.intents) / "bedtime.yaml"
    path.write_text(GOOD, encoding="utf-8")
    both = script_files.digest(GOOD)
    one = GOOD.replace("fresh start", "tab one")
    two = GOOD.replace("fresh start", "tab two")
    assert session("/scripts/yours/bedtime/save", text=one, base=both).status_code == 200
    second = session("/scripts/yours/bedtime/save", text=two, base=both)
    assert second.status_code == 409 and "changed since you opened it" in second.json()["message"]
    assert path.read_text(encoding="utf-8") == one


def _journal_with_a_transcript(path: Path) -> None:
    with Journal(path, keep_transcripts=True) as journal:
        journal.record(
            CheckIn(
                datetime(2026, 12, 1, 20, 0, tzinfo=UTC),
                datetime(2026, 12, 1, 20, 1, tzinfo=UTC),
                ("name_feeling",),
                ("guilty",),
                (("parent", "i shouted at the twins"), ("hearth", "That sounds hard.")),
            )
        )


def test_transcripts_are_shown_only_when_kept(
    client: TestClient, web_args: argparse.Namespace
) -> None:
    _journal_with_a_transcript(Path(web_args.journal))
    page = client.get("/journal")
    assert page.status_code == 200 and "guilty" in page.text
    assert "shouted at the twins" not in page.text
    Path(web_args.config).write_text("keep_transcripts = true\n", encoding="utf-8")
    assert "shouted at the twins" in client.get("/journal").text


def test_a_damaged_journal_is_set_aside_and_said(
    client: TestClient, web_args: argparse.Namespace
) -> None:
    Path(web_args.journal).write_bytes(b"this is not a database" * 100)
    page = client.get("/journal")
    assert page.status_code == 200
    aside = [p for p in Path(web_args.journal).parent.iterdir() if "journal.db." in p.name]
    assert aside, "the damaged file must be kept beside the new journal"
    assert aside[0].read_bytes().startswith(b"this is not a database")


@pytest.mark.slow
def test_a_locked_journal_is_a_message_and_nothing_is_lost(
    client: TestClient, web_args: argparse.Namespace
) -> None:
    _journal_with_a_transcript(Path(web_args.journal))
    holder = sqlite3.connect(web_args.journal)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        page = client.get("/journal")
        again = client.get("/journal")
    finally:
        holder.rollback()
        holder.close()
    assert page.status_code == 503 and "Nothing was changed or lost" in page.text
    assert again.status_code == 503
    with Journal(Path(web_args.journal)) as journal:
        assert len(journal.checkins()) == 1


def test_settings_are_checked_with_the_config_rules_and_written_private(
    client: TestClient, session: Callable[..., Any], web_args: argparse.Namespace
) -> None:
    config = Path(web_args.config)
    page = client.get("/settings")
    form = {
        "voice": "",
        "rate": "150",
        "volume": "5",
        "crisis_line": "",
        "violence_line": "1-800-799-7233",
        "maternal_line": "1-833-852-6262",
        "child_line": "1-800-422-4453",
        "sensitivity": "0.6",
        "answer_timeout_s": "10",
    }
    assert page.status_code == 200
    wrong = session("/settings", **form)
    assert wrong.status_code == 422
    assert "volume must be between 0 and 1" in wrong.text
    assert "crisis_line cannot be empty" in wrong.text
    assert config.read_text(encoding="utf-8") == ""
    right = session("/settings", **(form | {"volume": "0.7", "crisis_line": "111"}))
    assert right.status_code == 200 and "Saved." in right.text
    assert stat.S_IMODE(config.stat().st_mode) == 0o600
    loaded = load_settings(config)
    assert not loaded.problems
    assert (loaded.settings.volume, loaded.settings.crisis_line, loaded.settings.rate) == (
        0.7,
        "111",
        150,
    )


def test_the_check_expands_crisis_and_priority_terms_as_the_loader_does(
    session: Callable[..., Any],
) -> None:
    text = (
        'intent: crisis\nphrases:\n  - "i do not want to live"\ncrisis_terms:\n'
        '  - "(hurt myself"\nreplies:\n  - "Please call {crisis_line} now."\n'
    )
    found = session("/scripts/yours/crisis/check", text=text, base="").json()
    assert not found["ok"]
    assert any("never closed" in p["message"] for p in found["problems"]), found["problems"]
