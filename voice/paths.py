"""Where Hearth keeps things on disk. Computed when asked, never at import time."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_cache_path, user_config_path, user_data_path

import intents

APP = "hearth"


def default_intents_dir() -> Path:
    """The default scripts shipped with Hearth."""
    return intents.default_dir()


def cache_dir(*parts: str) -> Path:
    """``~/.cache/hearth/<parts>`` (or under ``$XDG_CACHE_HOME``); nothing is created."""
    return user_cache_path(APP, appauthor=False).joinpath(*parts)


def config_dir() -> Path:
    """``~/.config/hearth`` (or under ``$XDG_CONFIG_HOME``)."""
    return user_config_path(APP, appauthor=False)


def user_intents_dir() -> Path:
    """The parent's own scripts: ``$HEARTH_INTENTS`` or ``~/.config/hearth/intents``."""
    env = os.environ.get("HEARTH_INTENTS")
    return Path(env).expanduser() if env else config_dir() / "intents"


def config_file() -> Path:
    """``$HEARTH_CONFIG`` or ``~/.config/hearth/config.toml``."""
    env = os.environ.get("HEARTH_CONFIG")
    return Path(env).expanduser() if env else config_dir() / "config.toml"


def journal_file() -> Path:
    """``$HEARTH_JOURNAL`` or ``~/.local/share/hearth/journal.db``."""
    env = os.environ.get("HEARTH_JOURNAL")
    return Path(env).expanduser() if env else user_data_path(APP, appauthor=False) / "journal.db"
