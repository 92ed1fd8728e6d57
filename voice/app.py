"""Assemble Hearth from settings: the scripts, the journal, the dialogue engine."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path
from typing import Any

from voice import paths
from voice.config import Settings, load_settings
from voice.dialogue.engine import Dialogue
from voice.dialogue.journal import Journal
from voice.understanding import brain_cache
from voice.understanding.library import ScriptLibrary


def settings_from_args(args: argparse.Namespace) -> Settings:
    """The config file's settings, with command-line options on top."""
    settings = load_settings(Path(args.config) if args.config else paths.config_file())
    overrides: dict[str, Any] = {}
    if getattr(args, "intents", None):
        overrides["intents"] = str(args.intents)
    if getattr(args, "journal", None):
        overrides["journal"] = str(args.journal)
    for name in (
        "crisis_line",
        "engine",
        "vosk_model",
        "wake",
        "sensitivity",
        "input_device",
        "output_device",
    ):
        value = getattr(args, name, None)
        if value is not None:
            overrides[name] = value
    return dataclasses.replace(settings, **overrides)


def intent_folders(settings: Settings) -> list[Path]:
    """The default scripts, then the parent's own folder if it exists."""
    folders = [paths.default_intents_dir()]
    user = Path(settings.intents).expanduser() if settings.intents else paths.user_intents_dir()
    try:
        present = bool(settings.intents) or user.is_dir()
    except OSError:  # it may not even be looked at: the loader says so
        present = True
    if present:
        folders.append(user)
    return folders


def journal_path(settings: Settings) -> Path:
    """Where the journal file is."""
    return Path(settings.journal).expanduser() if settings.journal else paths.journal_file()


def open_library(settings: Settings) -> ScriptLibrary:
    """Load the scripts (raises ScriptError with every problem)."""
    return ScriptLibrary(
        intent_folders(settings),
        threshold=settings.match_threshold,
        cache_dir=brain_cache.default_dir(),
    )


def open_journal(settings: Settings) -> Journal:
    """Open (or create) the journal (raises JournalError); says so if a damaged one was set aside."""
    journal = Journal(journal_path(settings), keep_transcripts=settings.keep_transcripts)
    if journal.notice:
        print(journal.notice, file=sys.stderr)
    return journal


def make_dialogue(library: ScriptLibrary, settings: Settings, journal: Journal | None) -> Dialogue:
    """A dialogue engine that always uses the library's current scripts."""
    return Dialogue(lambda: library.brain, settings, journal)
