"""Every phrase template expanded into the sentences it stands for (lists left as ``{name}``)."""

from __future__ import annotations

from pathlib import Path

from hassil.expression import Sentence

from voice.scripts import templates
from voice.scripts.gathered import Gathered
from voice.scripts.model import CRISIS_INTENT, IntentScript
from voice.scripts.problems import Problems, suggest

MAX_EXPANSIONS_PER_TEMPLATE = 5000

Origins = dict[str, dict[str, tuple[Path, int]]]
"""Intent -> expanded sentence -> the file and line of the template it came from."""
Groups = dict[str, tuple[int, ...]]
"""Intent -> how many of its expanded sentences (in order) each of its templates added."""


def expand_all(
    merged: Gathered, rules: dict[str, Sentence], problems: Problems
) -> tuple[dict[str, tuple[str, ...]], Origins, Groups]:
    """Each intent's sentences, where each came from, and how many each template added."""
    expansions: dict[str, tuple[str, ...]] = {}
    origins: Origins = {}
    groups: Groups = {}
    for name, script in merged.intents.items():
        lines = merged.lines[name].phrases if name in merged.lines else []
        sentences: dict[str, None] = {}
        where: dict[str, tuple[Path, int]] = {}
        added: list[int] = []
        for i, template in enumerate(script.phrases):
            line = lines[i] if i < len(lines) else script.line
            before = len(sentences)
            for text in expand_one(template, script.source, line, name, merged, rules, problems):
                sentences.setdefault(text, None)
                where.setdefault(text, (script.source, line))
            added.append(len(sentences) - before)
        expansions[name] = tuple(sentences)
        origins[name] = where
        groups[name] = tuple(added)
    return expansions, origins, groups


def expand_one(
    template: str,
    path: Path,
    line: int,
    intent: str,
    merged: Gathered,
    rules: dict[str, Sentence],
    problems: Problems,
) -> list[str]:
    """The sentences of one template; none (reported) when it cannot be expanded."""
    try:
        sentence = templates.parse(template)
    except templates.TemplateError as err:
        problems.add(path, line, str(err), intent)
        return []
    ref = templates.references(sentence)
    missing_lists = sorted(ref.lists - merged.lists.keys())
    missing_rules = sorted(ref.rules - rules.keys())
    for missing in missing_lists:
        problems.add(
            path,
            line,
            f"unknown list {{{missing}}}; {suggest(missing, list(merged.lists))} "
            "(lists live in lists/*.yaml)",
            intent,
        )
    for missing in missing_rules:
        problems.add(
            path,
            line,
            f"unknown rule <{missing}>; {suggest(missing, list(rules))} (rules live in lists/*.yaml)",
            intent,
        )
    if missing_lists or missing_rules:
        return []
    try:
        return templates.expand(sentence, rules, MAX_EXPANSIONS_PER_TEMPLATE)
    except templates.TemplateError as err:
        problems.add(path, line, str(err), intent)
    except RecursionError:
        problems.add(path, line, "a rule used here refers to itself; break the loop", intent)
    return []


def crisis_terms(
    defaults: Gathered | None,
    merged: Gathered,
    rules: dict[str, Sentence],
    problems: Problems,
    concepts: bool = False,
) -> tuple[str, ...]:
    """The crisis terms (or with ``concepts`` the crisis concepts) expanded: the defaults'
    always, and an override's beside them."""
    scripts: list[IntentScript] = []
    for folder in (defaults, merged):
        script = folder.intents.get(CRISIS_INTENT) if folder else None
        if script is not None and all(script is not s for s in scripts):
            scripts.append(script)
    terms: dict[str, None] = {}
    for script in scripts:
        for template in script.crisis_concepts if concepts else script.crisis_terms:
            for text in expand_one(
                template, script.source, script.line, CRISIS_INTENT, merged, rules, problems
            ):
                terms.setdefault(text, None)
    return tuple(terms)


def priority_terms(
    merged: Gathered, rules: dict[str, Sentence], problems: Problems
) -> dict[str, tuple[str, ...]]:
    """Each intent's priority terms expanded (intents without any left out).

    Unlike crisis terms, an override's terms replace the default's: a therapist may
    narrow what counts as a disclosure, and the crisis check stays first regardless.
    """
    out: dict[str, tuple[str, ...]] = {}
    for name, script in merged.intents.items():
        terms: dict[str, None] = {}
        lines = merged.lines[name].priority if name in merged.lines else []
        for i, template in enumerate(script.priority_terms):
            line = lines[i] if i < len(lines) else script.line
            for text in expand_one(template, script.source, line, name, merged, rules, problems):
                terms.setdefault(text, None)
        if terms:
            out[name] = tuple(terms)
    return out
