"""The ``hearth`` command as a person runs it: real processes, real files."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from bench.process_stats import hearth_env

pytestmark = pytest.mark.slow  # subprocesses or real speech: the fast tier leaves them out

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


def test_a_misspelt_setting_is_a_message_and_chat_goes_on(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text("crisis_lines = '111'\n")
    run = hearth("chat", tmp_path=tmp_path, stdin="")
    assert run.returncode == 0
    assert "did you mean 'crisis_line'" in run.stderr and "Traceback" not in run.stderr


def test_each_help_line_can_be_set_on_the_command_line(tmp_path: Path) -> None:
    """A parent outside the US sets the lines their replies give without a config file."""
    run = hearth(
        "chat",
        "--violence-line",
        "0808 2000 247",
        "--maternal-line",
        "your health visitor",
        tmp_path=tmp_path,
        stdin="my partner hits me\ni think i have postnatal depression\nbye\n",
    )
    assert run.returncode == 0, run.stderr
    assert "0808 2000 247" in run.stdout and "your health visitor" in run.stdout


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


def test_config_show_writes_valid_toml_and_lists_the_problems(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('crisis_line = "call \\"111\\""\nvolume = 5\n', encoding="utf-8")
    run = hearth("config", "show", tmp_path=tmp_path)
    assert run.returncode == 1  # something to fix
    shown = tomllib.loads(run.stdout)  # the problems are comments
    assert shown["crisis_line"] == 'call "111"' and shown["volume"] == 0.9
    assert f"# problem: {config}:2: volume must be between 0 and 1; you wrote 5" in run.stdout


@pytest.mark.parametrize("command", [["chat"], ["intents", "list"], ["run"]])
def test_a_mistyped_config_path_is_an_error_not_the_defaults(
    tmp_path: Path, command: list[str]
) -> None:
    run = hearth(*command, "--config", str(tmp_path / "confg.toml"), tmp_path=tmp_path)
    assert run.returncode == 2
    assert "confg.toml: no such file; check the path" in run.stderr
    assert "Traceback" not in run.stderr and "hearth> " not in run.stdout


@pytest.mark.parametrize("command", [["chat"], ["intents", "test", "hello"]])
def test_a_mistyped_intents_folder_is_an_error_not_ignored(
    tmp_path: Path, command: list[str]
) -> None:
    run = hearth(*command, "--intents", str(tmp_path / "my-scripts"), tmp_path=tmp_path)
    assert run.returncode == 2
    assert "my-scripts: no such folder; check the path" in run.stderr


# Root reads any folder; without the capabilities that let it, it meets the permission too.
AS_OWNER = (
    ["setpriv", "--inh-caps=-all", "--bounding-set=-dac_override,-dac_read_search"]
    if os.geteuid() == 0 and shutil.which("setpriv")
    else []
)


@pytest.mark.skipif(os.geteuid() == 0 and not AS_OWNER, reason="root reads any folder")
@pytest.mark.parametrize(
    "command", [["intents", "validate"], ["intents", "test", "hello"], ["chat"]]
)
def test_an_unreadable_intents_folder_is_a_message(tmp_path: Path, command: list[str]) -> None:
    mine = tmp_path / "intents"
    mine.mkdir()
    (mine / "garden.yaml").write_text("intent: garden\nphrases: [hi]\nreplies: [hello]\n")
    mine.chmod(0)
    try:
        run = subprocess.run(
            [*AS_OWNER, sys.executable, "-m", "voice", *command],
            input="",
            capture_output=True,
            text=True,
            env=hearth_env(tmp_path, mine),
            timeout=120,
        )
    finally:
        mine.chmod(0o755)
    assert "Traceback" not in run.stderr
    assert str(mine) in run.stdout + run.stderr


def test_demo_out_naming_a_file_is_a_message(tmp_path: Path) -> None:
    taken = tmp_path / "replies"
    taken.write_text("not a folder")
    run = hearth("demo", "--out", str(taken), tmp_path=tmp_path)
    assert run.returncode == 2
    assert "is a file; give a folder" in run.stderr and "Traceback" not in run.stderr


def test_run_output_needs_input(tmp_path: Path) -> None:
    run = hearth("run", "--output", str(tmp_path / "o.wav"), tmp_path=tmp_path)
    assert run.returncode == 2
    assert "--output needs --input" in run.stderr and "No speaker" not in run.stderr


def test_run_output_into_a_missing_folder_is_refused_before_the_talk(tmp_path: Path) -> None:
    talk = tmp_path / "talk.wav"
    talk.write_bytes(b"")  # never read: the output is checked first
    run = hearth(
        "run", "--input", str(talk), "--output", str(tmp_path / "no" / "o.wav"), tmp_path=tmp_path
    )
    assert run.returncode == 2
    assert f"the folder {tmp_path / 'no'} does not exist; create it first" in run.stderr
    assert "Hearth is using" not in run.stderr  # nothing was loaded


@pytest.mark.slow
def test_run_input_without_output_still_writes_the_replies(tmp_path: Path) -> None:
    from audio.wav import read_wav

    talk = Path(__file__).parent.parent / "voice" / "cli" / "demo_audio" / "01_guilty.wav"
    run = hearth("run", "--wake", "", "--input", str(talk), tmp_path=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "Hearth is using pocketsphinx" in run.stderr  # the engine, said at the start
    said = [line for line in run.stderr.splitlines() if "replies will be written to" in line]
    assert said, run.stderr
    replies = Path(said[0].rsplit(" ", 1)[1])
    assert read_wav(replies).seconds > 1.0
