"""Property tests: whatever a parent types into a script or says, Hearth answers with a
result or its own error, never a crash (issue 5, bad input)."""

from __future__ import annotations

import tempfile
from functools import cache
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from voice.errors import HearthError, ScriptError
from voice.paths import default_intents_dir
from voice.scripts.loader import load_scripts
from voice.scripts.templates import parse
from voice.text import normalize
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
