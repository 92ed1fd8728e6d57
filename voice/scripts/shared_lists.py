"""The shared lists (slot values and their words) and rules of ``lists/*.yaml``."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from hassil.expression import Sentence

from voice.scripts import templates
from voice.scripts.gathered import Gathered
from voice.scripts.model import SlotValue
from voice.scripts.problems import Problems, line_of, strings, suggest
from voice.scripts.yaml_lines import LineDict
from voice.text import normalize

LIST_FILE_KEYS = ("lists", "rules")


def _mapping(data: Any, key: str, path: Path, problems: Problems, message: str) -> dict[Any, Any]:
    """``data[key]`` when it is a mapping (or absent: empty); otherwise report ``message``."""
    value = data.get(key, {})
    if isinstance(value, dict):
        return value
    problems.add(path, line_of(data, key, 1), message)
    return {}


def read_lists(path: Path, data: Any, into: Gathered, problems: Problems) -> None:
    """Add the lists and rules of one list file to ``into``."""
    if not isinstance(data, LineDict):
        if data is not None:
            problems.add(path, 1, "a list file must be a mapping with 'lists:' and/or 'rules:'")
        return
    for key in data:
        if key not in LIST_FILE_KEYS:
            problems.add(
                path,
                line_of(data, key, 1),
                f"unknown key '{key}' in a list file; {suggest(str(key), LIST_FILE_KEYS)}",
            )
    lists = _mapping(data, "lists", path, problems, "'lists:' must map a list name to its values")
    for list_name, values in lists.items():
        lline = line_of(lists, list_name, 1)
        if not isinstance(values, LineDict) or not values:
            problems.add(
                path,
                lline,
                f"list '{list_name}' must map each value to its words, e.g. "
                "'tired: {noun: tiredness, words: [tired, worn out]}'",
            )
            continue
        slot_values = {str(v): _slot_value(path, values, v, lline, problems) for v in values}
        _check_shared_words(path, lline, str(list_name), slot_values, problems)
        into.lists[str(list_name)] = slot_values
        into.list_lines[str(list_name)] = (path, lline)
    rules = _mapping(data, "rules", path, problems, "'rules:' must map a rule name to a template")
    for rule_name, template in rules.items():
        rline = line_of(rules, rule_name, 1)
        if not isinstance(template, str) or not template.strip():
            problems.add(path, rline, f"rule '{rule_name}' must be a template in quotes")
            continue
        into.rules[str(rule_name)] = template
        into.rule_lines[str(rule_name)] = (path, rline)


def _slot_value(
    path: Path, values: LineDict, value: Any, list_line: int, problems: Problems
) -> SlotValue:
    spec = values[value]
    vline = line_of(values, value, list_line)
    noun, words_raw = str(value), spec
    if isinstance(spec, LineDict):
        for key in spec:
            if key not in ("noun", "words"):
                problems.add(
                    path,
                    line_of(spec, key, vline),
                    f"unknown key '{key}' in list value '{value}'; use 'noun' and 'words'",
                )
        noun = str(spec.get("noun", value))
        words_raw = spec.get("words", [])
    words = strings(words_raw, path, vline, f"words of '{value}'", problems, None)
    normalised = tuple(dict.fromkeys(normalize(w) for w in (str(value), *words) if normalize(w)))
    return SlotValue(str(value), noun, normalised)


def _check_shared_words(
    path: Path, line: int, list_name: str, values: Mapping[str, SlotValue], problems: Problems
) -> None:
    owner: dict[str, str] = {}
    for value in values.values():
        for word in value.words:
            if word in owner and owner[word] != value.value:
                problems.add(
                    path,
                    line,
                    f"in list '{list_name}', '{word}' belongs to both '{owner[word]}' and "
                    f"'{value.value}'; keep it in one",
                )
            owner[word] = value.value


def parse_rules(merged: Gathered, problems: Problems) -> dict[str, Sentence]:
    """Every rule parsed; a rule may use other rules, but not itself (that never ends)."""
    parsed: dict[str, Sentence] = {}
    for name, template in merged.rules.items():
        path, line = merged.rule_lines[name]
        try:
            parsed[name] = templates.parse(template)
        except templates.TemplateError as err:
            problems.add(path, line, f"rule '{name}': {err}")
    refs = {name: templates.references(s).rules for name, s in parsed.items()}
    for name, used in refs.items():
        path, line = merged.rule_lines[name]
        for missing in sorted(used - parsed.keys()):
            problems.add(
                path,
                line,
                f"rule '{name}' uses <{missing}>, which is not defined; "
                f"{suggest(missing, list(parsed))}",
            )
        if _reaches(name, refs):
            problems.add(path, line, f"rule '{name}' uses itself (through <...>); break the loop")
    return parsed


def _reaches(name: str, refs: Mapping[str, frozenset[str]]) -> bool:
    """Whether rule ``name`` uses itself, directly or through other rules."""
    seen: set[str] = set()
    todo = list(refs[name])
    while todo:
        current = todo.pop()
        if current == name:
            return True
        if current in seen or current not in refs:
            continue
        seen.add(current)
        todo.extend(refs[current])
    return False
