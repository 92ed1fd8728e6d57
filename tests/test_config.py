"""Settings: files written safely, values checked, a broken file never silencing Hearth."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import pytest

from voice import paths
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
