"""Hearth's default intent scripts (YAML files shipped as package data)."""

from pathlib import Path


def default_dir() -> Path:
    """The folder holding the default intent scripts."""
    return Path(__file__).resolve().parent
