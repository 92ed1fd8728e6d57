"""Reading one intent file's fields into an IntentScript, reporting each problem on its line."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from voice.scripts.model import (
    ACTIONS,
    CRISIS_INTENT,
    REPLY_PLACEHOLDERS,
    FollowUp,
    IntentScript,
)
from voice.scripts.problems import Problems, line_of, strings, suggest
from voice.scripts.yaml_lines import LineDict

SCRIPT_KEYS = (
    "intent",
    "description",
    "phrases",
    "replies",
    "replies_by_feeling",
    "unsure_replies",
    "follow_up",
    "action",
    "crisis_terms",
    "crisis_concepts",
    "priority_terms",
)
FOLLOW_UP_KEYS = ("question", "answers")
SILENT_ACTIONS = ("journal_summary", "repeat", "stop", "ignore")
"""Actions that need no replies: what they say comes from elsewhere (the journal, the
last reply), or is silence. Without replies such an intent says nothing when there is
nothing to take its words from (an empty journal, nothing said yet)."""
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


@dataclass
class IntentLines:
    """Where an intent's parts are in its file, for problems found after reading."""

    phrases: list[int] = field(default_factory=list)
    """The line of each phrase template, in order."""
    answers: dict[str, int] = field(default_factory=dict)
    """Follow-up answer key -> its line."""
    feelings: dict[str, int] = field(default_factory=dict)
    """replies_by_feeling key -> its line."""
    priority: list[int] = field(default_factory=list)
    """The line of each priority term, in order."""


@dataclass
class _Reading:
    """The file being read: where to report, and for which intent."""

    path: Path
    data: LineDict
    line: int
    name: str | None
    problems: Problems

    def add(self, line: int, message: str, warning: bool = False) -> None:
        self.problems.add(self.path, line, message, self.name, warning)

    def at(self, key: str) -> int:
        return line_of(self.data, key, self.line)

    def strings(self, key: str) -> tuple[str, ...]:
        return strings(
            self.data.get(key, []), self.path, self.at(key), key, self.problems, self.name
        )


def read_intent(
    path: Path, data: Any, problems: Problems
) -> tuple[IntentScript, IntentLines] | None:
    """The intent in ``data`` and where its parts are; None (reported) when it cannot be used.

    A bad name still lets every other field be checked, so one pass shows all problems.
    """
    if not isinstance(data, LineDict):
        problems.add(
            path,
            getattr(data, "line", 1),
            "a script must be a mapping that starts with 'intent: <name>'",
        )
        return None
    name = data.get("intent")
    good_name = isinstance(name, str) and bool(_NAME.match(name))
    line = line_of(data, "intent", data.line)
    if not good_name:
        problems.add(
            path,
            line,
            "missing or invalid 'intent:' name; write e.g. 'intent: my_intent' "
            "(lowercase letters, digits and _)",
        )
    reading = _Reading(path, data, line, name if good_name else None, problems)
    for key in data:
        if key not in SCRIPT_KEYS:
            reading.add(reading.at(key), f"unknown key '{key}'; {suggest(str(key), SCRIPT_KEYS)}")
    return _read_fields(reading)


def _read_fields(reading: _Reading) -> tuple[IntentScript, IntentLines] | None:
    """Every field checked; the script, unless its name is bad."""
    data, line, name = reading.data, reading.line, reading.name
    lines = IntentLines()
    phrases = _phrases(reading, lines)
    replies = reading.strings("replies")
    by_feeling = _replies_by_feeling(reading, lines)
    unsure = reading.strings("unsure_replies")
    action = _action(reading)
    if not replies and action not in SILENT_ACTIONS:
        _nothing_to_say(reading, any(by_feeling.values()))
    follow_up = _follow_up(reading, lines)
    _check_replies(reading, replies, by_feeling, unsure, asks=follow_up is not None)
    crisis_terms, crisis_concepts, priority_terms = _terms(reading, lines)
    if name is None:
        return None
    description = data.get("description", "")
    script = IntentScript(
        name=name,
        source=reading.path,
        line=line,
        description=str(description).strip() if description else "",
        phrases=phrases,
        replies=replies,
        replies_by_feeling=MappingProxyType(by_feeling),
        unsure_replies=unsure,
        follow_up=follow_up,
        action=action,
        crisis_terms=crisis_terms,
        crisis_concepts=crisis_concepts,
        priority_terms=priority_terms,
    )
    return script, lines


def _terms(
    reading: _Reading, lines: IntentLines
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """The crisis terms and concepts (crisis only) and priority terms (any intent but crisis)."""
    data = reading.data
    crisis_terms = reading.strings("crisis_terms")
    crisis_concepts = reading.strings("crisis_concepts")
    for key, found in (("crisis_terms", crisis_terms), ("crisis_concepts", crisis_concepts)):
        if found and data.get("intent") != CRISIS_INTENT:
            reading.add(
                reading.at(key),
                f"only the 'crisis' intent may have {key}; move them to crisis.yaml",
            )
    priority_terms = reading.strings("priority_terms")
    raw_terms = data.get("priority_terms")
    lines.priority = [
        line_of(raw_terms, i, reading.at("priority_terms"))
        for i, item in enumerate(raw_terms if isinstance(raw_terms, list) else [raw_terms])
        if isinstance(item, str | int | float) and str(item).strip()
    ]
    if priority_terms and data.get("intent") == CRISIS_INTENT:
        reading.add(
            reading.at("priority_terms"),
            "crisis already comes first; write its terms under 'crisis_terms:'",
        )
    return crisis_terms, crisis_concepts, priority_terms


def _nothing_to_say(reading: _Reading, for_some_feelings: bool) -> None:
    if for_some_feelings:
        # Otherwise Hearth would say nothing when no feeling, or another one, is heard.
        reading.add(
            reading.at("replies_by_feeling"),
            "replies_by_feeling only answers the feelings it names; add 'replies:' "
            "for the others and for when no feeling is heard",
        )
    else:
        reading.add(reading.line, "nothing to say; add 'replies:' with at least one sentence")


def _phrases(reading: _Reading, lines: IntentLines) -> tuple[str, ...]:
    if "phrases" not in reading.data:
        reading.add(reading.line, "no 'phrases:'; add a list of things a parent might say")
        return ()
    raw = reading.data["phrases"]
    at = reading.at("phrases")
    phrases = strings(raw, reading.path, at, "phrases", reading.problems, reading.name)
    if not raw:
        reading.add(at, "'phrases:' has no sentence; add at least one thing a parent might say")
    lines.phrases = [
        line_of(raw, i, at)
        for i, item in enumerate(raw if isinstance(raw, list) else [raw])
        if isinstance(item, str | int | float) and str(item).strip()
    ]
    return phrases


def _replies_by_feeling(reading: _Reading, lines: IntentLines) -> dict[str, tuple[str, ...]]:
    raw = reading.data.get("replies_by_feeling", {})
    if not isinstance(raw, dict):
        reading.add(
            reading.at("replies_by_feeling"),
            "replies_by_feeling must map a feeling to a list of replies",
        )
        return {}
    by_feeling: dict[str, tuple[str, ...]] = {}
    for feeling, texts in raw.items():
        at = line_of(raw, feeling, reading.line)
        lines.feelings[str(feeling)] = at
        by_feeling[str(feeling)] = strings(
            texts, reading.path, at, f"replies for '{feeling}'", reading.problems, reading.name
        )
    return by_feeling


def _action(reading: _Reading) -> str | None:
    action = reading.data.get("action")
    if action is not None and action not in ACTIONS:
        reading.add(
            reading.at("action"), f"unknown action '{action}'; {suggest(str(action), ACTIONS)}"
        )
        return None
    return action


def _check_replies(
    reading: _Reading,
    replies: tuple[str, ...],
    by_feeling: Mapping[str, tuple[str, ...]],
    unsure: tuple[str, ...],
    asks: bool,
) -> None:
    """Placeholders must be known; a reply should not ask when a follow-up asks too."""
    for text, text_line in _reply_lines(reading, replies, by_feeling, unsure):
        for placeholder in _PLACEHOLDER.findall(text):
            if placeholder not in REPLY_PLACEHOLDERS:
                reading.add(
                    text_line,
                    f"unknown placeholder {{{placeholder}}} in a reply; "
                    f"{suggest(placeholder, REPLY_PLACEHOLDERS)}",
                )
        if asks and "?" in text:
            reading.add(
                text_line,
                "this reply asks a question and the script also has a follow-up question; "
                "keep one question",
                warning=True,
            )


def _reply_lines(
    reading: _Reading,
    replies: tuple[str, ...],
    by_feeling: Mapping[str, tuple[str, ...]],
    unsure: tuple[str, ...],
) -> list[tuple[str, int]]:
    data = reading.data
    out: list[tuple[str, int]] = []
    for key, texts in (("replies", replies), ("unsure_replies", unsure)):
        raw = data.get(key)
        out += [(text, line_of(raw, i, reading.at(key))) for i, text in enumerate(texts)]
    raw_by = data.get("replies_by_feeling")
    for feeling, texts in by_feeling.items():
        raw_texts = raw_by.get(feeling) if isinstance(raw_by, dict) else None
        at = line_of(raw_by, feeling, reading.line)
        out += [(text, line_of(raw_texts, i, at)) for i, text in enumerate(texts)]
    return out


def _follow_up(reading: _Reading, lines: IntentLines) -> FollowUp | None:
    raw = reading.data.get("follow_up")
    if raw is None:
        return None
    fline = reading.at("follow_up")
    if not isinstance(raw, LineDict):
        reading.add(fline, "follow_up must have 'question:' and 'answers:'")
        return None
    for key in raw:
        if key not in FOLLOW_UP_KEYS:
            reading.add(
                line_of(raw, key, fline),
                f"unknown key '{key}' in follow_up; {suggest(str(key), FOLLOW_UP_KEYS)}",
            )
    questions = strings(
        raw.get("question", []),
        reading.path,
        line_of(raw, "question", fline),
        "question",
        reading.problems,
        reading.name,
    )
    if not questions:
        reading.add(fline, "follow_up has no 'question:'; write the question Hearth asks")
    answers = raw.get("answers")
    if not isinstance(answers, LineDict) or not answers:
        reading.add(
            line_of(raw, "answers", fline),
            "follow_up needs 'answers:' mapping an answer (yes, no, feeling, other, an intent) "
            "to the next intent",
        )
        return None
    routes: dict[str, str] = {}
    for key, target in answers.items():
        at = line_of(answers, key, fline)
        if not isinstance(target, str):
            reading.add(at, f"the answer '{key}' must lead to an intent name")
            continue
        routes[str(key)] = target
        lines.answers[str(key)] = at
    return FollowUp(questions=questions, answers=MappingProxyType(routes))
