"""Sentence templates: parsing and expansion with hassil (never a home-made parser)."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from hassil import parse_sentence
from hassil.expression import (
    Expression,
    Group,
    ListReference,
    RuleReference,
    Sentence,
)
from hassil.sample import sample_expression

from voice.errors import HearthError
from voice.text import normalize


class TemplateError(HearthError):
    """A template that cannot be parsed or expanded; the message says how to fix it."""


@dataclass(frozen=True)
class References:
    """The shared lists and rules a template uses."""

    lists: frozenset[str]
    rules: frozenset[str]


def parse(template: str) -> Sentence:
    """Parse one template, raising TemplateError with a readable reason."""
    if not template.strip():
        raise TemplateError("the phrase is empty; write a sentence or remove the line")
    try:
        return parse_sentence(template)
    except Exception as err:  # hassil raises several types, some of them bare Exception
        raise TemplateError(f"cannot read the template {template!r}: {_describe(err)}") from None


def _describe(err: Exception) -> str:
    text = str(err)
    if "end of group" in text:
        return "a '(' is never closed; add the matching ')'"
    if "end of optional" in text or "end of alternative" in text:
        return "a '[' is never closed; add the matching ']'"
    if "end of list" in text:
        return "a '{' is never closed; add the matching '}'"
    if "end of rule" in text:
        return "a '<' is never closed; add the matching '>'"
    return text or type(err).__name__


def references(sentence: Sentence) -> References:
    """Which lists and rules a parsed template refers to."""
    lists: set[str] = set()
    rules: set[str] = set()
    stack: list[Expression] = [sentence.expression]
    while stack:
        expr = stack.pop()
        if isinstance(expr, ListReference):
            lists.add(expr.list_name)
        elif isinstance(expr, RuleReference):
            rules.add(expr.rule_name)
        elif isinstance(expr, Group):
            stack.extend(expr.items)
    return References(frozenset(lists), frozenset(rules))


def expand(sentence: Sentence, rules: Mapping[str, Sentence], limit: int) -> list[str]:
    """Every sentence the template can produce, normalised, lists left as ``{name}``.

    Raises TemplateError when there would be more than ``limit`` sentences,
    since such a template is almost always a mistake and slows matching.
    """
    produced: Iterable[str] = sample_expression(
        sentence.expression, expand_lists=False, expansion_rules=dict(rules)
    )
    out = [normalize(s) for s in itertools.islice(produced, limit + 1)]
    if len(out) > limit:
        raise TemplateError(
            f"the template expands to more than {limit} sentences; "
            "split it into several lines or use fewer optional words"
        )
    return [s for s in dict.fromkeys(out) if s]
