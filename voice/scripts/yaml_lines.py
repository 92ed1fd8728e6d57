"""Read YAML the way a parent writes it, keeping line numbers for messages.

Two differences from plain ``yaml.safe_load``: mappings and lists remember the
line of each key and item (so a problem can be reported as ``file:line``), and
only ``true``/``false`` are booleans, because a script editor writing
``yes: mantra`` means the word "yes", not YAML 1.1's ``True``.
"""

from __future__ import annotations

import re
from typing import Any

import yaml


class LineDict(dict[Any, Any]):
    """A YAML mapping that knows the line of itself and of each key."""

    line: int = 0
    key_lines: dict[Any, int]


class LineList(list[Any]):
    """A YAML sequence that knows the line of itself and of each item."""

    line: int = 0
    item_lines: list[int]


class _Loader(yaml.SafeLoader):
    """SafeLoader with line-aware containers and YAML 1.2-style booleans."""


# Drop YAML 1.1's yes/no/on/off booleans: keep only true/false.
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                "a key here is a list or mapping; keys must be plain words",
                key_node.start_mark,
            ) from None
        if key in result:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"the key {key!r} appears twice in the same block; keep one",
                key_node.start_mark,
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


class YamlSyntaxError(Exception):
    """YAML that cannot be read; ``line`` is 1-based."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def load_yaml(text: str) -> Any:
    """Parse YAML text into LineDict/LineList/scalars.

    Raises YamlSyntaxError with the line and a readable description.
    """
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as err:
        raise _syntax_error(text, err) from None
    except yaml.YAMLError as err:
        raise YamlSyntaxError(0, f"YAML syntax: {err}") from None


def _syntax_error(text: str, err: yaml.MarkedYAMLError) -> YamlSyntaxError:
    """The error at the line a person has to fix, which for a quote left open is where it opens."""
    if err.context == "while scanning a quoted scalar" and err.context_mark is not None:
        return YamlSyntaxError(
            err.context_mark.line + 1,
            "YAML syntax: the text in quotes that starts on this line is never closed; "
            "add the closing quote",
        )
    mark = err.problem_mark or err.context_mark
    line = mark.line + 1 if mark is not None else 0
    opened = _open_quote_line(text, line)
    if opened is not None:
        # YAML only notices later (often at the next '"', which then closes it instead).
        return YamlSyntaxError(
            opened,
            f"YAML syntax: the sentence in double quotes that starts on this line is never "
            f'closed (YAML stumbles on line {line}); add the closing "',
        )
    what = err.problem or err.context or "unreadable YAML"
    return YamlSyntaxError(line, f"YAML syntax: {what}{_hint_for(what)}")


def _open_quote_line(text: str, last: int) -> int | None:
    """The first line up to ``last`` with an odd number of double quotes (comments aside)."""
    for number, line in enumerate(text.splitlines()[:last], start=1):
        if line.lstrip().startswith("#"):
            continue
        if (line.count('"') - line.count('\\"')) % 2:
            return number
    return None


def _hint_for(problem: str) -> str:
    if "mapping values are not allowed" in problem:
        return " (a ':' inside a sentence needs the whole sentence in double quotes)"
    if "found character '\\t'" in problem or "tab" in problem:
        return " (indent with spaces, not tabs)"
    if "could not find expected ':'" in problem or "expected <block end>" in problem:
        return " (check the indentation and that each list item starts with '- ')"
    if "found undefined alias" in problem or "found character '*'" in problem:
        return " (a sentence starting with * or & needs double quotes)"
    return ""
