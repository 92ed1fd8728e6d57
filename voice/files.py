"""Files only their owner may read: the journal and the config."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def create_private(path: Path) -> None:
    """Make sure ``path`` exists with mode 0600 in a folder created 0700.

    An existing file keeps its content and loses any group or other permission.
    Raises OSError; the caller says what it means for its file.
    """
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        if os.fstat(fd).st_mode & 0o077:  # O_CREAT's mode says nothing for an old file
            os.fchmod(fd, 0o600)
    finally:
        os.close(fd)


def atomic_write(path: Path, data: str | bytes, *, private: bool = False) -> None:
    """Replace ``path`` with ``data`` so a reader sees the old file or the new, never half.

    The temporary file has a unique name in the same folder, so two processes
    writing at once cannot collide. ``private`` makes the file 0600 in a folder
    created 0700; otherwise a new file gets the usual 0644 and an old one keeps
    its mode. Raises OSError; the caller says what it means for its file.
    """
    path.parent.mkdir(mode=0o700 if private else 0o777, parents=True, exist_ok=True)
    kept = path.stat().st_mode & 0o777 if path.is_file() else 0o644
    mode = 0o600 if private else kept
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(payload)
            out.flush()
            os.fsync(out.fileno())
            os.fchmod(out.fileno(), mode)
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def write_private_text(path: Path, text: str) -> None:
    """Replace ``path`` atomically with ``text``, readable by its owner only."""
    tmp = path.with_name(path.name + ".tmp")
    create_private(tmp)
    with tmp.open("w", encoding="utf-8") as out:
        out.write(text)
    tmp.replace(path)
