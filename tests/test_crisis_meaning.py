"""Crisis by meaning: the concepts are found whatever words stand around them, and the
idioms, accidents and negations that share their words are not taken for a crisis."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from voice.recognition.language_model import crisis_sentences
from voice.scripts.model import CRISIS_INTENT
from voice.text import normalize
from voice.understanding.crisis import CrisisDetector
from voice.understanding.library import ScriptLibrary

DEV = Path(__file__).parent / "data" / "dev_paraphrases.yaml"
DEV_D = Path(__file__).parent / "data" / "dev_d.yaml"

# Each was missed on main before issue 15 (a feeling or hedge around the act, means).
CONCEPTS = [
    "i'm scared i might hurt myself",
    "sometimes i'm scared i might really hurt myself",
    "i've been saving up my pills",
    "i feel like jumping off a bridge",
    "i wrote a goodbye note",
    "part of me wants to hurt the baby",
    "i keep having these intrusive thoughts about harming my son",
    "um i feel like i'm going to hurt my self",
    "i'm going to take a bunch of pills tonight",
    # missed on main before dev set D (2026-12-04): being gone, means, harm done to a child
    "it would be easier for everybody if i was gone",
    "i've lost the will to live lately",
    "i'd honestly be better off dead",
    "i keep hoping i won't wake up tomorrow",
    "i grabbed my baby and shook him",
    "i slapped my daughter across the face",
    "i'm frightened of what i might do tonight",
    "i've just swallowed all my tablets",
]

# Everyday talk that shares a crisis word: an idiom, a child's own accident, a negation.
IDIOMS = [
    "this traffic is killing me",
    "i could kill for a coffee",
    "my son hurt himself on the slide",
    "i killed myself laughing at that",
    "i've been killing myself trying to keep the house clean",
    "i cut myself chopping onions",
    "i hurt myself on the trampoline",
    "i would never hurt my baby",
    "i'm not going to hurt myself, don't worry",
    "i don't want to die, i'm just tired",
    "i could strangle him when he leaves his socks out",
    "he threw the ball across the room",
    "my daughter jumped off the bridge into the river at the lido",
    "i'm so tired i could die",
    "have we got any pills for a cold",
    "shaking the bottle to mix the formula",
    "i want to die of embarrassment",
    "i want to smother him in kisses",
    "i want to hit the gym",
    # taken for a crisis on main before dev set D: someone else's, long past, everyday business
    "my friend told me she has suicidal thoughts, how can i help her",
    "i used to self harm when i was younger but i'm fine now",
    "can you shake the baby's bottle for me",
    "we watched a film about suicide awareness",
    "i've written a note for the teacher",
    "i couldn't stop myself shouting at her about the shoes",  # "top myself" inside "stop myself"
]


@pytest.fixture(scope="module")
def detector() -> CrisisDetector:
    """A detector of a few terms, as a therapist might write them."""
    return CrisisDetector(
        ["hurt myself", "cut myself", "killing myself", "want to die", "hurt the baby"]
    )


@pytest.mark.parametrize(
    "sentence",
    ["i want to really hurt myself", "i honestly just want to die", "i might hurt the baby"],
)
def test_hedges_may_stand_between_a_terms_words(detector: CrisisDetector, sentence: str) -> None:
    assert detector.read(normalize(sentence)).term is not None


@pytest.mark.parametrize(
    "sentence",
    [
        "i would never hurt myself",
        "i do not want to die",
        "i cut myself on the tin",
        "i hurt myself falling off the step",
        "killing myself working",
    ],
)
def test_negations_accidents_and_idioms_take_a_term_back(
    detector: CrisisDetector, sentence: str
) -> None:
    assert detector.read(normalize(sentence)).term is None


def test_a_taken_back_term_is_not_read_as_a_near_spelling(detector: CrisisDetector) -> None:
    """The fuzzy pass would otherwise find "hurt myself" in "not hurt myself"."""
    assert detector.read(normalize("i am not going to hurt myself")).taken_back
    assert detector.read(normalize("i am not going to hurt myself")).term is None
    assert detector.read(normalize("i cut myself on purpose")).term == "cut myself"


@pytest.mark.parametrize("sentence", CONCEPTS)
def test_concepts_are_crisis(default_library: ScriptLibrary, sentence: str) -> None:
    assert default_library.brain.matcher.match(sentence).intent == CRISIS_INTENT


@pytest.mark.parametrize("sentence", IDIOMS)
def test_idioms_are_not_crisis(default_library: ScriptLibrary, sentence: str) -> None:
    assert default_library.brain.matcher.match(sentence).intent != CRISIS_INTENT


@pytest.mark.parametrize(
    ("path", "recall", "taken_at_most"),
    # Dev set C: every crisis phrasing found, at most 2.5% of its near misses taken. Dev set D
    # (written without seeing the repo): a floor under what was reached on it, so that a change
    # that loses recall or takes more near misses is seen (before the work: 68.5%, 9%).
    [(DEV, 1.0, 0.025), (DEV_D, 0.93, 0.05)],
    ids=["dev C", "dev D"],
)
def test_dev_crisis_phrasings_and_near_misses(
    default_library: ScriptLibrary, path: Path, recall: float, taken_at_most: float
) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    match = default_library.brain.matcher.match
    missed = [s for s in data["crisis"] if match(s).intent != CRISIS_INTENT]
    taken = [s for s in data["near_misses"] if match(s).intent == CRISIS_INTENT]
    assert 1 - len(missed) / len(data["crisis"]) >= recall, missed
    assert len(taken) <= taken_at_most * len(data["near_misses"]), taken


def test_concepts_are_matched_but_left_out_of_the_recognisers_crisis_model(
    default_library: ScriptLibrary,
) -> None:
    """Tens of thousands of concept sentences diluted the crisis model, which then no longer
    rescued a misheard "everyone would be better off without me"."""
    scripts = default_library.brain.scripts
    assert "jumping off a bridge" in scripts.crisis_concepts
    assert "jumping off a bridge" not in scripts.crisis_terms
    assert "jumping off a bridge" not in crisis_sentences(scripts)
    match = default_library.brain.matcher.match("i feel like jumping off a bridge")
    assert match.intent == CRISIS_INTENT
