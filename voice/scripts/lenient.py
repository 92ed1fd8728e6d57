"""Start-up that a broken edit cannot stop: the defaults plus every user file that loads.

``hearth intents validate`` is strict (``load_scripts``: every problem, nothing
loaded). At start-up Hearth instead leaves out each of the parent's files that
has an error and runs with the rest, so a typo never silences it, crisis
replies included: a broken ``crisis.yaml`` of the parent's leaves the default
crisis intent in use. A file that only works with a left-out one (a follow-up
leading to an intent of a broken file, a phrase using a list of a broken list
file) is left out too, with its own problem. When nothing is broken both paths
load exactly the same ScriptSet.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from voice.errors import ScriptError, ScriptProblem
from voice.scripts.loader import errors_by_file, load_scripts, load_without
from voice.scripts.model import ScriptSet
from voice.scripts.source import script_files


def load_leniently(folders: Sequence[Path]) -> tuple[ScriptSet, tuple[ScriptProblem, ...]]:
    """The scripts of ``folders`` (defaults first) without the user files that have errors.

    Returns the ScriptSet and the errors of the files left out (empty when none
    was). Raises ScriptError only when the defaults themselves are broken.
    """
    paths = [Path(f) for f in folders]
    try:
        return load_scripts(paths), ()
    except ScriptError as err:
        problems = err.problems
    left_out: dict[Path, list[ScriptProblem]] = {}
    # Each round leaves out at least one more path, so this ends.
    while True:
        found = errors_by_file(problems)
        theirs = {f: p for f, p in found.items() if not _is_default(f, paths)}
        if not theirs:
            theirs = _blame_lists(paths, left_out, found)
        if theirs.keys() <= left_out.keys():  # cannot happen: a left-out file is not read
            raise ScriptError(problems)
        left_out.update(theirs)
        try:
            scripts = load_without(paths, left_out.keys())
        except ScriptError as err:
            problems = err.problems
            continue
        return scripts, tuple(p for errors in left_out.values() for p in errors)


def _is_default(file: Path, folders: list[Path]) -> bool:
    return bool(folders) and (file == folders[0] or file.is_relative_to(folders[0]))


def _blame_lists(
    folders: list[Path],
    left_out: dict[Path, list[ScriptProblem]],
    found: dict[Path, list[ScriptProblem]],
) -> dict[Path, list[ScriptProblem]]:
    """Errors only in the defaults: the defaults are broken, or a user's list file broke them.

    A user's list or rule of the same name replaces the default one, and so can break
    a default script; every user list file is then left out.
    """
    load_scripts(folders[:1])  # raises when the defaults alone are broken
    first = next(p for errors in found.values() for p in errors)
    blamed = {
        file: [
            ScriptProblem(
                file,
                0,
                f"its lists or rules replace ones the default scripts need ({first}); "
                "give yours new names",
            )
        ]
        for folder in folders[1:]
        for file in script_files(folder)[0]
        if file not in left_out
    }
    if not blamed:
        raise ScriptError([p for errors in found.values() for p in errors])
    return blamed
