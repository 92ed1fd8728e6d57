"""Settings: files written safely, values checked, a broken file never silencing Hearth."""

from __future__ import annotations

import dataclasses
import os
import stat
import time
import tomllib
from pathlib import Path

import pytest

from voice import paths
from voice.config import (
    LoadedSettings,
    Settings,
    check_setting,
    load_settings,
    show,
    with_overrides,
)
from voice.errors import ConfigError
from voice.files import atomic_write, prune


def test_cache_dir_follows_xdg_cache_home_when_called(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert paths.cache_dir("brains") == tmp_path / "hearth" / "brains"
    assert paths.cache_dir() == tmp_path / "hearth"
    assert not (tmp_path / "hearth").exists()


def test_atomic_write_private_file_and_folder(tmp_path: Path) -> None:
    target = tmp_path / "new" / "config.toml"
    atomic_write(target, "a = 1\n", private=True)
    assert target.read_text() == "a = 1\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert stat.S_IMODE(target.parent.stat().st_mode) == 0o700
    assert os.listdir(target.parent) == ["config.toml"]


def test_atomic_write_keeps_an_old_files_mode_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "out.bin"
    target.write_bytes(b"old")
    target.chmod(0o640)
    atomic_write(target, b"new")
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert os.listdir(tmp_path) == ["out.bin"]


def test_atomic_write_does_not_use_a_fixed_temporary_name(tmp_path: Path) -> None:
    # A second writer's leftover temporary must not be taken over or collided with.
    target = tmp_path / "config.toml"
    (tmp_path / "config.toml.tmp").write_text("another process")
    atomic_write(target, "mine")
    assert target.read_text() == "mine"
    assert (tmp_path / "config.toml.tmp").read_text() == "another process"


def test_prune_keeps_the_newest(tmp_path: Path) -> None:
    now = time.time()
    for age in range(5):
        f = tmp_path / f"brain-{age}.pickle"
        f.write_text("x")
        os.utime(f, (now - age * 10, now - age * 10))
    (tmp_path / "other.txt").write_text("kept")
    prune(tmp_path, "brain-*.pickle", keep=2)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "brain-0.pickle",
        "brain-1.pickle",
        "other.txt",
    ]
    prune(tmp_path / "missing", "*", keep=0)  # a missing folder is nothing to prune


def _problems(tmp_path: Path, text: str) -> tuple[Settings, list[str]]:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    loaded = load_settings(path)
    return loaded.settings, [str(p).removeprefix(f"{path}:") for p in loaded.problems]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("volume = 5", "volume must be between 0 and 1; you wrote 5; using the default 0.9"),
        (
            "sensitivity = -2",
            "sensitivity must be between 0 and 1; you wrote -2; using the default 0.5",
        ),
        (
            "match_threshold = 3",
            "match_threshold must be more than 0 and less than 1; you wrote 3; using the default 0.78",
        ),
        ("match_threshold = 0", "match_threshold must be more than 0 and less than 1"),
        ('crisis_line = ""', "crisis_line cannot be empty"),
        ('crisis_line = "  "', "crisis replies tell the parent whom to call or text"),
        (
            'rate = "fast"',
            'rate must be a whole number between 80 and 400 words per minute; you wrote "fast"; using the default 165',
        ),
        ("rate = 5000", "rate must be between 80 and 400 words per minute; you wrote 5000"),
        ("rate = 170.5", "rate must be a whole number"),
        ("answer_timeout_s = 0", "answer_timeout_s must be more than 0 and at most 120 seconds"),
        ("trailing_silence_s = 30", "trailing_silence_s must be between 0.1 and 5 seconds"),
        ('engine = "whisper"', "engine must be one of auto, vosk, pocketsphinx"),
        ('keep_transcripts = "yes"', 'keep_transcripts must be true or false; you wrote "yes"'),
        ("voice = 3", "voice must be text in quotes"),
        ("crisis_lines = '111'", "unknown setting 'crisis_lines'; did you mean 'crisis_line'?"),
    ],
)
def test_a_bad_value_is_reported_on_its_line_and_the_default_kept(
    tmp_path: Path, line: str, message: str
) -> None:
    settings, problems = _problems(tmp_path, f'wake = "okay hearth"\n# a comment\n{line}\n')
    assert len(problems) == 1 and problems[0].startswith("3: ")
    assert message in problems[0]
    assert settings.wake == "okay hearth"  # the good line still counts
    name = line.split("=")[0].strip()
    if name in {f.name for f in dataclasses.fields(Settings)}:
        assert getattr(settings, name) == getattr(Settings(), name)


def test_a_syntax_error_keeps_every_valid_line(tmp_path: Path) -> None:
    settings, problems = _problems(
        tmp_path,
        'crisis_line = "111"\nwake = "hey\nvolume = 0.5\nrate = fast\njust words\nsensitivity = 0.7\n',
    )
    assert (settings.crisis_line, settings.volume, settings.sensitivity) == ("111", 0.5, 0.7)
    assert (settings.wake, settings.rate) == ("hey hearth", 165)
    assert [p.split(":")[0] for p in problems] == ["2", "4", "5"]
    assert problems[0].endswith('using the default "hey hearth"')
    assert problems[1].startswith("4: rate: this line is not valid TOML")
    assert problems[2].endswith("this line is ignored")


def test_a_key_set_twice_is_reported(tmp_path: Path) -> None:
    settings, problems = _problems(tmp_path, "volume = 0.5\nvolume = 5\n")
    assert settings.volume == 0.5
    assert problems == ["2: volume is set again (first on line 1); this line is ignored"]


def test_an_unreadable_config_gives_the_defaults_and_says_so(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b"volume = \xff\n")
    loaded = load_settings(path)
    assert loaded.settings == Settings() and "using all the defaults" in str(loaded.problems[0])


def test_a_good_file_has_no_problems_and_a_missing_one_gives_the_defaults(tmp_path: Path) -> None:
    settings, problems = _problems(tmp_path, "volume = 1\nrate = 200\nanswer_timeout_s = 12\n")
    assert problems == [] and (settings.volume, settings.rate) == (1.0, 200)
    assert isinstance(settings.volume, float)
    assert load_settings(tmp_path / "none.toml") == LoadedSettings(Settings())


def test_the_same_check_serves_the_command_line() -> None:
    with pytest.raises(ConfigError, match="sensitivity must be between 0 and 1; you wrote 7"):
        with_overrides(Settings(), {"sensitivity": 7.0})
    assert check_setting("rate", 180) == 180


@pytest.mark.parametrize("crisis", ['call "911"', "it's 988", "back\\slash", "line\nbreak"])
def test_show_writes_toml_that_reads_back(crisis: str) -> None:
    settings = Settings(crisis_line=crisis, wake="hey 'hearth'")
    assert tomllib.loads(show(settings)) == dataclasses.asdict(settings)
