"""Trying sentences on the scripts in use: the top matches, the reply, a conversation,
and the intent tests, per sentence."""

from __future__ import annotations

import random
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from voice.config import Settings
from voice.dialogue.engine import Dialogue
from voice.understanding.intent_tests import load_cases, run_cases
from voice.understanding.library import Brain

TOP = 3


@dataclass(frozen=True)
class Tried:
    """What Hearth makes of one sentence, and what it would say."""

    heard: str
    """The sentence as the matcher reads it (normalised)."""
    matches: tuple[dict[str, Any], ...]
    """The top matches: intent, confidence, phrase score, learned score, closest phrase."""
    intent: str | None
    """The intent taken (None: Hearth would ask again)."""
    slots: dict[str, str]
    """The slots found."""
    reason: str
    """Why nothing was taken, when nothing was."""
    reply: str
    """What Hearth would say."""


def try_sentence(brain: Brain, settings: Settings, sentence: str) -> Tried:
    """Match ``sentence`` and pick the reply, as ``hearth intents test`` does (no journal)."""
    result = brain.matcher.match(sentence)
    dialogue = Dialogue(lambda: brain, settings, None, rng=random.Random())
    matches = tuple(
        {
            "intent": m.intent,
            "confidence": round(m.confidence, 2),
            "phrase_score": round(m.phrase_score, 2),
            "learned": round(m.learned, 2),
            "phrase": m.phrase,
        }
        for m in result.ranked[:TOP]
    )
    best = result.best
    return Tried(
        result.text,
        matches,
        best.intent if best else None,
        dict(result.slots),
        "" if best else str(result.reason),
        dialogue.hear(sentence).text,
    )


def converse(state: dict[str, Any], brain: Brain, settings: Settings, text: str) -> dict[str, Any]:
    """One turn of the conversation kept in a browser's session (never in the journal)."""
    dialogue = state.get("dialogue")
    if not isinstance(dialogue, Dialogue) or not dialogue.active:
        dialogue = Dialogue(lambda: brain, settings, None, rng=random.Random())
        state["dialogue"] = dialogue
    reply = dialogue.hear(text)
    return {
        "you": text,
        "hearth": reply.text,
        "intent": reply.intent,
        "expects_answer": reply.expects_answer,
        "ended": reply.ended or not dialogue.active,
    }


def run_tests(brain: Brain, text: str) -> list[dict[str, Any]]:
    """Intent tests written as in ``hearth intents check`` files; IntentTestError if unreadable."""
    with tempfile.TemporaryDirectory(prefix="hearth-web-") as tmp:
        path = Path(tmp) / "tests.yaml"
        path.write_text(text, encoding="utf-8")
        cases = load_cases(path)
    return [
        {
            "line": r.case.line,
            "sentence": r.case.sentence,
            "expected": r.case.intent,
            "expected_slots": dict(r.case.slots),
            "got": r.got_intent,
            "slots": dict(r.got_slots),
            "confidence": round(r.confidence, 2),
            "passed": r.passed,
        }
        for r in run_cases(brain.matcher, cases)
    ]


EXAMPLE_TESTS = """\
tests:
  - sentences:
      - "i feel so guilty"
    intent:
      name: name_feeling
      slots: {feeling: guilty}
  - sentences:
      - "give me a mantra"
    intent: mantra
  - sentences:
      - "what is the weather"
    intent: null
"""
"""The tests the page starts with (the format of ``hearth intents check``)."""
