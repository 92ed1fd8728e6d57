"""One mistake in a file never silences Hearth: at start-up it says what is wrong and talks.

Each case runs the real `hearth` command in a child process on real files.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from speech_kit import speak

from audio.chunk import SPEECH_RATE, concat, silence
from audio.wav import read_wav, write_wav
from bench.process_stats import hearth_env

pytestmark = pytest.mark.slow  # subprocesses or real speech: the fast tier leaves them out

GOOD_SCRIPT = """\
intent: garden
phrases:
  - "tell me about the garden"
replies:
  - "{reply}"
"""


def hearth(
    *args: str, home: Path, stdin: str = "", intents: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "voice", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=hearth_env(home, intents),
        timeout=300,
    )


def test_chat_with_a_config_syntax_error_keeps_the_good_lines_and_talks(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text('crisis_line = "111"\nwake = "hey\n', encoding="utf-8")
    run = hearth("chat", home=tmp_path, stdin="i want to hurt myself\n")
    assert run.returncode == 0, run.stderr
    assert f"{tmp_path / 'config.toml'}:2: wake: this line is not valid TOML" in run.stderr
    assert "111" in run.stdout  # line 1 still counts
    assert "Traceback" not in run.stderr


def test_chat_with_a_value_out_of_range_uses_the_default_and_says_so(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text("volume = 5\n", encoding="utf-8")
    run = hearth("chat", home=tmp_path, stdin="give me a mantra\n")
    assert run.returncode == 0, run.stderr
    assert (
        f"{tmp_path / 'config.toml'}:1: volume must be between 0 and 1; you wrote 5; "
        "using the default 0.9"
    ) in run.stderr
    assert "hearth> " in run.stdout


def test_an_empty_crisis_line_is_refused_so_crisis_replies_keep_a_number(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text('crisis_line = ""\n', encoding="utf-8")
    run = hearth("chat", home=tmp_path, stdin="i want to hurt myself\n")
    assert run.returncode == 0, run.stderr
    assert "crisis_line cannot be empty" in run.stderr
    assert "988" in run.stdout and "  now" not in run.stdout


def test_a_broken_script_of_the_parents_is_left_out_and_the_rest_answer(tmp_path: Path) -> None:
    mine = tmp_path / "intents"
    mine.mkdir()
    (mine / "garden.yaml").write_text(GOOD_SCRIPT.format(reply="The roses are out."))
    (mine / "broken.yaml").write_text("intent: broken\nphrases: [unclosed\n")
    run = hearth("chat", home=tmp_path, intents=mine, stdin="tell me about the garden\n")
    assert run.returncode == 0, run.stderr
    assert "broken.yaml" in run.stderr and "Traceback" not in run.stderr
    assert "The roses are out." in run.stdout


def test_a_journal_that_cannot_be_opened_does_not_stop_chat(tmp_path: Path) -> None:
    (tmp_path / "journal.db").mkdir()  # a folder where the journal file should be
    run = hearth("chat", home=tmp_path, stdin="give me a mantra\n")
    assert run.returncode == 0, run.stderr
    assert "journal" in run.stderr and "Traceback" not in run.stderr
    assert "hearth> " in run.stdout


@pytest.mark.slow  # each edit rebuilds the matcher
def test_chat_picks_up_an_edited_script_without_restarting(tmp_path: Path) -> None:
    mine = tmp_path / "intents"
    mine.mkdir()
    script = mine / "garden.yaml"
    script.write_text(GOOD_SCRIPT.format(reply="The roses are out."))
    env = hearth_env(tmp_path, mine) | {"PYTHONUNBUFFERED": "1"}
    with subprocess.Popen(
        [sys.executable, "-m", "voice", "chat"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    ) as proc:
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write("tell me about the garden\n")
        proc.stdin.flush()
        assert "The roses are out." in proc.stdout.readline()
        script.write_text(GOOD_SCRIPT.format(reply="The tulips are up."))
        os.utime(script, ns=(1, 1))  # a different mtime even on a coarse clock
        proc.stdin.write("tell me about the garden\n")
        proc.stdin.flush()
        assert "The tulips are up." in proc.stdout.readline()
        script.write_text("intent: garden\nphrases: [unclosed\n")
        proc.stdin.write("tell me about the garden\n")
        proc.stdin.close()
        rest = proc.stdout.read()
        errors = proc.stderr.read() if proc.stderr else ""
    assert proc.returncode == 0, errors
    assert "The tulips are up." in rest  # the last good scripts stay in use
    assert "garden.yaml" in errors and "Traceback" not in errors


@pytest.fixture(scope="module")
def pause_then_speech(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("never-silent")
    said = speak("i feel so guilty about missing bedtime", "en-us", folder / "raw.wav")
    path = folder / "talk.wav"
    write_wav(path, concat([silence(12.0), said, silence(4.0)]))
    return path


def _loud_seconds(path: Path, until_s: float) -> float:
    samples = np.frombuffer(read_wav(path).for_speech().audio, dtype="<i2")
    head = np.abs(samples[: int(until_s * SPEECH_RATE)].astype(np.int32))
    return float(np.count_nonzero(head > 500)) / SPEECH_RATE


@pytest.mark.slow
def test_run_with_a_broken_config_says_so_aloud_and_still_listens(
    tmp_path: Path, pause_then_speech: Path
) -> None:
    (tmp_path / "config.toml").write_text("volume = 5\n", encoding="utf-8")
    out = tmp_path / "replies.wav"
    run = hearth(
        "run", "--wake", "", "--input", str(pause_then_speech), "--output", str(out), home=tmp_path
    )
    assert run.returncode == 0, run.stderr
    assert "volume must be between 0 and 1; you wrote 5; using the default 0.9" in run.stderr
    assert "[name_feeling]" in run.stdout  # it still heard the parent
    assert _loud_seconds(out, 11.0) > 1.0  # the notice, said before the parent spoke

    (tmp_path / "config.toml").unlink()
    quiet = hearth(
        "run", "--wake", "", "--input", str(pause_then_speech), "--output", str(out), home=tmp_path
    )
    assert quiet.returncode == 0, quiet.stderr
    assert _loud_seconds(out, 11.0) == 0.0  # nothing to report: nothing said before
