"""The ``hearth`` command as a person runs it: real processes, real files."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

from bench.process_stats import hearth_env

BROKEN = Path(__file__).parent / "data" / "broken_scripts"


def hearth(
    *args: str, tmp_path: Path, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = hearth_env(tmp_path)
    return subprocess.run(
        [sys.executable, "-m", "voice", *args],
        input=stdin if stdin is not None else "",
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_validate_defaults_ok(tmp_path: Path) -> None:
    run = hearth("intents", "validate", tmp_path=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.startswith("OK: ")


def test_validate_broken_folder_lists_file_line_without_traceback(tmp_path: Path) -> None:
    run = hearth("intents", "validate", str(BROKEN), tmp_path=tmp_path)
    assert run.returncode == 1
    assert "Traceback" not in run.stdout + run.stderr
    located = [line for line in run.stdout.splitlines() if line.startswith(str(BROKEN))]
    files = {line.split(":", 1)[0] for line in located}
    assert files == {str(p) for p in BROKEN.glob("*.yaml")} - {str(BROKEN / "duplicate_a.yaml")}


def test_understand_json(tmp_path: Path) -> None:
    run = hearth(
        "understand",
        "--json",
        "--text",
        "I feel so guilty about missing bedtime",
        "--text",
        "put your shoes on we're leaving",
        tmp_path=tmp_path,
    )
    assert run.returncode == 0, run.stderr
    first, second = (json.loads(line) for line in run.stdout.splitlines())
    assert first["intent"] == "name_feeling" and first["slots"] == {"feeling": "guilty"}
    assert 0 < first["confidence"] <= 1 and first["timings"]["match_ms"] >= 0
    assert set(first) == {"text", "intent", "slots", "confidence", "timings"}
    assert second["intent"] is None


def test_intents_test_and_list(tmp_path: Path) -> None:
    run = hearth("intents", "test", "give me a mantra", tmp_path=tmp_path)
    assert run.returncode == 0
    assert "intent: mantra" in run.stdout and "Hearth: " in run.stdout
    listing = hearth("intents", "list", tmp_path=tmp_path)
    assert "crisis" in listing.stdout and "name_feeling" in listing.stdout


def test_output_into_a_closed_pipe_is_not_a_traceback(tmp_path: Path) -> None:
    """`hearth intents list | head -1`: the reader leaves early; Hearth ends quietly."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "voice", "intents", "list"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=hearth_env(tmp_path),
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # before Hearth writes a line, as `head` would after one
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 0, err
    assert "Traceback" not in err and "BrokenPipe" not in err


def test_intents_check_reports_failures(tmp_path: Path) -> None:
    tests = tmp_path / "t.yaml"
    tests.write_text(
        "tests:\n  - sentences: ['give me a mantra']\n    intent: {name: mantra}\n"
        "  - sentences: ['give me a mantra']\n    intent: {name: goodbye}\n"
    )
    run = hearth("intents", "check", str(tests), tmp_path=tmp_path)
    assert run.returncode == 1
    assert "1 passed, 1 failed" in run.stdout
    assert f"{tests}:4:" in run.stdout


def test_chat_writes_the_journal_and_commands_read_it(tmp_path: Path) -> None:
    run = hearth("chat", tmp_path=tmp_path, stdin="i feel so guilty\ngive me a mantra\nbye\n")
    assert run.returncode == 0, run.stderr
    assert run.stdout.count("hearth> ") >= 3
    journal = tmp_path / "journal.db"
    assert oct(journal.stat().st_mode & 0o777) == "0o600"
    summary = hearth("journal", "summary", tmp_path=tmp_path)
    assert "named guilt once" in summary.stdout
    exported = json.loads(hearth("journal", "export", "--format", "json", tmp_path=tmp_path).stdout)
    assert exported["checkins"][0]["feelings"] == ["guilty"]
    csv_text = hearth("journal", "export", "--format", "csv", tmp_path=tmp_path).stdout
    assert csv_text.splitlines()[0].startswith("id,started")
    refused = hearth("journal", "forget", "--all", tmp_path=tmp_path)  # no tty, no --yes
    assert refused.returncode == 1 and "--yes" in refused.stderr
    assert sqlite3.connect(journal).execute("select count(*) from checkin").fetchone()[0] == 1
    forgot = hearth("journal", "forget", "--all", "--yes", tmp_path=tmp_path)
    assert "Erased 1" in forgot.stdout
    assert sqlite3.connect(journal).execute("select count(*) from checkin").fetchone()[0] == 0


def test_corrupt_journal_is_set_aside_with_a_message(tmp_path: Path) -> None:
    (tmp_path / "journal.db").write_bytes(b"this is not a database at all" * 100)
    run = hearth("chat", tmp_path=tmp_path, stdin="give me a mantra\nbye\n")
    assert run.returncode == 0
    assert "started a new one" in run.stderr
    assert list(tmp_path.glob("journal.db.corrupt-*"))


def test_broken_config_is_a_message(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text("crisis_lines = '111'\n")
    run = hearth("chat", tmp_path=tmp_path, stdin="")
    assert run.returncode == 1
    assert "did you mean 'crisis_line'" in run.stderr and "Traceback" not in run.stderr


def test_run_options_not_given_leave_the_config_file_values(tmp_path: Path) -> None:
    from voice.__main__ import build_parser
    from voice.app import settings_from_args

    config = tmp_path / "config.toml"
    config.write_text('wake = "okay hearth"\nsensitivity = 0.7\n', encoding="utf-8")
    parser = build_parser()
    settings = settings_from_args(parser.parse_args(["run", "--config", str(config)]))
    assert (settings.wake, settings.sensitivity) == ("okay hearth", 0.7)
    given = parser.parse_args(
        ["run", "--config", str(config), "--wake", "", "--sensitivity", "0.2"]
    )
    assert (settings_from_args(given).wake, settings_from_args(given).sensitivity) == ("", 0.2)
