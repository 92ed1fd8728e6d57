"""Hearth's exceptions: one base class, one subclass per layer.

Every message is written for the person who has to act on it: what is wrong
and what to do about it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class HearthError(Exception):
    """Base class of every error Hearth reports to a person."""


@dataclass(frozen=True)
class ScriptProblem:
    """One problem found in an intent script."""

    file: Path
    """The script file."""
    line: int
    """1-based line of the problem (0 when the file as a whole is at fault)."""
    message: str
    """What is wrong and how to fix it."""
    intent: str | None = None
    """The intent the problem belongs to, when known."""
    warning: bool = False
    """True for something suspicious that does not stop Hearth."""

    def __str__(self) -> str:
        kind = "warning: " if self.warning else ""
        return f"{self.file}:{self.line}: {kind}{self.message}"


class ScriptError(HearthError):
    """Intent scripts that cannot be used; carries every problem found."""

    def __init__(self, problems: list[ScriptProblem]) -> None:
        self.problems = problems
        errors = [p for p in problems if not p.warning]
        lines = "\n".join(str(p) for p in errors)
        super().__init__(f"{len(errors)} problem(s) in the intent scripts:\n{lines}")


class IntentTestError(HearthError):
    """An intent test file that cannot be read."""


class JournalError(HearthError):
    """The check-in journal cannot be opened, read or written."""


class ConfigError(HearthError):
    """The configuration file is wrong."""


class UsageError(HearthError):
    """A command line that cannot mean what was typed (a missing file, options that clash)."""
