"""What script files hold once read, before the checks that need every file."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from voice.scripts.intent_fields import IntentLines
from voice.scripts.model import IntentScript, SlotValue


@dataclass
class Gathered:
    """The intents, lists and rules of one folder, or of several merged."""

    intents: dict[str, IntentScript] = field(default_factory=dict)
    """Intent name -> script."""
    lines: dict[str, IntentLines] = field(default_factory=dict)
    """Intent name -> where its parts are in its file."""
    lists: dict[str, dict[str, SlotValue]] = field(default_factory=dict)
    """List name -> value -> SlotValue."""
    list_lines: dict[str, tuple[Path, int]] = field(default_factory=dict)
    """List name -> the file and line defining it."""
    rules: dict[str, str] = field(default_factory=dict)
    """Rule name -> template."""
    rule_lines: dict[str, tuple[Path, int]] = field(default_factory=dict)
    """Rule name -> the file and line defining it."""


def merge(folders: list[Gathered]) -> Gathered:
    """Later folders override earlier ones: an intent, a list or a rule by its name."""
    merged = Gathered()
    for folder in folders:
        merged.intents.update(folder.intents)
        merged.lines.update(folder.lines)
        merged.lists.update(folder.lists)
        merged.list_lines.update(folder.list_lines)
        merged.rules.update(folder.rules)
        merged.rule_lines.update(folder.rule_lines)
    return merged
