"""Checking an edited script before it is saved, with the loader's own steps and messages.

``quick_check`` runs while the parent types: the file's own fields, its phrases expanded
against the lists and rules in use, and where its follow-up answers lead. ``full_check``
runs on save: the whole loader over the parent's folder with the edit in place, exactly
what the running Hearth will load next.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from hassil.expression import Sentence

from voice import paths
from voice.errors import ScriptError, ScriptProblem
from voice.scripts import templates
from voice.scripts.checks import check_routes
from voice.scripts.expansion import expand_one
from voice.scripts.gathered import Gathered
from voice.scripts.intent_fields import IntentLines, read_intent
from voice.scripts.loader import load_scripts
from voice.scripts.model import IntentScript, ScriptSet
from voice.scripts.problems import Problems
from voice.scripts.source import LIST_FOLDER, read_yaml

SAMPLE_SIZE = 8


@dataclass(frozen=True)
class Problem:
    """A problem as the page shows it: on a line of the file being edited, or of another."""

    file: str
    """The file's name (``bedtime.yaml``)."""
    line: int
    """1-based line (0: the file as a whole)."""
    message: str
    """What is wrong and how to fix it."""
    warning: bool = False
    """Something suspicious that does not stop the save."""

    def __str__(self) -> str:
        kind = "warning: " if self.warning else ""
        return f"{self.file}:{self.line}: {kind}{self.message}"


@dataclass(frozen=True)
class CheckResult:
    """What a check found, and what the phrases expand to."""

    problems: tuple[Problem, ...]
    """Every problem, the edited file's first."""
    intent: str | None = None
    """The intent the text defines, when it could be read."""
    count: int = 0
    """How many sentences its phrases expand to."""
    sample: tuple[str, ...] = ()
    """A few of them, lists filled with one of their words."""

    @property
    def ok(self) -> bool:
        """No errors (warnings allowed)."""
        return not any(not p.warning for p in self.problems)


def _problems(found: list[ScriptProblem], here: Path, name: str) -> tuple[Problem, ...]:
    """The edited file (``here``) shown as ``name``; its problems first."""
    mine = [p for p in found if Path(p.file) == here]
    rest = [p for p in found if Path(p.file) != here]
    return tuple(
        Problem(name if Path(p.file) == here else Path(p.file).name, p.line, p.message, p.warning)
        for p in mine + rest
    )


def quick_check(text: str, stem: str, scripts: ScriptSet, real: Path) -> CheckResult:
    """Check ``text`` as the file ``real`` against the scripts in use (fast, while typing)."""
    problems = Problems()
    with tempfile.TemporaryDirectory(prefix="hearth-web-") as tmp:
        here = Path(tmp) / f"{stem}.yaml"
        here.write_text(text, encoding="utf-8")
        data = read_yaml(here, problems)
        read = read_intent(here, data, problems) if data is not None else None
    if read is None:
        return CheckResult(_problems(problems.items, here, here.name))
    script, lines = read
    merged = _gathered(scripts, real)
    other = merged.intents.get(script.name)
    if other is not None and _same_folder(Path(other.source), real):
        problems.add(
            here,
            script.line,
            f"the intent '{script.name}' is already defined in {Path(other.source).name}:"
            f"{other.line}; rename one of them",
        )
    merged.intents[script.name] = script
    merged.lines[script.name] = lines
    rules = {name: templates.parse(t) for name, t in scripts.rules.items()}
    sentences: dict[str, None] = {}
    for i, template in enumerate(script.phrases):
        line = lines.phrases[i] if i < len(lines.phrases) else script.line
        found = expand_one(template, here, line, script.name, merged, rules, problems)
        sentences.update(dict.fromkeys(found))
    _expand_terms(script, lines, merged, rules, problems)
    check_routes(merged, problems)
    mine = [p for p in problems.items if Path(p.file) == here]
    return CheckResult(
        _problems(mine, here, here.name),
        script.name,
        len(sentences),
        sample(list(sentences), scripts),
    )


def _expand_terms(
    script: IntentScript,
    lines: IntentLines,
    merged: Gathered,
    rules: dict[str, Sentence],
    problems: Problems,
) -> None:
    """Crisis and priority terms expanded as the loader does, for the problems only."""
    where = script.source
    for template in (*script.crisis_terms, *script.crisis_concepts):
        expand_one(template, where, script.line, script.name, merged, rules, problems)
    for i, template in enumerate(script.priority_terms):
        line = lines.priority[i] if i < len(lines.priority) else script.line
        expand_one(template, where, line, script.name, merged, rules, problems)


def _gathered(scripts: ScriptSet, real: Path) -> Gathered:
    """The scripts in use as the loader holds them, without the file being edited."""
    merged = Gathered(
        intents={n: s for n, s in scripts.intents.items() if Path(s.source) != real},
        lists={name: dict(values) for name, values in scripts.lists.items()},
        rules=dict(scripts.rules),
    )
    merged.rule_lines = {name: (real, 0) for name in merged.rules}
    return merged


def _same_folder(source: Path, real: Path) -> bool:
    return source.parent.resolve() == real.parent.resolve()


def sample(sentences: list[str], scripts: ScriptSet) -> tuple[str, ...]:
    """Up to SAMPLE_SIZE sentences spread over the list, ``{list}`` filled with a word."""
    if not sentences:
        return ()
    step = max(1, len(sentences) // SAMPLE_SIZE)
    picked = sentences[::step][:SAMPLE_SIZE]
    out: list[str] = []
    for sentence in picked:
        for name, values in scripts.lists.items():
            words = [w for v in values.values() for w in v.words]
            if words and f"{{{name}}}" in sentence:
                sentence = sentence.replace(f"{{{name}}}", words[len(out) % len(words)])
        out.append(sentence)
    return tuple(out)


def full_check(text: str, real: Path) -> CheckResult:
    """Load every script, the parent's folder with ``text`` in place of ``real``."""
    folder = real.parent
    with tempfile.TemporaryDirectory(prefix="hearth-web-") as tmp:
        mirror = Path(tmp) / "intents"
        if folder.is_dir():
            shutil.copytree(folder, mirror, symlinks=False, ignore=_only_scripts)
        mirror.mkdir(exist_ok=True)
        here = mirror / real.name
        here.write_text(text, encoding="utf-8")
        try:
            scripts = load_scripts([paths.default_intents_dir(), mirror])
        except ScriptError as err:
            return CheckResult(_problems(err.problems, here, real.name))
        mine = [p for p in scripts.warnings if Path(p.file) == here]
        return CheckResult(_problems(mine, here, real.name))


def _only_scripts(folder: str, names: list[str]) -> list[str]:
    """Copy the YAML files and the lists folder only (not a user's backups or tests)."""
    keep = (".yaml", ".yml")
    return [
        n
        for n in names
        if not n.endswith(keep) and not (n == LIST_FOLDER and Path(folder, n).is_dir())
    ]
