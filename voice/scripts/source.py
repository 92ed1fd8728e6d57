"""Finding the script files of a folder and reading one into YAML with line numbers.

A folder or file that cannot be read is a problem of that path (line 0), never
a traceback: a parent's folder may sit on a drive with odd permissions.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from voice.scripts.problems import Problems
from voice.scripts.yaml_lines import YamlSyntaxError, load_yaml

LIST_FOLDER = "lists"
"""The subfolder of shared lists and rules."""
SUFFIXES = (".yaml", ".yml")


def _yaml_files(folder: Path, problems: Problems | None) -> list[Path] | None:
    """The YAML files directly in ``folder``, ``.yaml`` first, each sorted; none if it is
    absent; None when it cannot be read (reported to ``problems``, when given)."""
    try:
        names = os.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return []
    except OSError as err:
        if problems is not None:
            problems.add(
                folder, 0, f"cannot read this folder ({err.strerror}); check its permissions"
            )
        return None
    return [
        path
        for suffix in SUFFIXES
        for path in sorted(folder / n for n in names if n.endswith(suffix))
    ]


def script_files(folder: Path, problems: Problems | None = None) -> tuple[list[Path], list[Path]]:
    """The list files and the intent files of one scripts folder, in the order they load.

    A folder that cannot be read is reported to ``problems`` (when given) and holds nothing.
    """
    intents = _yaml_files(folder, problems)
    if intents is None:
        return [], []  # nor can its lists folder be: one problem is enough
    return _yaml_files(folder / LIST_FOLDER, problems) or [], intents


def all_script_files(folders: Sequence[Path]) -> list[Path]:
    """Every list and intent file of the folders, in the order they load."""
    return [path for folder in folders for files in script_files(folder) for path in files]


def folder_problem(folder: Path) -> str | None:
    """Why ``folder`` cannot be a scripts folder, or None when it can."""
    try:
        if folder.is_dir():
            return None
    except OSError as err:
        return f"cannot read this folder ({err.strerror}); check its permissions"
    return (
        "this intents folder does not exist; "
        "create it or point --intents / HEARTH_INTENTS at the right folder"
    )


def read_yaml(path: Path, problems: Problems) -> Any:
    """The file's YAML (LineDict, LineList or a scalar), or None after reporting why not."""
    try:
        raw = path.read_bytes()
    except OSError as err:
        problems.add(path, 0, f"cannot read the file ({err.strerror}); check its permissions")
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        problems.add(
            path,
            line,
            f"byte 0x{raw[err.start]:02x} on this line is not UTF-8 text; save the file as UTF-8",
        )
        return None
    try:
        data = load_yaml(text)
    except YamlSyntaxError as err:
        problems.add(path, err.line, err.message)
        return None
    if data is None:
        problems.add(path, 1, "the file is empty; start it with 'intent: <name>' or delete it")
    return data
