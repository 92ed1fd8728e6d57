"""Checks that need every file at once: where follow-ups lead, sentences two intents share."""

from __future__ import annotations

from voice.scripts.expansion import Origins
from voice.scripts.gathered import Gathered
from voice.scripts.intent_fields import IntentLines
from voice.scripts.model import ANSWER_KINDS
from voice.scripts.problems import Problems, suggest


def check_routes(merged: Gathered, problems: Problems) -> None:
    """Feelings that replies name must be in the list; follow-up answers must lead somewhere."""
    feelings = merged.lists.get("feeling", {})
    for script in merged.intents.values():
        lines = merged.lines.get(script.name, IntentLines())
        for feeling in script.replies_by_feeling:
            if feeling not in feelings:
                problems.add(
                    script.source,
                    lines.feelings.get(feeling, script.line),
                    f"replies_by_feeling: '{feeling}' is not a feeling in the list; "
                    f"{suggest(feeling, list(feelings))}",
                    script.name,
                )
        if script.follow_up is None:
            continue
        for key, target in script.follow_up.answers.items():
            line = lines.answers.get(key, script.line)
            if key not in ANSWER_KINDS and key not in feelings and key not in merged.intents:
                choices = [*ANSWER_KINDS, *feelings, *merged.intents]
                problems.add(
                    script.source,
                    line,
                    f"follow_up answer '{key}' is not yes, no, feeling, other, a feeling or an "
                    f"intent; {suggest(key, choices)}",
                    script.name,
                )
            if target not in merged.intents:
                problems.add(
                    script.source,
                    line,
                    f"follow_up answer '{key}' leads to the intent '{target}', which does not "
                    f"exist; {suggest(target, list(merged.intents))}",
                    script.name,
                )


def check_shared_sentences(origins: Origins, problems: Problems) -> None:
    """Warn, once per pair of intents, about a sentence both have: Hearth cannot tell them apart."""
    owner: dict[str, str] = {}
    reported: set[tuple[str, str]] = set()
    for intent, sentences in origins.items():
        for text, (path, line) in sentences.items():
            first = owner.setdefault(text, intent)
            if first != intent and (first, intent) not in reported:
                reported.add((first, intent))
                other_path, other_line = origins[first][text]
                problems.add(
                    path,
                    line,
                    f"'{text}' is also a phrase of '{first}' ({other_path.name}:{other_line}); "
                    "Hearth cannot tell the two apart, so reword one",
                    intent,
                    warning=True,
                )
