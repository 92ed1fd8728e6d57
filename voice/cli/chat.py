"""``hearth chat``: the same dialogue as the voice loop, over the keyboard."""

from __future__ import annotations

import argparse
import contextlib
import sys

from voice import app
from voice.dialogue.engine import Dialogue

with contextlib.suppress(ImportError):  # line editing and history where the platform has it
    import readline  # noqa: F401

PROMPT = "you> "


def converse(dialogue: Dialogue) -> None:
    """Read lines from standard input and print Hearth's replies."""
    while True:
        try:
            text = input(PROMPT)
        except EOFError:
            break
        if not text.strip():
            continue
        if text.strip() in ("/quit", "/exit"):
            break
        reply = dialogue.hear(text)
        if reply.text:
            print(f"hearth> {reply.text}")
        if reply.notice:
            print(f"(note: {reply.notice})", file=sys.stderr)
        if reply.ended:
            print("        (conversation closed)")
    notice = dialogue.close()
    if notice:
        print(f"(note: {notice})", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    """Chat until end of input (Ctrl-D) or /quit."""
    settings = app.settings_from_args(args)
    library = app.open_library(settings)
    journal = app.open_journal(settings)
    if sys.stdin.isatty():
        print("Hearth is listening. Type how you feel; Ctrl-D or /quit to leave.")
    try:
        converse(app.make_dialogue(library, settings, journal))
    finally:
        journal.close()
    return 0
