"""Start-up without rebuilding: the loaded scripts and their matcher, kept on disk.

Expanding every template with hassil and indexing ~90k sentences takes seconds on
each start; a pickled copy loads in a fraction of that. The key covers
everything the result depends on: the content of every script file, the
threshold, and Hearth's own source code (a change to the code is a new key, so a
cache written by another version is never read). The files live in the user's
private cache folder (0700); a cache that cannot be read or written only costs
time, never an error.
"""

from __future__ import annotations

import copyreg
import hashlib
import pickle
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from voice import paths
from voice.files import atomic_write, prune
from voice.scripts.loader import all_script_files
from voice.scripts.source import folder_problem

KEEP = 4
"""Cached builds kept (each edit of the scripts makes one; the defaults' is ~17 MB)."""
_CODE = Path(__file__).resolve().parents[1]
"""The ``voice`` package: every module in it, subpackages included, is in the key."""


def _mapping_proxy(items: dict[Any, Any]) -> MappingProxyType[Any, Any]:
    return MappingProxyType(items)


# Read-only mappings in the script model pickle as plain dicts wrapped again on load.
copyreg.pickle(MappingProxyType, lambda m: (_mapping_proxy, (dict(m),)))


def default_dir() -> Path:
    """``~/.cache/hearth/brains``."""
    return paths.cache_dir("brains")


def key(folders: Sequence[Path], threshold: float) -> str:
    """A name for the build of these script folders by this version of Hearth."""
    digest = hashlib.sha256(f"{_code_digest()} threshold {threshold!r}\n".encode())
    # A folder or file that cannot be read is part of the key: the build without it says
    # so (it left something out), and must not be mistaken for a build that never had it.
    for folder in folders:
        digest.update(f"{folder}\0{folder_problem(folder) or 'readable'}\n".encode())
    for path in all_script_files(folders):
        try:
            content = path.read_bytes()
        except OSError as err:
            content = f"unreadable: {err.strerror}".encode()
        digest.update(str(path).encode() + b"\0" + content)
    return digest.hexdigest()[:24]


@cache
def _code_digest() -> str:
    """Hearth's own source, read once per process (reloads ask for a key again)."""
    digest = hashlib.sha256()
    for source in sorted(_CODE.rglob("*.py")):
        digest.update(str(source.relative_to(_CODE)).encode() + b"\0" + source.read_bytes())
    return digest.hexdigest()


def load(folder: Path, name: str) -> Any | None:
    """The cached build, or None (missing, damaged, or from an incompatible Python)."""
    path = folder / f"brain-{name}.pickle"
    try:
        with path.open("rb") as f:
            return pickle.load(f)
    except FileNotFoundError:
        return None
    except Exception:
        path.unlink(missing_ok=True)
        return None


def save(folder: Path, name: str, brain: Any) -> None:
    """Store a build atomically (private to the user) and keep only the newest few."""
    try:
        data = pickle.dumps(brain, protocol=pickle.HIGHEST_PROTOCOL)
        atomic_write(folder / f"brain-{name}.pickle", data, private=True)
        prune(folder, "brain-*.pickle", KEEP)
    except (OSError, pickle.PicklingError):
        pass
