"""What every step of loading shares: the list of problems found, and where a value is.

Every problem is collected (not just the first) as a ScriptProblem with file,
line and a hint, so that ``hearth intents validate`` can list them all.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from voice.errors import ScriptProblem
from voice.scripts.yaml_lines import LineDict, LineList


class Problems:
    """Collects problems; the one place they are recorded."""

    def __init__(self) -> None:
        self.items: list[ScriptProblem] = []

    def add(
        self, file: Path, line: int, message: str, intent: str | None = None, warning: bool = False
    ) -> None:
        """Record one problem (an error unless ``warning``)."""
        self.items.append(ScriptProblem(file, line, message, intent, warning))

    @property
    def has_errors(self) -> bool:
        """Whether anything found stops the scripts from being used."""
        return any(not p.warning for p in self.items)


def suggest(word: str, choices: Sequence[str]) -> str:
    """ "did you mean ...?" for a near spelling, else the choices."""
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f"did you mean '{close[0]}'?" if close else f"use one of: {', '.join(sorted(choices))}"


def line_of(container: Any, key: Any, default: int) -> int:
    """The line of ``container[key]`` as read from YAML, else ``default``."""
    if isinstance(container, LineDict):
        return container.key_lines.get(key, default)
    if isinstance(container, LineList) and isinstance(key, int) and key < len(container.item_lines):
        return container.item_lines[key]
    return default


def strings(
    value: Any, path: Path, line: int, what: str, problems: Problems, intent: str | None
) -> tuple[str, ...]:
    """A list of non-empty strings (a single string is accepted as a list of one)."""
    if isinstance(value, str):
        value = LineList([value])
        value.line, value.item_lines = line, [line]
    if not isinstance(value, list):
        problems.add(
            path,
            line,
            f"{what} must be a list of sentences, each on a line starting with '- '",
            intent,
        )
        return ()
    out: list[str] = []
    for i, item in enumerate(value):
        item_line = line_of(value, i, line)
        if isinstance(item, bool | int | float):
            item = str(item)
        if not isinstance(item, str):
            problems.add(
                path,
                item_line,
                f"{what}: this item is not a sentence; put it in double quotes",
                intent,
            )
        elif not item.strip():
            problems.add(
                path, item_line, f"{what}: empty sentence; write one or remove the line", intent
            )
        else:
            out.append(item.strip())
    return tuple(out)
