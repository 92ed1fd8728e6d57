"""``hearth understand``: what Hearth makes of sentences, one line each."""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

from . import app
from .matcher import Matcher


def understand_text(matcher: Matcher, text: str) -> dict[str, Any]:
    """The JSON-ready result for one sentence."""
    start = time.perf_counter()
    result = matcher.match(text)
    match_ms = (time.perf_counter() - start) * 1000.0
    best = result.best
    return {
        "text": text,
        "intent": best.intent if best else None,
        "slots": dict(result.slots),
        "confidence": best.confidence
        if best
        else (result.ranked[0].confidence if result.ranked else 0.0),
        "timings": {"match_ms": round(match_ms, 3)},
    }


def run(args: argparse.Namespace) -> int:
    """Print one line per ``--text``."""
    library = app.open_library(app.settings_from_args(args))
    for text in args.text:
        row = understand_text(library.brain.matcher, text)
        if args.json:
            print(json.dumps(row, ensure_ascii=False))
        else:
            slots = ", ".join(f"{k}={v}" for k, v in row["slots"].items())
            print(
                f"{row['intent'] or '(not understood)'}  {row['confidence']:.2f}  {slots}  <- {text}"
            )
    return 0
