"""``hearth understand``: what Hearth makes of recordings or sentences, one line each."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from audio.chunk import AudioError
from audio.wav import read_wav
from voice import app
from voice.errors import HearthError
from voice.understanding.matcher import Matcher
from voice.understanding.understander import Understander

UTTERANCE_MAX_S = 60.0
"""`hearth understand` takes what one person says in one go; recognising an hour as one
sentence would take hours and mean nothing."""
LONG_FILE_ADVICE = (
    "`hearth understand` takes one thing said at a time; for a long recording use "
    "`hearth run --input FILE.wav`, which finds each sentence in it."
)


def understand_text(matcher: Matcher, text: str) -> dict[str, Any]:
    """The JSON-ready result for one typed sentence."""
    start = time.perf_counter()
    result = matcher.match(text)
    return result.as_json(text, {"match_ms": (time.perf_counter() - start) * 1000.0})


def _print(row: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print(json.dumps(row, ensure_ascii=False))
        return
    slots = ", ".join(f"{k}={v}" for k, v in row["slots"].items())
    where = f"{row['file']}: " if "file" in row else ""
    print(
        f"{where}{row['intent'] or '(not understood)'}  {row['confidence']:.2f}  {slots}  <- {row['text']!r}"
    )


def run(args: argparse.Namespace) -> int:
    """Print one line per file and per ``--text``; the model is loaded once."""
    if not args.files and not args.text:
        raise HearthError('give one or more WAV files, or --text "a sentence"')
    hearth = app.assemble(app.read_settings(args), journal=None, listen=bool(args.files))
    app.print_notices(hearth)
    settings, library = hearth.settings, hearth.library
    failed = 0
    if hearth.recognizer is not None:
        understander = Understander(
            hearth.recognizer, library, (settings.wake,) if settings.wake else ()
        )
        for name in args.files:
            try:
                audio = read_wav(Path(name), UTTERANCE_MAX_S, LONG_FILE_ADVICE)
                heard = understander.understand(audio)
            except (AudioError, HearthError) as err:  # one bad file must not stop the others
                failed += 1
                row: dict[str, Any] = {"file": name, "error": str(err)}
                print(json.dumps(row) if args.json else f"{name}: {err}")
                continue
            _print({"file": name, **heard.as_json()}, args.json)
    for text in args.text:
        _print(understand_text(library.brain.matcher, text), args.json)
    return 1 if failed else 0
