"""Load intent scripts from folders, check them, and build a ScriptSet.

The steps live beside this module: reading a file (``source``), one intent's
fields (``intent_fields``), the shared lists and rules (``shared_lists``),
expansion (``expansion``) and the checks across files (``checks``). Later
folders override earlier ones: an intent by its name, a list or rule by its
name. The default crisis terms always stay active.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from pathlib import Path
from types import MappingProxyType

from voice.errors import ScriptError, ScriptProblem
from voice.scripts.checks import check_routes, check_shared_sentences
from voice.scripts.expansion import crisis_terms, expand_all, priority_terms
from voice.scripts.gathered import Gathered, merge
from voice.scripts.intent_fields import read_intent
from voice.scripts.model import CRISIS_INTENT, ScriptSet
from voice.scripts.problems import Problems
from voice.scripts.shared_lists import parse_rules, read_lists
from voice.scripts.source import (
    LIST_FOLDER,
    all_script_files,
    folder_problem,
    read_yaml,
    script_files,
)

__all__ = ["LIST_FOLDER", "all_script_files", "load_scripts", "script_files"]


def load_scripts(folders: Sequence[Path]) -> ScriptSet:
    """Load and check the folders (defaults first); raise ScriptError listing every problem."""
    return load_without(folders, ())


def load_without(folders: Sequence[Path], left_out: Collection[Path]) -> ScriptSet:
    """Like :func:`load_scripts`, as if the files and folders in ``left_out`` were not there."""
    problems = Problems()
    read = [_read_folder(Path(f), frozenset(left_out), problems) for f in folders]
    merged = merge(read)
    if CRISIS_INTENT not in merged.intents and folders:
        problems.add(
            Path(folders[0]),
            0,
            "there is no 'crisis' intent; Hearth must always be able to answer a crisis, "
            "so restore crisis.yaml",
        )
    rules = parse_rules(merged, problems)
    expansions, origins, groups = expand_all(merged, rules, problems)
    check_routes(merged, problems)
    check_shared_sentences(origins, problems)
    crisis = crisis_terms(read[0] if read else None, merged, rules, problems)
    concepts = crisis_terms(read[0] if read else None, merged, rules, problems, concepts=True)
    serious = priority_terms(merged, rules, problems)
    if problems.has_errors:
        raise ScriptError(problems.items)
    return ScriptSet(
        intents=MappingProxyType(dict(merged.intents)),
        lists=MappingProxyType({k: MappingProxyType(v) for k, v in merged.lists.items()}),
        rules=MappingProxyType(dict(merged.rules)),
        expansions=MappingProxyType(expansions),
        template_sizes=MappingProxyType(groups),
        crisis_terms=crisis,
        priority_terms=MappingProxyType(serious),
        folders=tuple(Path(f) for f in folders),
        warnings=tuple(problems.items),
        crisis_concepts=concepts,
    )


def _read_folder(path: Path, left_out: frozenset[Path], problems: Problems) -> Gathered:
    folder = Gathered()
    if path in left_out:
        return folder
    why = folder_problem(path)
    if why is not None:
        problems.add(path, 0, why)
        return folder
    list_files, intent_files = script_files(path, problems)
    for file in list_files:
        if file not in left_out:
            read_lists(file, read_yaml(file, problems), folder, problems)
    for file in intent_files:
        if file not in left_out:
            _add_intent(file, folder, problems)
    return folder


def _add_intent(path: Path, folder: Gathered, problems: Problems) -> None:
    data = read_yaml(path, problems)
    result = read_intent(path, data, problems) if data is not None else None
    if result is None:
        return
    script, lines = result
    if script.name in folder.intents:
        other = folder.intents[script.name]
        problems.add(
            path,
            script.line,
            f"the intent '{script.name}' is already defined in {other.source.name}:{other.line}; "
            "rename one of them",
            script.name,
        )
        return
    folder.intents[script.name] = script
    folder.lines[script.name] = lines


def errors_by_file(problems: Sequence[ScriptProblem]) -> dict[Path, list[ScriptProblem]]:
    """The errors (not warnings) of each file, files in the order first reported."""
    out: dict[Path, list[ScriptProblem]] = {}
    for problem in problems:
        if not problem.warning:
            out.setdefault(problem.file, []).append(problem)
    return out
