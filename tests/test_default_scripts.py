"""The shipped scripts: valid, complete, and passing their intent tests and the dev set."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bench.matcher_bench import evaluate, load_dev_set
from voice.paths import default_intents_dir
from voice.scripts.model import IntentScript
from voice.scripts.yaml_lines import load_yaml
from voice.understanding.intent_tests import load_cases, run_cases
from voice.understanding.library import ScriptLibrary

CANONICAL = [
    "check_in",
    "name_feeling",
    "guilt_check",
    "mantra",
    "permission",
    "missing_moments",
    "connect_idea",
    "talk_to_someone",
    "crisis",
    "journal_summary",
    "help",
    "repeat",
    "stop",
    "yes",
    "no",
    "goodbye",
]
FEELINGS = [
    "guilty",
    "sad",
    "tired",
    "overwhelmed",
    "anxious",
    "lonely",
    "frustrated",
    "angry",
    "torn",
    "proud",
    "happy",
]
TEST_FILES = sorted((Path(__file__).parent / "intents").glob("*.yaml"))
SCRIPT_FILES = sorted(default_intents_dir().glob("*.yaml"))


def test_defaults_have_no_warnings(default_library: ScriptLibrary) -> None:
    assert [str(w) for w in default_library.brain.scripts.warnings] == []


def test_every_canonical_intent_and_feeling_is_there(default_library: ScriptLibrary) -> None:
    scripts = default_library.brain.scripts
    assert set(CANONICAL) <= set(scripts.intents)
    assert set(FEELINGS) <= set(scripts.lists["feeling"])


@pytest.mark.parametrize("path", SCRIPT_FILES, ids=lambda p: p.stem)
def test_script_file_is_rich_enough(path: Path, default_library: ScriptLibrary) -> None:
    data = load_yaml(path.read_text(encoding="utf-8"))
    script = default_library.brain.scripts.intents[data["intent"]]
    assert path.stem == script.name
    assert len(script.phrases) >= 10, "at least 10 example phrases per intent"
    replies = list(script.replies) + [r for rs in script.replies_by_feeling.values() for r in rs]
    for reply in replies:
        assert len(reply.split()) <= 40, f"too long to hear while parenting: {reply}"
        assert reply.count("?") <= 1, f"one question at most: {reply}"
        assert (
            not re.search(r"\b(mom|mum|mother|mama)s?\b", reply, re.I) or "dad" in reply.lower()
        ), f"speak to every parent: {reply}"
        assert not re.search(r"\bi am (a|your) therapist\b|\bi'm (a|your) therapist\b", reply, re.I)


def test_content_counts(default_library: ScriptLibrary) -> None:
    intents = default_library.brain.scripts.intents
    assert len(set(intents["mantra"].replies)) >= 15
    assert set(FEELINGS) <= set(intents["name_feeling"].replies_by_feeling)
    assert all("{crisis_line}" in r for r in intents["crisis"].replies)
    assert intents["crisis"].unsure_replies
    assert all("{crisis_line}" in r for r in intents["crisis"].unsure_replies)


@pytest.mark.parametrize("intent", CANONICAL)
def test_every_canonical_intent_has_a_test_file(intent: str) -> None:
    assert (Path(__file__).parent / "intents" / f"{intent}.yaml").is_file()


@pytest.mark.parametrize("path", TEST_FILES, ids=lambda p: p.stem)
def test_intent_test_file_passes(path: Path, default_library: ScriptLibrary) -> None:
    results = run_cases(default_library.brain.matcher, load_cases(path))
    failed = [
        f"{r.case.sentence!r} -> {r.got_intent} {dict(r.got_slots)} (expected {r.case.intent} {dict(r.case.slots)})"
        for r in results
        if not r.passed
    ]
    assert results and not failed, failed


def test_held_out_dev_set(default_library: ScriptLibrary) -> None:
    """Paraphrases written apart from the scripts: a floor under the matcher's real accuracy.

    Crisis recall must be perfect. The other floors sit just under today's figures
    (90% accuracy, 1.7% false accepts on chatter) so that a change making things worse
    fails; the accuracy target (95%) is tracked by `make bench`.
    """
    acc = evaluate(default_library.brain.matcher, load_dev_set())
    assert acc.crisis_recall == 1.0, acc.misses
    assert acc.intent_accuracy >= 0.89, acc.misses
    assert acc.false_accepts <= 0.03, acc.misses
    assert acc.feeling_accuracy >= 0.9


def _replies(script: IntentScript) -> list[str]:
    replies = list(script.replies) + [r for rs in script.replies_by_feeling.values() for r in rs]
    return replies + list(script.unsure_replies)


@pytest.mark.parametrize("path", SCRIPT_FILES, ids=lambda p: p.stem)
def test_replies_are_brief_enough_to_hear_holding_a_toddler(
    path: Path, default_library: ScriptLibrary
) -> None:
    """What Hearth says at once (a reply, and the longest question asked after it) is at
    most 30 words, and a talking script's median is 12 to 22 (voice changes, stop, yes,
    no and goodbye answer in a few words). The crisis words belong to the safety rules."""
    script = default_library.brain.scripts.intents[load_yaml(path.read_text("utf-8"))["intent"]]
    questions = script.follow_up.questions if script.follow_up else ("",)
    longest = max(questions, key=lambda q: len(q.split()))
    spoken = [f"{r} {longest}".strip() for r in _replies(script)]
    too_long = [s for s in spoken if len(s.split()) > 30]
    assert not too_long, too_long
    # A crisis reply carries the line and what to do now: only its upper bound applies.
    talks = script.name not in ("yes", "no", "goodbye", "crisis")
    if script.action is None and len(spoken) >= 3 and talks:
        words = sorted(len(s.split()) for s in spoken)
        assert 12 <= words[len(words) // 2] <= 22, (words, spoken)


def test_follow_up_questions_are_not_all_the_same(default_library: ScriptLibrary) -> None:
    intents = default_library.brain.scripts.intents.values()
    questions = [q for s in intents if s.follow_up for q in s.follow_up.questions]
    assert len(set(questions)) == len(questions), "a question asked by two scripts"
    feeling = default_library.brain.scripts.intents["name_feeling"]
    assert feeling.follow_up is not None and len(set(feeling.follow_up.questions)) >= 3
