"""Hearth: an offline voice companion for parents."""

__version__ = "0.1.0"
