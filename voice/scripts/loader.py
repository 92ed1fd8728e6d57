"""Load intent scripts from folders, check them, and build a ScriptSet.

Every problem is collected (not just the first) as a ScriptProblem with file,
line and a hint, so that ``hearth intents validate`` can list them all.
Later folders override earlier ones: an intent by its name, a list or rule by
its name. The default crisis terms always stay active.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from hassil.expression import Sentence

from voice.errors import ScriptError, ScriptProblem
from voice.scripts import templates
from voice.scripts.model import (
    ACTIONS,
    ANSWER_KINDS,
    CRISIS_INTENT,
    REPLY_PLACEHOLDERS,
    FollowUp,
    IntentScript,
    ScriptSet,
    SlotValue,
)
from voice.scripts.yaml_lines import LineDict, LineList, YamlSyntaxError, load_yaml
from voice.text import normalize

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
)
FOLLOW_UP_KEYS = ("question", "answers")
LIST_FOLDER = "lists"
MAX_EXPANSIONS_PER_TEMPLATE = 5000
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_SILENT_ACTIONS = ("journal_summary", "repeat", "stop", "ignore")


@dataclass
class _Folder:
    """What one folder holds, before merging."""

    intents: dict[str, IntentScript] = field(default_factory=dict)
    lists: dict[str, dict[str, SlotValue]] = field(default_factory=dict)
    list_lines: dict[str, tuple[Path, int]] = field(default_factory=dict)
    rules: dict[str, str] = field(default_factory=dict)
    rule_lines: dict[str, tuple[Path, int]] = field(default_factory=dict)
    phrase_lines: dict[str, list[int]] = field(default_factory=dict)


class _Problems:
    """Collects problems; the one place messages are built."""

    def __init__(self) -> None:
        self.items: list[ScriptProblem] = []

    def add(
        self, file: Path, line: int, message: str, intent: str | None = None, warning: bool = False
    ) -> None:
        self.items.append(ScriptProblem(file, line, message, intent, warning))

    @property
    def has_errors(self) -> bool:
        return any(not p.warning for p in self.items)


def _suggest(word: str, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f"did you mean '{close[0]}'?" if close else f"use one of: {', '.join(sorted(choices))}"


def _line_of(container: Any, key: Any, default: int) -> int:
    if isinstance(container, LineDict):
        return container.key_lines.get(key, default)
    if isinstance(container, LineList) and isinstance(key, int) and key < len(container.item_lines):
        return container.item_lines[key]
    return default


def _read(path: Path, problems: _Problems) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        problems.add(path, 0, "the file is not UTF-8 text; save it as UTF-8")
        return None
    except OSError as err:
        problems.add(
            path, 0, f"cannot read the file ({err.strerror}); check it exists and is readable"
        )
        return None
    try:
        data = load_yaml(text)
    except YamlSyntaxError as err:
        problems.add(path, err.line, err.message)
        return None
    if data is None:
        problems.add(path, 1, "the file is empty; start it with 'intent: <name>' or delete it")
    return data


def _strings(
    value: Any, path: Path, line: int, what: str, problems: _Problems, intent: str | None
) -> tuple[str, ...]:
    """A list of non-empty strings (a single string is accepted as a list of one)."""
    if isinstance(value, str):
        value = LineList([value])
        value.line, value.item_lines = line, [line]
    if not isinstance(value, list):
        problems.add(
            path,
            line,
            f"{what} must be a list of sentences, each on a line starting with '- '",
            intent,
        )
        return ()
    out: list[str] = []
    for i, item in enumerate(value):
        item_line = _line_of(value, i, line)
        if isinstance(item, bool | int | float):
            item = str(item)
        if not isinstance(item, str):
            problems.add(
                path,
                item_line,
                f"{what}: this item is not a sentence; put it in double quotes",
                intent,
            )
        elif not item.strip():
            problems.add(
                path, item_line, f"{what}: empty sentence; write one or remove the line", intent
            )
        else:
            out.append(item.strip())
    return tuple(out)


def _read_intent(
    path: Path, data: Any, problems: _Problems
) -> tuple[IntentScript, list[int]] | None:
    if not isinstance(data, LineDict):
        problems.add(
            path,
            getattr(data, "line", 1),
            "a script must be a mapping that starts with 'intent: <name>'",
        )
        return None
    name = data.get("intent")
    if not isinstance(name, str) or not _NAME.match(name):
        line = _line_of(data, "intent", data.line)
        problems.add(
            path,
            line,
            "missing or invalid 'intent:' name; write e.g. 'intent: my_intent' "
            "(lowercase letters, digits and _)",
        )
        return None
    line = data.key_lines["intent"]
    for key in data:
        if key not in SCRIPT_KEYS:
            problems.add(
                path,
                _line_of(data, key, line),
                f"unknown key '{key}'; {_suggest(str(key), SCRIPT_KEYS)}",
                name,
            )

    phrases: tuple[str, ...] = ()
    phrase_lines: list[int] = []
    if "phrases" not in data:
        problems.add(path, line, "no 'phrases:'; add a list of things a parent might say", name)
    else:
        raw = data["phrases"]
        phrases = _strings(raw, path, _line_of(data, "phrases", line), "phrases", problems, name)
        if not raw:
            problems.add(
                path,
                _line_of(data, "phrases", line),
                "'phrases:' has no sentence; add at least one thing a parent might say",
                name,
            )
        phrase_lines = [
            _line_of(raw, i, _line_of(data, "phrases", line))
            for i, item in enumerate(raw if isinstance(raw, list) else [raw])
            if isinstance(item, str | int | float) and str(item).strip()
        ]

    def strings(key: str) -> tuple[str, ...]:
        return _strings(data.get(key, []), path, _line_of(data, key, line), key, problems, name)

    replies = strings("replies")
    by_feeling: dict[str, tuple[str, ...]] = {}
    raw_by = data.get("replies_by_feeling", {})
    if not isinstance(raw_by, dict):
        problems.add(
            path,
            _line_of(data, "replies_by_feeling", line),
            "replies_by_feeling must map a feeling to a list of replies",
            name,
        )
    else:
        for feeling, texts in raw_by.items():
            by_feeling[str(feeling)] = _strings(
                texts,
                path,
                _line_of(raw_by, feeling, line),
                f"replies for '{feeling}'",
                problems,
                name,
            )

    unsure = strings("unsure_replies")

    action = data.get("action")
    if action is not None and action not in ACTIONS:
        problems.add(
            path,
            _line_of(data, "action", line),
            f"unknown action '{action}'; {_suggest(str(action), ACTIONS)}",
            name,
        )
        action = None
    if not replies and not any(by_feeling.values()) and action not in _SILENT_ACTIONS:
        problems.add(path, line, "nothing to say; add 'replies:' with at least one sentence", name)

    follow_up = _read_follow_up(path, data, line, name, problems)
    for text, text_line in _reply_lines(data, replies, by_feeling, line, unsure):
        for placeholder in _PLACEHOLDER.findall(text):
            if placeholder not in REPLY_PLACEHOLDERS:
                problems.add(
                    path,
                    text_line,
                    f"unknown placeholder {{{placeholder}}} in a reply; {_suggest(placeholder, REPLY_PLACEHOLDERS)}",
                    name,
                )
        if follow_up is not None and "?" in text:
            problems.add(
                path,
                text_line,
                "this reply asks a question and the script also has a follow-up question; keep one question",
                name,
                warning=True,
            )

    crisis_terms = strings("crisis_terms")
    if crisis_terms and name != CRISIS_INTENT:
        problems.add(
            path,
            _line_of(data, "crisis_terms", line),
            "only the 'crisis' intent may have crisis_terms; move them to crisis.yaml",
            name,
        )

    description = data.get("description", "")
    script = IntentScript(
        name=name,
        source=path,
        line=line,
        description=str(description).strip() if description else "",
        phrases=phrases,
        replies=replies,
        replies_by_feeling=MappingProxyType(by_feeling),
        unsure_replies=unsure,
        follow_up=follow_up,
        action=action,
        crisis_terms=crisis_terms,
    )
    return script, phrase_lines


def _reply_lines(
    data: LineDict,
    replies: tuple[str, ...],
    by_feeling: Mapping[str, tuple[str, ...]],
    line: int,
    unsure: tuple[str, ...] = (),
) -> list[tuple[str, int]]:
    out: list[tuple[str, int]] = []
    for key, texts in (("replies", replies), ("unsure_replies", unsure)):
        raw = data.get(key)
        for i, text in enumerate(texts):
            out.append((text, _line_of(raw, i, _line_of(data, key, line))))
    raw_by = data.get("replies_by_feeling")
    for feeling, texts in by_feeling.items():
        raw_texts = raw_by.get(feeling) if isinstance(raw_by, dict) else None
        for i, text in enumerate(texts):
            out.append((text, _line_of(raw_texts, i, _line_of(raw_by, feeling, line))))
    return out


def _read_follow_up(
    path: Path, data: LineDict, line: int, name: str, problems: _Problems
) -> FollowUp | None:
    raw = data.get("follow_up")
    if raw is None:
        return None
    fline = _line_of(data, "follow_up", line)
    if not isinstance(raw, LineDict):
        problems.add(path, fline, "follow_up must have 'question:' and 'answers:'", name)
        return None
    for key in raw:
        if key not in FOLLOW_UP_KEYS:
            problems.add(
                path,
                _line_of(raw, key, fline),
                f"unknown key '{key}' in follow_up; {_suggest(str(key), FOLLOW_UP_KEYS)}",
                name,
            )
    questions = _strings(
        raw.get("question", []), path, _line_of(raw, "question", fline), "question", problems, name
    )
    if not questions:
        problems.add(
            path, fline, "follow_up has no 'question:'; write the question Hearth asks", name
        )
    answers = raw.get("answers")
    if not isinstance(answers, LineDict) or not answers:
        problems.add(
            path,
            _line_of(raw, "answers", fline),
            "follow_up needs 'answers:' mapping an answer (yes, no, feeling, other, an intent) to the next intent",
            name,
        )
        return None
    routes: dict[str, str] = {}
    for key, target in answers.items():
        if not isinstance(target, str):
            problems.add(
                path,
                _line_of(answers, key, fline),
                f"the answer '{key}' must lead to an intent name",
                name,
            )
            continue
        routes[str(key)] = target
    return FollowUp(questions=questions, answers=MappingProxyType(routes))


def _mapping(data: Any, key: str, path: Path, problems: _Problems, message: str) -> dict[Any, Any]:
    """``data[key]`` when it is a mapping (or absent: empty); otherwise report ``message``."""
    value = data.get(key, {})
    if isinstance(value, dict):
        return value
    problems.add(path, _line_of(data, key, 1), message)
    return {}


def _read_lists(path: Path, data: Any, folder: _Folder, problems: _Problems) -> None:
    if not isinstance(data, LineDict):
        if data is not None:
            problems.add(path, 1, "a list file must be a mapping with 'lists:' and/or 'rules:'")
        return
    for key in data:
        if key not in ("lists", "rules"):
            problems.add(
                path,
                _line_of(data, key, 1),
                f"unknown key '{key}' in a list file; {_suggest(str(key), ('lists', 'rules'))}",
            )
    lists = _mapping(data, "lists", path, problems, "'lists:' must map a list name to its values")
    for list_name, values in lists.items():
        lline = _line_of(lists, list_name, 1)
        if not isinstance(values, LineDict) or not values:
            problems.add(
                path,
                lline,
                f"list '{list_name}' must map each value to its words, e.g. 'tired: {{noun: tiredness, words: [tired, worn out]}}'",
            )
            continue
        slot_values: dict[str, SlotValue] = {}
        for value, spec in values.items():
            vline = _line_of(values, value, lline)
            noun, words_raw = str(value), spec
            if isinstance(spec, LineDict):
                for key in spec:
                    if key not in ("noun", "words"):
                        problems.add(
                            path,
                            _line_of(spec, key, vline),
                            f"unknown key '{key}' in list value '{value}'; use 'noun' and 'words'",
                        )
                noun = str(spec.get("noun", value))
                words_raw = spec.get("words", [])
            words = _strings(words_raw, path, vline, f"words of '{value}'", problems, None)
            normalised = tuple(
                dict.fromkeys(normalize(w) for w in (str(value), *words) if normalize(w))
            )
            slot_values[str(value)] = SlotValue(str(value), noun, normalised)
        _check_shared_words(path, lline, str(list_name), slot_values, problems)
        folder.lists[str(list_name)] = slot_values
        folder.list_lines[str(list_name)] = (path, lline)
    rules = _mapping(data, "rules", path, problems, "'rules:' must map a rule name to a template")
    for rule_name, template in rules.items():
        rline = _line_of(rules, rule_name, 1)
        if not isinstance(template, str) or not template.strip():
            problems.add(path, rline, f"rule '{rule_name}' must be a template in quotes")
            continue
        folder.rules[str(rule_name)] = template
        folder.rule_lines[str(rule_name)] = (path, rline)


def _check_shared_words(
    path: Path, line: int, list_name: str, values: Mapping[str, SlotValue], problems: _Problems
) -> None:
    owner: dict[str, str] = {}
    for value in values.values():
        for word in value.words:
            if word in owner and owner[word] != value.value:
                problems.add(
                    path,
                    line,
                    f"in list '{list_name}', '{word}' belongs to both '{owner[word]}' and '{value.value}'; keep it in one",
                )
            owner[word] = value.value


def all_script_files(folders: Sequence[Path]) -> list[Path]:
    """Every list and intent file of the folders, in the order they load."""
    return [path for folder in folders for files in script_files(folder) for path in files]


def script_files(folder: Path) -> tuple[list[Path], list[Path]]:
    """The list files and the intent files of one scripts folder, in the order they load."""
    lists = folder / LIST_FOLDER
    return (
        sorted(lists.glob("*.yaml")) + sorted(lists.glob("*.yml")),
        sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml")),
    )


def _read_folder(folder_path: Path, problems: _Problems) -> _Folder:
    folder = _Folder()
    if not folder_path.is_dir():
        problems.add(
            folder_path,
            0,
            "this intents folder does not exist; create it or point --intents / HEARTH_INTENTS at the right folder",
        )
        return folder
    list_files, intent_files = script_files(folder_path)
    for path in list_files:
        _read_lists(path, _read(path, problems), folder, problems)
    for path in intent_files:
        data = _read(path, problems)
        if data is None:
            continue
        result = _read_intent(path, data, problems)
        if result is None:
            continue
        script, lines = result
        if script.name in folder.intents:
            other = folder.intents[script.name]
            problems.add(
                path,
                script.line,
                f"the intent '{script.name}' is already defined in {other.source.name}:{other.line}; rename one of them",
                script.name,
            )
            continue
        folder.intents[script.name] = script
        folder.phrase_lines[script.name] = lines
    return folder


def _merge(folders: list[_Folder]) -> _Folder:
    merged = _Folder()
    for folder in folders:
        merged.intents.update(folder.intents)
        merged.lists.update(folder.lists)
        merged.list_lines.update(folder.list_lines)
        merged.rules.update(folder.rules)
        merged.rule_lines.update(folder.rule_lines)
        merged.phrase_lines.update(folder.phrase_lines)
    return merged


def _parse_rules(merged: _Folder, problems: _Problems) -> dict[str, Sentence]:
    parsed: dict[str, Sentence] = {}
    for name, template in merged.rules.items():
        path, line = merged.rule_lines[name]
        try:
            parsed[name] = templates.parse(template)
        except templates.TemplateError as err:
            problems.add(path, line, f"rule '{name}': {err}")
    # A rule may use other rules, but not itself (directly or not): that never ends.
    refs = {name: templates.references(s) for name, s in parsed.items()}
    for name, ref in refs.items():
        path, line = merged.rule_lines[name]
        for missing in sorted(ref.rules - parsed.keys()):
            problems.add(
                path,
                line,
                f"rule '{name}' uses <{missing}>, which is not defined; {_suggest(missing, list(parsed))}",
            )
        seen: set[str] = set()
        todo = list(ref.rules)
        while todo:
            current = todo.pop()
            if current == name:
                problems.add(
                    path, line, f"rule '{name}' uses itself (through <...>); break the loop"
                )
                break
            if current in seen or current not in refs:
                continue
            seen.add(current)
            todo.extend(refs[current].rules)
    return parsed


def _expand_all(
    merged: _Folder, rules: dict[str, Sentence], problems: _Problems
) -> tuple[dict[str, tuple[str, ...]], dict[str, dict[str, tuple[Path, int]]]]:
    expansions: dict[str, tuple[str, ...]] = {}
    origins: dict[str, dict[str, tuple[Path, int]]] = {}
    for name, script in merged.intents.items():
        lines = merged.phrase_lines.get(name, [])
        sentences: dict[str, None] = {}
        where: dict[str, tuple[Path, int]] = {}
        for i, template in enumerate(script.phrases):
            line = lines[i] if i < len(lines) else script.line
            for text in _expand_one(template, script.source, line, name, merged, rules, problems):
                sentences.setdefault(text, None)
                where.setdefault(text, (script.source, line))
        expansions[name] = tuple(sentences)
        origins[name] = where
    return expansions, origins


def _expand_one(
    template: str,
    path: Path,
    line: int,
    intent: str,
    merged: _Folder,
    rules: dict[str, Sentence],
    problems: _Problems,
) -> list[str]:
    try:
        sentence = templates.parse(template)
    except templates.TemplateError as err:
        problems.add(path, line, str(err), intent)
        return []
    ref = templates.references(sentence)
    bad = False
    for missing in sorted(ref.lists - merged.lists.keys()):
        problems.add(
            path,
            line,
            f"unknown list {{{missing}}}; {_suggest(missing, list(merged.lists))} (lists live in lists/*.yaml)",
            intent,
        )
        bad = True
    for missing in sorted(ref.rules - rules.keys()):
        problems.add(
            path,
            line,
            f"unknown rule <{missing}>; {_suggest(missing, list(rules))} (rules live in lists/*.yaml)",
            intent,
        )
        bad = True
    if bad:
        return []
    try:
        return templates.expand(sentence, rules, MAX_EXPANSIONS_PER_TEMPLATE)
    except templates.TemplateError as err:
        problems.add(path, line, str(err), intent)
    except RecursionError:
        problems.add(path, line, "a rule used here refers to itself; break the loop", intent)
    return []


def _check_routes(merged: _Folder, problems: _Problems) -> None:
    feelings = merged.lists.get("feeling", {})
    for script in merged.intents.values():
        for feeling in script.replies_by_feeling:
            if feeling not in feelings:
                problems.add(
                    script.source,
                    script.line,
                    f"replies_by_feeling: '{feeling}' is not a feeling in the list; {_suggest(feeling, list(feelings))}",
                    script.name,
                )
        if script.follow_up is None:
            continue
        for key, target in script.follow_up.answers.items():
            if key not in ANSWER_KINDS and key not in feelings and key not in merged.intents:
                problems.add(
                    script.source,
                    script.line,
                    f"follow_up answer '{key}' is not yes, no, feeling, other, a feeling or an intent; {_suggest(key, [*ANSWER_KINDS, *feelings, *merged.intents])}",
                    script.name,
                )
            if target not in merged.intents:
                problems.add(
                    script.source,
                    script.line,
                    f"follow_up answer '{key}' leads to the intent '{target}', which does not exist; {_suggest(target, list(merged.intents))}",
                    script.name,
                )


def _check_shared_sentences(
    origins: dict[str, dict[str, tuple[Path, int]]], problems: _Problems
) -> None:
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
                    f"'{text}' is also a phrase of '{first}' ({other_path.name}:{other_line}); Hearth cannot tell the two apart, so reword one",
                    intent,
                    warning=True,
                )


def _crisis_terms(
    defaults: _Folder | None, merged: _Folder, rules: dict[str, Sentence], problems: _Problems
) -> tuple[str, ...]:
    scripts: list[IntentScript] = []
    for folder in (defaults, merged):
        script = folder.intents.get(CRISIS_INTENT) if folder else None
        if script is not None and all(script is not s for s in scripts):
            scripts.append(script)
    terms: dict[str, None] = {}
    for script in scripts:
        for template in script.crisis_terms:
            for text in _expand_one(
                template, script.source, script.line, CRISIS_INTENT, merged, rules, problems
            ):
                terms.setdefault(text, None)
    return tuple(terms)


def load_scripts(folders: Sequence[Path]) -> ScriptSet:
    """Load and check the folders (defaults first); raise ScriptError listing every problem."""
    problems = _Problems()
    read = [_read_folder(Path(f), problems) for f in folders]
    merged = _merge(read)
    if CRISIS_INTENT not in merged.intents and folders:
        problems.add(
            Path(folders[0]),
            0,
            "there is no 'crisis' intent; Hearth must always be able to answer a crisis, so restore crisis.yaml",
        )
    rules = _parse_rules(merged, problems)
    expansions, origins = _expand_all(merged, rules, problems)
    _check_routes(merged, problems)
    _check_shared_sentences(origins, problems)
    crisis_terms = _crisis_terms(read[0] if read else None, merged, rules, problems)
    if problems.has_errors:
        raise ScriptError(problems.items)
    return ScriptSet(
        intents=MappingProxyType(dict(merged.intents)),
        lists=MappingProxyType({k: MappingProxyType(v) for k, v in merged.lists.items()}),
        rules=MappingProxyType(dict(merged.rules)),
        expansions=MappingProxyType(expansions),
        crisis_terms=crisis_terms,
        folders=tuple(Path(f) for f in folders),
        warnings=tuple(problems.items),
    )
