"""Hearth's settings: defaults, overridden by ``config.toml``, overridden by the command line.

Every value passes one check (:func:`check_setting`), whether it comes from the
file, the command line or a settings page. A broken file never stops Hearth:
:func:`load_settings` keeps every line it can use and reports the others, each
with its line and the default used instead.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomli_w

from voice.errors import ConfigError
from voice.files import atomic_write

DEFAULT_THRESHOLD = 0.78
"""Confidence needed to accept a match (tuned on tests/data/dev_text.yaml)."""

ENGINE_CHOICES = ("auto", "vosk", "pocketsphinx")
"""The speech engines a config file may name."""


@dataclass(frozen=True)
class Settings:
    """Everything a parent or installer may set in ``config.toml``."""

    crisis_line: str = "988"
    """Said in crisis replies; 988 is the US Suicide & Crisis Lifeline (call or text)."""
    violence_line: str = "1-800-799-7233, or text START to 88788"
    """Said when a parent discloses violence or fear at home: the US National Domestic
    Violence Hotline."""
    maternal_line: str = "1-833-852-6262, call or text"
    """Said when a parent describes postpartum depression or anxiety: the US National
    Maternal Mental Health Hotline (for every parent, fathers too)."""
    child_line: str = "1-800-422-4453"
    """Said when a parent says someone is hurting their child: the US Childhelp National
    Child Abuse Hotline."""
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
    wake_model: bool = False
    """Hear "hey hearth" with the trained wake model (issue 18) instead of in the words the
    domain model hears. Off by default: it misses fewer wakes in noise, but wakes falsely
    more often, costs more CPU, and the utterance after its wake was misheard where the
    words path heard it right ("hey hearth i am so tired")."""
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


@dataclass(frozen=True)
class _Range:
    """The numbers a setting accepts; open ends exclude the bound itself."""

    low: float
    high: float
    open_low: bool = False
    open_high: bool = False
    unit: str = ""

    def holds(self, value: float) -> bool:
        above = value > self.low if self.open_low else value >= self.low
        below = value < self.high if self.open_high else value <= self.high
        return above and below

    def __str__(self) -> str:
        unit = f" {self.unit}" if self.unit else ""
        if self.open_low and self.open_high:
            return f"more than {self.low:g} and less than {self.high:g}{unit}"
        if self.open_low:
            return f"more than {self.low:g} and at most {self.high:g}{unit}"
        return f"between {self.low:g} and {self.high:g}{unit}"


_RANGES = {
    "answer_timeout_s": _Range(0, 120, open_low=True, unit="seconds"),
    "match_threshold": _Range(0, 1, open_low=True, open_high=True),
    "sensitivity": _Range(0, 1),
    "trailing_silence_s": _Range(0.1, 5, unit="seconds"),
    "rate": _Range(80, 400, unit="words per minute"),
    "volume": _Range(0, 1),
}
"""Sensible bounds: outside them Hearth would not hear, or not be heard."""

HELP_LINES = {
    "crisis_line": "crisis",
    "violence_line": "violence at home",
    "maternal_line": "postpartum",
    "child_line": "child harmed",
}
"""The lines replies give for help, each with the replies that name it: never empty."""

_FIELDS = {f.name: f for f in dataclasses.fields(Settings)}
DEFAULTS = Settings()
"""Every setting at its default."""


def toml_value(value: object) -> str:
    """``value`` written as TOML writes it (strings quoted and escaped)."""
    return tomli_w.dumps({"v": value}).split("=", 1)[1].strip()


def check_setting(name: str, value: object) -> Any:
    """``value`` as ``Settings.<name>`` holds it; raises ConfigError saying what is allowed.

    The one check of a setting, for the config file, the command line and any
    settings page alike. Whole numbers are accepted where a decimal is expected.
    """
    if name not in _FIELDS:
        close = difflib.get_close_matches(name, list(_FIELDS), n=1)
        hint = f"did you mean '{close[0]}'?" if close else f"known: {', '.join(_FIELDS)}"
        raise ConfigError(f"unknown setting '{name}'; {hint}")
    wrote = f"you wrote {toml_value(value) if _writable(value) else repr(value)}"
    expected = type(getattr(DEFAULTS, name))
    if expected is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{name} must be true or false; {wrote}")
        return value
    if expected is str:
        if not isinstance(value, str):
            raise ConfigError(f'{name} must be text in quotes, such as "{_example(name)}"; {wrote}')
        return _check_text(name, value, wrote)
    if isinstance(value, bool) or not isinstance(value, int | float):
        kind = "a whole number" if expected is int else "a number"
        raise ConfigError(f"{name} must be {kind} {_RANGES[name]}; {wrote}")
    if expected is int and not float(value).is_integer():
        raise ConfigError(f"{name} must be a whole number {_RANGES[name]}; {wrote}")
    number = int(value) if expected is int else float(value)
    if not _RANGES[name].holds(number):
        raise ConfigError(f"{name} must be {_RANGES[name]}; {wrote}")
    return number


def _check_text(name: str, value: str, wrote: str) -> str:
    if name in HELP_LINES and not value.strip():
        raise ConfigError(
            f"{name} cannot be empty: {HELP_LINES[name]} replies tell the parent whom to "
            f'call or text; write a number such as "{_example(name)}"; {wrote}'
        )
    if name == "engine" and value not in ENGINE_CHOICES:
        raise ConfigError(f"engine must be one of {', '.join(ENGINE_CHOICES)}; {wrote}")
    return value


def _example(name: str) -> str:
    return str(getattr(DEFAULTS, name)) or "..."


def _writable(value: object) -> bool:
    return isinstance(value, str | int | float | bool)


def with_overrides(settings: Settings, overrides: Mapping[str, object]) -> Settings:
    """``settings`` with ``overrides`` (a form, the command line) checked and applied.

    Raises ConfigError at the first value that is not allowed.
    """
    values = {name: check_setting(name, value) for name, value in overrides.items()}
    return dataclasses.replace(settings, **values)


def show(settings: Settings) -> str:
    """The settings as TOML, one line each."""
    return tomli_w.dumps(dataclasses.asdict(settings)).rstrip("\n")


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


@dataclass(frozen=True)
class ConfigProblem:
    """A line of the config file that Hearth could not use, and what it did instead."""

    file: Path
    """The config file."""
    line: int
    """1-based line of the problem (0 when the file as a whole is at fault)."""
    message: str
    """What is wrong, how to fix it, and what Hearth uses meanwhile."""

    def __str__(self) -> str:
        return (
            f"{self.file}:{self.line}: {self.message}"
            if self.line
            else f"{self.file}: {self.message}"
        )


@dataclass(frozen=True)
class LoadedSettings:
    """The settings read from a config file, with every problem found in it."""

    settings: Settings
    """The file's usable values over the defaults."""
    problems: tuple[ConfigProblem, ...] = ()
    """Lines that were left out (their keys keep the default); empty for a good file."""


_KEY = re.compile(r"""\s*["']?([A-Za-z0-9_-]+)["']?\s*=""")


def load_settings(path: Path) -> LoadedSettings:
    """Read ``config.toml``, never failing: a missing file gives the defaults.

    A bad value keeps the default for its key; a file that is not valid TOML is
    read line by line, so every good line still counts.
    """
    if not path.exists():
        return LoadedSettings(DEFAULTS)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        why = err.strerror if isinstance(err, OSError) else "it is not UTF-8 text"
        return LoadedSettings(
            DEFAULTS, (ConfigProblem(path, 0, f"cannot be read ({why}); using all the defaults"),)
        )
    try:
        entries = [(_line_of(text, key), key, value) for key, value in tomllib.loads(text).items()]
        problems: list[ConfigProblem] = []
    except tomllib.TOMLDecodeError:
        entries, problems = _read_line_by_line(path, text)
    values: dict[str, Any] = {}
    for line, key, value in entries:
        try:
            values[key] = check_setting(key, value)
        except ConfigError as err:
            problems.append(ConfigProblem(path, line, f"{err}; {_instead(key)}"))
    problems.sort(key=lambda p: p.line)
    return LoadedSettings(dataclasses.replace(DEFAULTS, **values), tuple(problems))


def _read_line_by_line(
    path: Path, text: str
) -> tuple[list[tuple[int, str, object]], list[ConfigProblem]]:
    """Each line of a file that is not valid TOML as a file of its own (settings are one line each)."""
    entries: list[tuple[int, str, object]] = []
    problems: list[ConfigProblem] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key = _KEY.match(line)
        try:
            parsed = tomllib.loads(line)
        except tomllib.TOMLDecodeError as err:
            why = re.sub(r"\s*\(at [^)]*\)", "", str(err)).lower()
            name = f"{key.group(1)}: " if key else ""
            what = _instead(key.group(1)) if key else "this line is ignored"
            problems.append(
                ConfigProblem(path, number, f"{name}this line is not valid TOML ({why}); {what}")
            )
            continue
        for name, value in parsed.items():
            if name in seen:
                problems.append(
                    ConfigProblem(
                        path,
                        number,
                        f"{name} is set again (first on line {seen[name]}); this line is ignored",
                    )
                )
                continue
            seen[name] = number
            entries.append((number, name, value))
    return entries, problems


def _line_of(text: str, key: str) -> int:
    """The line on which ``key`` is set (0 if it cannot be found)."""
    for number, line in enumerate(text.splitlines(), start=1):
        found = _KEY.match(line)
        if found and found.group(1) == key:
            return number
    return 0


def _instead(key: str) -> str:
    """What Hearth does for a key whose line it cannot use."""
    if key in _FIELDS:
        return f"using the default {toml_value(getattr(DEFAULTS, key))}"
    return "this line is ignored"
