"""``hearth chat``: the same dialogue as the voice loop, over the keyboard."""

from __future__ import annotations

import argparse
import contextlib
import sys

from voice import app
from voice.understanding.library import ScriptLibrary

with contextlib.suppress(ImportError):  # line editing and history where the platform has it
    import readline  # noqa: F401

PROMPT = "you> "


def _note(text: str) -> None:
    print(f"(note: {text})", file=sys.stderr)


def _reload(library: ScriptLibrary) -> None:
    """Pick up edited scripts before the next line, as the voice loop does between sentences."""
    result = library.reload_if_changed()
    if result.error is not None:
        _note(f"your edited scripts have a problem, so I kept the last good ones. {result.error}")
    elif result.reloaded:
        _note(library.notice or "reloaded your edited scripts")


def converse(hearth: app.Hearth) -> None:
    """Read lines from standard input and print Hearth's replies."""
    dialogue = hearth.dialogue
    while True:
        try:
            text = input(PROMPT)
        except EOFError:
            break
        if not text.strip():
            continue
        if text.strip() in ("/quit", "/exit"):
            break
        _reload(hearth.library)
        reply = dialogue.hear(text)
        if reply.text:
            print(f"hearth> {reply.text}")
        if reply.notice:
            _note(reply.notice)
        if reply.ended:
            print("        (conversation closed)")
    notice = dialogue.close()
    if notice:
        _note(notice)


def run(args: argparse.Namespace) -> int:
    """Chat until end of input (Ctrl-D) or /quit."""
    loaded = app.read_settings(args)
    hearth = app.assemble(loaded, journal=app.journal_path(loaded.settings))
    app.print_notices(hearth)
    if sys.stdin.isatty():
        print("Hearth is listening. Type how you feel; Ctrl-D or /quit to leave.")
    try:
        converse(hearth)
    finally:
        hearth.close()
    return 0
