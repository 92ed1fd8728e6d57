"""Files only their owner may read: the journal and the config."""

from __future__ import annotations

import os
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


def write_private_text(path: Path, text: str) -> None:
    """Replace ``path`` atomically with ``text``, readable by its owner only."""
    tmp = path.with_name(path.name + ".tmp")
    create_private(tmp)
    with tmp.open("w", encoding="utf-8") as out:
        out.write(text)
    tmp.replace(path)
