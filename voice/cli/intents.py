"""``hearth intents validate|list|test|check``: for people editing scripts."""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

from voice import app, paths
from voice.errors import ScriptError
from voice.scripts.loader import load_scripts
from voice.understanding.intent_tests import load_cases, run_cases


def add_parser(sub: Any, common: Callable[[argparse.ArgumentParser], None]) -> None:
    """Register ``hearth intents ...``."""
    intents = sub.add_parser("intents", help="check, list and try the intent scripts")
    isub = intents.add_subparsers(dest="intents_command", metavar="ACTION", required=True)

    p = isub.add_parser("validate", help="report every problem as file:line")
    common(p)
    p.add_argument("dir", nargs="?", help="a folder of scripts to check on top of the defaults")
    p.set_defaults(handler=validate)

    p = isub.add_parser("list", help="list the intents in use")
    common(p)
    p.set_defaults(handler=list_intents)

    p = isub.add_parser("test", help="show what a sentence matches and what Hearth would say")
    common(p)
    p.add_argument("sentence")
    p.add_argument("--top", type=int, default=3, help="how many matches to show")
    p.set_defaults(handler=test)

    p = isub.add_parser("check", help="run intent test files (sentences -> expected intent)")
    common(p)
    p.add_argument("files", nargs="+", type=Path)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=check)


def validate(args: argparse.Namespace) -> int:
    """Exit 0 when the scripts are usable, 1 otherwise; never a traceback."""
    settings = app.settings_from_args(args)
    folders = app.intent_folders(settings)
    if args.dir:
        target = Path(args.dir)
        default = paths.default_intents_dir()
        folders = [default] if _same(target, default) else [default, target]
    try:
        scripts = load_scripts(folders)
    except ScriptError as err:
        for problem in err.problems:
            print(problem)
        errors = sum(1 for p in err.problems if not p.warning)
        print(f"{errors} error(s); Hearth keeps using its last good scripts until they are fixed.")
        return 1
    for problem in scripts.warnings:
        print(problem)
    phrases = sum(len(v) for v in scripts.expansions.values())
    print(
        f"OK: {len(scripts.intents)} intents, {phrases} sentences, {len(scripts.warnings)} warning(s)."
    )
    return 0


def _same(folder: Path, other: Path) -> bool:
    try:
        return folder.resolve() == other.resolve()
    except OSError:  # it may not even be looked at: the loader says so
        return False


def list_intents(args: argparse.Namespace) -> int:
    """One line per intent: name, sentence count, file, description."""
    hearth = app.assemble(app.read_settings(args), journal=None)
    app.print_notices(hearth)
    library = hearth.library
    scripts = library.brain.scripts
    for name in sorted(scripts.intents):
        script = scripts.intents[name]
        print(
            f"{name:18} {len(scripts.expansions[name]):5} sentences  {script.source}  {script.description}"
        )
    return 0


def test(args: argparse.Namespace) -> int:
    """The top matches with scores, and the reply that would be said."""
    hearth = app.assemble(app.read_settings(args), journal=None, rng=random.Random(0))
    app.print_notices(hearth)
    result = hearth.library.brain.matcher.match(args.sentence)
    print(f"heard as: {result.text}")
    print("  score  (phrase, learned)  intent ~ closest phrase")
    for match in result.ranked[: args.top]:
        print(
            f"  {match.confidence:.2f}   ({match.phrase_score:.2f}, {match.learned:.2f})"
            f"     {match.intent:18} ~ {match.phrase}"
        )
    if result.best is None:
        print(f"not understood ({result.reason}); Hearth would ask again.")
    else:
        slots = ", ".join(f"{k}={v}" for k, v in result.slots.items()) or "none"
        print(f"intent: {result.best.intent}  slots: {slots}")
    print(f"Hearth: {hearth.dialogue.hear(args.sentence).text}")
    return 0


def check(args: argparse.Namespace) -> int:
    """Run test files; exit 1 if any case fails."""
    hearth = app.assemble(app.read_settings(args), journal=None)
    app.print_notices(hearth)
    library = hearth.library
    failed = total = 0
    for path in args.files:
        for result in run_cases(library.brain.matcher, load_cases(path)):
            total += 1
            if result.passed:
                continue
            failed += 1
            case = result.case
            if args.json:
                print(
                    json.dumps(
                        {
                            "file": str(case.file),
                            "line": case.line,
                            "sentence": case.sentence,
                            "expected": case.intent,
                            "got": result.got_intent,
                            "slots": dict(result.got_slots),
                        }
                    )
                )
            else:
                print(
                    f"{case.file}:{case.line}: '{case.sentence}' -> {result.got_intent} "
                    f"{dict(result.got_slots)} ({result.confidence:.2f}), expected {case.intent} {dict(case.slots)}"
                )
    print(f"{total - failed} passed, {failed} failed")
    return 1 if failed else 0
