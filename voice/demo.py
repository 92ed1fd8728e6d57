"""``hearth demo``: a scripted check-in through the real scripts, dialogue and journal.

It uses a journal in a temporary folder, so a demo never writes into a
parent's own journal.
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import tempfile
from pathlib import Path

from . import app
from .dialogue import Dialogue
from .journal import Journal

# Two check-ins: a guilty evening that becomes a conversation, then a look back.
SCRIPT: tuple[tuple[str, ...], ...] = (
    (
        "hey hearth I feel so guilty about missing bedtime",
        "I think it's more sadness really",
        "give me a mantra",
        "thanks, bye",
    ),
    (
        "I'm completely worn out",
        "how have I been feeling this week",
        "goodbye",
    ),
)


def play(
    dialogue: Dialogue, script: tuple[tuple[str, ...], ...] = SCRIPT
) -> list[tuple[str, str, str | None]]:
    """Run the conversations; return (parent, hearth, intent) per turn."""
    turns: list[tuple[str, str, str | None]] = []
    for conversation in script:
        for line in conversation:
            reply = dialogue.hear(line)
            turns.append((line, reply.text, reply.intent))
        dialogue.close()
    return turns


def run(args: argparse.Namespace) -> int:
    """Print the demo conversation."""
    settings = app.settings_from_args(args)
    library = app.open_library(settings)
    with tempfile.TemporaryDirectory(prefix="hearth-demo-") as tmp:
        settings = dataclasses.replace(settings, journal=str(Path(tmp) / "journal.db"))
        with Journal(app.journal_path(settings)) as journal:
            dialogue = Dialogue(lambda: library.brain, settings, journal, rng=random.Random(2026))
            print(
                f"Hearth demo: {len(library.brain.scripts.intents)} intents loaded; typed turns through the real dialogue engine.\n"
            )
            for parent, hearth, intent in play(dialogue):
                print(f"  parent: {parent}")
                print(f"  hearth: {hearth}    [{intent or 'not understood'}]\n")
            count = len(journal.checkins())
    print(f"{count} check-ins written to a temporary journal (your own journal was not touched).")
    return 0
