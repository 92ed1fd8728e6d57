"""Assemble Hearth once, from the settings: scripts, journal, dialogue, voice and ears.

Every command that talks (run, chat, demo, understand, ``intents test``) builds
its parts with :func:`assemble`; what went wrong on the way is collected as
notices instead of stopping Hearth, so one broken file never silences it.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from voice import paths
from voice.config import LoadedSettings, Settings, load_settings, with_overrides
from voice.dialogue.engine import Dialogue
from voice.dialogue.journal import Journal
from voice.errors import ConfigError, UsageError
from voice.recognition.engines import make_recognizer
from voice.recognition.recognizer import Recognizer
from voice.speech.synthesizer import Synthesizer, VoiceSettings
from voice.understanding import brain_cache
from voice.understanding.library import ScriptLibrary

_OVERRIDES = (
    "crisis_line",
    "violence_line",
    "maternal_line",
    "child_line",
    "engine",
    "vosk_model",
    "wake",
    "sensitivity",
    "input_device",
    "output_device",
)
"""Settings a command-line option of the same name overrides."""

SCRIPTS_SPOKEN = (
    "Some of your scripts have a problem, so I'm using the others. "
    "Run hearth intents validate to see."
)
SETTINGS_SPOKEN = (
    "Some of your settings have a problem, so I'm using the defaults for those. "
    "Run hearth config show to see."
)
JOURNAL_SPOKEN = "There is a problem with your journal. The details are in the log."


@dataclass(frozen=True)
class Hearth:
    """Hearth's parts, built once; the loop and the commands are made from them."""

    settings: Settings
    """The settings in use (config file, then the command line)."""
    library: ScriptLibrary
    """The scripts, reloaded when edited."""
    journal: Journal | None
    """The check-in journal (None for commands that only try sentences)."""
    dialogue: Dialogue
    """The conversation, over the library's current scripts."""
    synthesizer: Synthesizer | None
    """Hearth's voice (None for commands that only print)."""
    recognizer: Recognizer | None
    """Hearth's ears (None for commands that read typed text)."""
    notices: tuple[str, ...] = ()
    """Every problem found on the way, for stderr; none of them stopped Hearth."""
    spoken_notice: str | None = None
    """The same, in a short sentence for the voice loop to say once."""

    def close(self) -> None:
        """Close the journal; safe to call twice."""
        if self.journal is not None:
            self.journal.close()


def read_settings(args: argparse.Namespace) -> LoadedSettings:
    """The config file's settings with the command line's on top, and the file's problems.

    Raises UsageError for what was typed: a ``--config`` or ``--intents`` that
    does not exist, or an option value out of range.
    """
    explicit = getattr(args, "config", None)
    path = Path(explicit).expanduser() if explicit else paths.config_file()
    if explicit and not path.is_file():
        raise UsageError(
            f"--config {explicit}: no such file; check the path, or leave out --config to use "
            f"{paths.config_file()} (`hearth config init` writes one)"
        )
    folder = getattr(args, "intents", None)
    if folder and not Path(folder).expanduser().is_dir():
        raise UsageError(
            f"--intents {folder}: no such folder; check the path, or leave out --intents to use "
            f"{paths.user_intents_dir()}"
        )
    loaded = load_settings(path)
    overrides: dict[str, object] = {}
    for name in ("intents", "journal"):
        if getattr(args, name, None):
            overrides[name] = str(getattr(args, name))
    for name in _OVERRIDES:
        value = getattr(args, name, None)
        if value is not None:
            overrides[name] = value
    try:
        settings = with_overrides(loaded.settings, overrides)
    except ConfigError as err:
        raise UsageError(f"on the command line: {err}") from None
    return LoadedSettings(settings, loaded.problems)


def settings_from_args(args: argparse.Namespace) -> Settings:
    """:func:`read_settings`, printing the config file's problems to stderr."""
    loaded = read_settings(args)
    for problem in loaded.problems:
        print(f"hearth: {problem}", file=sys.stderr)
    return loaded.settings


def intent_folders(settings: Settings) -> list[Path]:
    """The default scripts, then the parent's own folder if it exists."""
    folders = [paths.default_intents_dir()]
    user = Path(settings.intents).expanduser() if settings.intents else paths.user_intents_dir()
    try:
        present = user.is_dir()
    except OSError:  # it may not even be looked at: the loader says so
        present = True
    if present:
        folders.append(user)
    return folders


def journal_path(settings: Settings) -> Path:
    """Where the journal file is."""
    return Path(settings.journal).expanduser() if settings.journal else paths.journal_file()


def open_library(settings: Settings) -> ScriptLibrary:
    """Load the scripts; a broken file of the parent's is left out (see ``library.notice``)."""
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


def assemble(
    loaded: LoadedSettings,
    *,
    journal: Path | None,
    listen: bool = False,
    speak: bool = False,
    clock: Callable[[], float] = time.monotonic,
    rng: random.Random | None = None,
) -> Hearth:
    """Build Hearth's parts from ``loaded``; only a missing engine stops it (with the fix).

    ``journal`` is the journal file (None: no journal); ``listen`` and ``speak``
    start the recogniser and the synthesiser.
    """
    settings = loaded.settings
    notices = [str(problem) for problem in loaded.problems]
    spoken = [SETTINGS_SPOKEN] if loaded.problems else []
    if settings.intents and not Path(settings.intents).expanduser().is_dir():
        notices.append(
            f"the intents folder {settings.intents} in the config file does not exist; "
            "using only the scripts that come with Hearth"
        )
        spoken.append(SETTINGS_SPOKEN)
    library = open_library(settings)
    if library.notice:
        notices.append(library.notice)
        spoken.append(SCRIPTS_SPOKEN)
    recognizer = make_recognizer(settings.engine, settings.vosk_model or None) if listen else None
    synthesizer = (
        Synthesizer(VoiceSettings(settings.voice, settings.rate, settings.volume))
        if speak
        else None
    )
    book = None
    if journal is not None:
        book = Journal.for_device(journal, keep_transcripts=settings.keep_transcripts)
        if book.notice:
            notices.append(book.notice)
            spoken.append(JOURNAL_SPOKEN)
    return Hearth(
        settings=settings,
        library=library,
        journal=book,
        dialogue=Dialogue(lambda: library.brain, settings, book, clock=clock, rng=rng),
        synthesizer=synthesizer,
        recognizer=recognizer,
        notices=tuple(notices),
        spoken_notice=" ".join(dict.fromkeys(spoken)) or None,
    )


def print_notices(hearth: Hearth) -> None:
    """Every start-up notice on stderr, one per line."""
    for notice in hearth.notices:
        print(f"hearth: {notice}", file=sys.stderr)
