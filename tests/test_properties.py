"""Property tests: whatever a parent types into a script or says, Hearth answers with a
result or its own error, never a crash (issue 5, bad input)."""

from __future__ import annotations

import random
import tempfile
from functools import cache
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from voice.dialogue.engine import Dialogue
from voice.errors import HearthError, ScriptError
from voice.paths import default_intents_dir
from voice.scripts.intent_fields import SILENT_ACTIONS
from voice.scripts.lenient import load_leniently
from voice.scripts.loader import load_scripts
from voice.scripts.model import ACTIONS, ANSWER_KINDS, ScriptSet
from voice.scripts.templates import parse
from voice.text import normalize
from voice.understanding.library import Brain
from voice.understanding.matcher import Matcher

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

template_chars = st.sampled_from(list("abc ()[]{}<>|:;'\",.?!-_0123456789\\\n\té"))
templates = st.text(template_chars, max_size=40) | st.text(max_size=40)

scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | templates
yaml_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(templates, inner, max_size=4),
    max_leaves=12,
)
keys = st.sampled_from(
    [
        "intent",
        "phrases",
        "replies",
        "replies_by_feeling",
        "follow_up",
        "action",
        "description",
        "answers",
        "question",
        "yes",
        "no",
        "other",
        "feeling",
    ]
)
script_like = st.dictionaries(keys | templates, yaml_values, max_size=6)


@cache
def default_matcher() -> Matcher:
    return Matcher(load_scripts([default_intents_dir()]))


def load_one(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "mine.yaml").write_text(text, encoding="utf-8")
        try:
            load_scripts([Path(folder)])
        except ScriptError as err:
            assert err.problems, "a ScriptError must say what is wrong"
            for problem in err.problems:
                assert problem.message.strip()
                assert "Traceback" not in problem.message


@SETTINGS
@given(st.text(max_size=300))
def test_any_text_as_a_script_file_loads_or_explains(text: str) -> None:
    load_one(text)


@SETTINGS
@given(script_like)
def test_any_yaml_shape_loads_or_explains(data: dict[object, object]) -> None:
    load_one(yaml.safe_dump(data, allow_unicode=True))


@SETTINGS
@given(st.lists(templates, min_size=1, max_size=4), st.lists(templates, max_size=3))
def test_any_phrases_and_replies_load_or_explain(phrases: list[str], replies: list[str]) -> None:
    load_one(yaml.safe_dump({"intent": "mine", "phrases": phrases, "replies": replies}))


@SETTINGS
@given(templates)
def test_any_template_parses_or_raises_hearths_error(template: str) -> None:
    try:
        parse(template)
    except HearthError as err:
        assert str(err)


@SETTINGS
@given(st.text(max_size=200))
def test_normalize_always_gives_plain_words(text: str) -> None:
    out = normalize(text)
    assert out == out.strip()
    assert "  " not in out


@SETTINGS
@given(
    st.text(max_size=200)
    | st.lists(
        st.sampled_from(
            [
                "i",
                "feel",
                "guilty",
                "stop",
                "kill",
                "mantra",
                "hearth",
                "the",
                "so",
                "not",
                "tired",
                "um",
                "yes",
                "no",
            ]
        ),
        max_size=30,
    ).map(" ".join)
)
def test_matcher_answers_anything_with_a_result(text: str) -> None:
    result = default_matcher().match(text)
    assert 0.0 <= result.confidence <= 1.0
    if result.best is None:
        assert result.reason in ("no match", "below threshold", "near tie", "not for hearth")
    else:
        assert result.best.intent


WORDS = ("tea", "moon", "sock", "blue", "nap", "story", "bath", "shoe", "cake", "rain", "park")
FEELINGS = {"happy": ("happy", "glad"), "sad": ("sad", "down"), "cross": ("cross", "mad")}
NAMES = ("alpha", "bravo", "charlie", "delta", "echo", "foxtrot")
FEELING_LIST = {"lists": {"feeling": {v: {"words": list(w)} for v, w in FEELINGS.items()}}}

words = st.sampled_from(WORDS)
# A phrase: plain words, optional words, alternatives, perhaps the feeling slot.
parts = (
    words
    | words.map(lambda w: f"[{w}]")
    | st.lists(words, min_size=2, max_size=3, unique=True).map(lambda ws: f"({'|'.join(ws)})")
    | st.just("{feeling}")
)
phrases = (
    st.lists(parts, min_size=1, max_size=4)
    .map(" ".join)
    .filter(lambda p: any(w in p.replace("[", "").split() for w in WORDS) or "{feeling}" in p)
)
replies = st.lists(
    st.sampled_from(
        [
            "Okay.",
            "I hear you.",
            "That sounds like {feeling}.",
            "Tea helps, {feeling_noun} too.",
            "Call {crisis_line}.",
        ]
    ),
    max_size=3,
)


@st.composite
def script_folders(draw: st.DrawFn) -> dict[str, object]:
    """A valid set of scripts: intents with phrases, replies or actions, follow-ups to real intents."""
    names = ["crisis", *draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=4, unique=True))]
    files: dict[str, object] = {"lists/feelings.yaml": FEELING_LIST}
    for name in names:
        action = None if name == "crisis" else draw(st.none() | st.sampled_from(ACTIONS))
        script: dict[str, object] = {
            "intent": name,
            "phrases": draw(st.lists(phrases, min_size=1, max_size=3)),
        }
        said = draw(replies)
        by_feeling = draw(
            st.dictionaries(st.sampled_from(sorted(FEELINGS)), replies.filter(bool), max_size=2)
        )
        if not said and action not in SILENT_ACTIONS:
            said = ["Okay."]
        if said:
            script["replies"] = said
        if by_feeling:
            script["replies_by_feeling"] = by_feeling
        if action is not None:
            script["action"] = action
        if name == "crisis":
            script["crisis_terms"] = ["(hurt|harm) myself"]
        if draw(st.booleans()):
            keys = st.sampled_from([*ANSWER_KINDS, *FEELINGS, *names])
            script["follow_up"] = {
                "question": "Shall we go on",
                "answers": draw(
                    st.dictionaries(keys, st.sampled_from(names), min_size=1, max_size=3)
                ),
            }
        files[f"{name}.yaml"] = script
    return files


def said_to(scripts: ScriptSet, rng_seed: int, count: int) -> list[str]:
    """Sentences of the scripts (a feeling said for the slot), answers and stray words."""
    rng = random.Random(rng_seed)
    heard = [s for sentences in scripts.expansions.values() for s in sentences]
    out = []
    for _ in range(count):
        kind = rng.randrange(3)
        if kind == 0 and heard:
            out.append(rng.choice(heard).replace("{feeling}", rng.choice(["glad", "down", "mad"])))
        elif kind == 1:
            out.append(rng.choice(["yes", "no", "i hurt myself", "say that again", "stop"]))
        else:
            out.append(" ".join(rng.sample(WORDS, rng.randint(1, 4))))
    return out


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(script_folders(), st.integers(0, 10_000))
def test_scripts_that_validate_never_crash_the_dialogue(
    files: dict[str, object], seed: int
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name, data in files.items():
            (folder / name).parent.mkdir(exist_ok=True)
            (folder / name).write_text(yaml.safe_dump(data), encoding="utf-8")
        scripts = load_scripts([folder])  # valid scripts: must load
        assert load_leniently([folder]) == (scripts, ())  # and load the same at start-up
        brain = Brain(scripts, Matcher(scripts, cache_dir=folder / "cache"))
        dialogue = Dialogue(lambda: brain, rng=random.Random(seed))
        for text in said_to(scripts, seed, 8):
            reply = dialogue.hear(text)
            assert isinstance(reply.text, str)
            assert reply.intent is None or reply.intent in scripts.intents
