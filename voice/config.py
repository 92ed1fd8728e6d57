"""Hearth's settings: defaults, overridden by ``config.toml``, overridden by the command line."""

from __future__ import annotations

import dataclasses
import difflib
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from voice.errors import ConfigError
from voice.files import atomic_write

DEFAULT_THRESHOLD = 0.78
"""Confidence needed to accept a match (tuned on tests/data/dev_text.yaml)."""


@dataclass(frozen=True)
class Settings:
    """Everything a parent or installer may set in ``config.toml``."""

    crisis_line: str = "988"
    """Said in crisis replies; 988 is the US Suicide & Crisis Lifeline (call or text)."""
    keep_transcripts: bool = False
    """Store what was said in the journal (off unless the parent turns it on)."""
    journal: str = ""
    """Journal file; empty = ``$HEARTH_JOURNAL`` or ``~/.local/share/hearth/journal.db``."""
    intents: str = ""
    """The parent's own scripts; empty = ``$HEARTH_INTENTS`` or ``~/.config/hearth/intents``."""
    answer_timeout_s: float = 8.0
    """How long Hearth waits for an answer to its question before closing quietly."""
    match_threshold: float = DEFAULT_THRESHOLD
    """Below this confidence an utterance is not understood."""
    engine: str = "auto"
    """Speech engine: auto (Vosk when a model is found, else PocketSphinx), vosk, pocketsphinx."""
    vosk_model: str = ""
    """An unpacked Vosk model folder; empty = ``$HEARTH_VOSK_MODEL`` or the cache."""
    wake: str = "hey hearth"
    """The wake phrase."""
    sensitivity: float = 0.5
    """Wake phrase sensitivity, 0..1 (higher wakes more easily, and more often by mistake)."""
    wake_spotting: bool = False
    """Also spot the wake phrase with the recogniser's keyword search (PocketSphinx). Off:
    it found more wake phrases in noise but woke on kitchen chatter many times an hour
    (`make bench`); the words the domain model hears decide alone."""
    trailing_silence_s: float = 0.4
    """How long a pause ends what the parent is saying."""
    echo_cancellation: bool = True
    """While Hearth speaks, take its own voice out of the microphone (Speex, through the
    speexdsp bindings `make` installs), so that "stop" is heard over it."""
    input_device: str = ""
    """Microphone name or index; empty = the system default."""
    output_device: str = ""
    """Speaker name or index; empty = the system default."""
    voice: str = ""
    """Text-to-speech voice (an espeak-ng voice name); empty = the default English voice."""
    rate: int = 165
    """Speaking rate in words per minute."""
    volume: float = 0.9
    """Speaking volume, 0..1."""


def load_settings(path: Path) -> Settings:
    """Read ``config.toml``; a missing file gives the defaults."""
    if not path.exists():
        return Settings()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path}: {err}; fix the TOML syntax or delete the file") from None
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"{path}: cannot read the config file ({err})") from None
    return settings_from_dict(data, str(path))


def show(settings: Settings) -> str:
    """The settings as TOML, each with its explanation."""
    lines = []
    for f in dataclasses.fields(Settings):
        value = getattr(settings, f.name)
        text = (
            str(value).lower()
            if isinstance(value, bool)
            else repr(value)
            if isinstance(value, str)
            else str(value)
        )
        lines.append(f"{f.name} = {text}".replace("'", '"'))
    return "\n".join(lines)


def write_config(path: Path, settings: Settings, force: bool = False) -> None:
    """Write ``settings`` as a config file readable by its owner only (0600).

    An existing file is kept unless ``force``: it may hold a parent's choices.
    """
    if path.exists() and not force:
        raise ConfigError(f"{path} already exists; edit it, or add --force to replace it")
    header = (
        "# Hearth's settings. Every line is optional: delete one to get the default back.\n"
        "# `hearth config show` prints what is in use.\n"
    )
    try:
        atomic_write(path, header + show(settings) + "\n", private=True)
    except OSError as err:
        raise ConfigError(f"cannot write {path} ({err.strerror}); check the folder") from None


def settings_from_dict(data: dict[str, Any], where: str = "config") -> Settings:
    """Build Settings from a mapping, checking names and types."""
    fields = {f.name: f for f in dataclasses.fields(Settings)}
    defaults = Settings()
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key not in fields:
            close = difflib.get_close_matches(key, list(fields), n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"known: {', '.join(fields)}"
            raise ConfigError(f"{where}: unknown setting '{key}'; {hint}")
        expected = type(getattr(defaults, key))
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, expected) or (expected is not bool and isinstance(value, bool)):
            raise ConfigError(f"{where}: '{key}' should be a {expected.__name__}, not {value!r}")
        values[key] = value
    return dataclasses.replace(defaults, **values)
