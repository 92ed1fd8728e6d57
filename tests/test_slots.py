"""Slots that know their place: a feeling word inside a command, a title or an idiom
is no feeling, and a match keeps only the slots its intent takes."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from voice.scripts.model import SlotValue
from voice.understanding.library import ScriptLibrary
from voice.understanding.slots import SlotFinder

DEV = Path(__file__).parent / "data" / "dev_paraphrases.yaml"


def _dev(key: str) -> list[str]:
    data = yaml.safe_load(DEV.read_text(encoding="utf-8"))
    return [str(s) for s in data[key]]


def _finder() -> SlotFinder:
    values = {
        "sad": SlotValue("sad", "sadness", ("sad", "down", "low", "down in the dumps")),
        "happy": SlotValue("happy", "happiness", ("happy",)),
        "tired": SlotValue("tired", "tiredness", ("tired",)),
    }
    return SlotFinder({"feeling": values})


@pytest.mark.parametrize(
    "sentence",
    [
        "slow down",
        "turn it down",
        "i am down to one nap",
        "happy birthday",
        "put the sad song on",
        "a tired old joke",
        "we are low on milk",
        "he is just tired",
    ],
)
def test_a_feeling_word_in_a_command_or_an_idiom_is_no_feeling(sentence: str) -> None:
    found = _finder().canonical(sentence)
    assert found.slots == {} and found.text == sentence


@pytest.mark.parametrize(
    ("sentence", "text"),
    [
        ("i feel down", "i feel {feeling}"),
        ("feeling a bit low to be honest", "feeling a bit {feeling} to be honest"),
        ("i am so happy", "i am so {feeling}"),
        ("i am tired and sad", "i am {feeling} and {feeling}"),
    ],
)
def test_a_feeling_said_is_still_found(sentence: str, text: str) -> None:
    assert _finder().canonical(sentence).text == text


def test_a_longer_phrasing_past_the_end_does_not_swallow_the_word() -> None:
    # "down" ends the sentence; "down in the dumps" is longer than what is left.
    found = _finder().canonical("i am feeling down")
    assert found.text == "i am feeling {feeling}" and found.slots == {"feeling": "sad"}


def test_no_command_with_a_feeling_word_is_answered_as_a_feeling(
    default_library: ScriptLibrary,
) -> None:
    matcher = default_library.brain.matcher
    wrong = []
    for sentence in _dev("commands_with_feeling_words"):
        result = matcher.match(sentence)
        if "feeling" in result.slots or result.intent in ("name_feeling", "guilt_repair"):
            wrong.append((sentence, result.intent, dict(result.slots)))
    assert not wrong, wrong


def test_a_command_keeps_no_feeling_slot(default_library: ScriptLibrary) -> None:
    result = default_library.brain.matcher.match("can you slow down")
    assert result.intent == "speak_slower" and dict(result.slots) == {}
    assert "feeling" in default_library.brain.matcher.slots_taken("name_feeling")
    assert "feeling" not in default_library.brain.matcher.slots_taken("speak_slower")


def test_feeling_slot_on_the_dev_set_stays_high(default_library: ScriptLibrary) -> None:
    data = yaml.safe_load(DEV.read_text(encoding="utf-8"))
    cases = [e for e in data["intents"]["name_feeling"] if isinstance(e, dict) and "feeling" in e]
    matcher = default_library.brain.matcher
    right = sum(matcher.match(e["text"]).slots.get("feeling") == e["feeling"] for e in cases)
    assert right / len(cases) >= 0.92
