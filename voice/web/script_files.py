"""The script files the page reads and writes: names checked, the defaults never written,
a save refused when the file changed since it was opened."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from voice import paths
from voice.files import atomic_write
from voice.scripts.model import ScriptSet
from voice.understanding.library import Brain
from voice.web.context import WebError

_STEM = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
"""A script file's name without ``.yaml``: no slash, no dot, so never outside its folder."""
SUFFIX = ".yaml"

NEW_INTENT = """\
intent: {name}
description: What this intent is for, in one line.

phrases:                  # what a parent might say; [optional] (one|other) {{feeling}}
  - "{words}"

replies:                  # picked at random, none repeated until all are used
  - "A short, kind reply."
"""
"""The starting text of a new intent (see docs/intent-scripts.md for every field)."""


@dataclass(frozen=True)
class ScriptEntry:
    """One row of the scripts page."""

    intent: str
    """The intent's name (the file's stem when the file did not load)."""
    stem: str
    """The file's name without ``.yaml``: how the page names it."""
    mine: bool
    """True for a file of the parent's folder, False for a default."""
    description: str
    """The script's description."""
    sentences: int
    """How many sentences its phrases expand to."""
    overridden: bool = False
    """A default the parent's own file of the same intent replaces."""
    problem: str = ""
    """Why the file is left out, for a file of the parent's that does not load."""


def stem_of(name: str) -> str:
    """``name`` if it is a safe script name; WebError otherwise (``../x``, ``/etc/passwd``)."""
    if not _STEM.fullmatch(name):
        raise WebError(
            f"'{name}' is not a script name: use lowercase letters, digits, _ and - only "
            "(no folders, no dots)",
            404,
        )
    return name


def inside(folder: Path, stem: str) -> Path:
    """The file ``stem`` of ``folder``; refused when it is a link leading out of the folder."""
    path = folder / f"{stem_of(stem)}{SUFFIX}"
    if path.is_symlink() or path.exists():
        real = path.resolve()
        if not real.is_relative_to(folder.resolve()) or not real.is_file():
            raise WebError(
                f"{path.name} leads outside your scripts folder ({real}); "
                "Hearth only edits files inside it",
                403,
            )
    return path


def default_file(stem: str) -> Path:
    """A default script by name; WebError when there is none."""
    path = inside(paths.default_intents_dir(), stem)
    if not path.is_file():
        raise WebError(f"there is no default script '{stem}'", 404)
    return path


def digest(text: str | None) -> str:
    """What the page sends back with a save to prove which version it edited ('' = none)."""
    return "" if text is None else hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_text(path: Path) -> str | None:
    """The file's text, or None when there is no file."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as err:
        why = err.strerror if isinstance(err, OSError) else "it is not UTF-8 text"
        raise WebError(f"cannot read {path.name} ({why})", 500) from None


def write_text(path: Path, text: str) -> None:
    """Write a script of the parent's, never one of the defaults."""
    if path.resolve().is_relative_to(paths.default_intents_dir().resolve()):
        raise WebError("the default scripts are never changed; use 'Make it mine'", 403)
    try:
        atomic_write(path, text)
    except OSError as err:
        raise WebError(f"cannot save {path.name} ({err.strerror}); check the folder", 500) from None


def entries(brain: Brain, folder: Path) -> list[ScriptEntry]:
    """Every intent in use, where it comes from, and the parent's files left out."""
    scripts = brain.scripts
    default = paths.default_intents_dir().resolve()
    rows = [_entry(scripts, name, default) for name in sorted(scripts.intents)]
    used = {Path(s.source).resolve() for s in scripts.intents.values()}
    for path in _default_files(default):
        if path.resolve() not in used:
            rows.append(ScriptEntry(path.stem, path.stem, False, "", 0, overridden=True))
    for problem in brain.left_out:
        if Path(problem.file).suffix == SUFFIX and _STEM.fullmatch(Path(problem.file).stem):
            stem = Path(problem.file).stem
            if all(not (r.mine and r.stem == stem) for r in rows):
                rows.append(ScriptEntry(stem, stem, True, "", 0, problem=str(problem)))
    return rows


def _entry(scripts: ScriptSet, name: str, default: Path) -> ScriptEntry:
    script = scripts.intents[name]
    source = Path(script.source)
    return ScriptEntry(
        name,
        source.stem,
        not source.resolve().is_relative_to(default),
        " ".join(script.description.split()),
        len(scripts.expansions.get(name, ())),
    )


def _default_files(folder: Path) -> list[Path]:
    with contextlib.suppress(OSError):
        return sorted(folder / n for n in os.listdir(folder) if n.endswith(SUFFIX))
    return []
