"""Serious disclosures: the right help, never "sorry?" nor an everyday reply; crisis first."""

from __future__ import annotations

import dataclasses
import random
import sqlite3
from pathlib import Path

import pytest
import yaml

from tests.conftest import WriteScripts
from voice.config import Settings, check_setting, load_settings, show
from voice.dialogue.engine import Dialogue
from voice.dialogue.journal import Journal
from voice.errors import ConfigError, ScriptError
from voice.scripts.loader import load_scripts
from voice.understanding.library import ScriptLibrary

KINDS = ("partner_violence", "child_harmed", "postpartum", "depression")
LINES = {
    "partner_violence": "violence_line",
    "child_harmed": "child_line",
    "postpartum": "maternal_line",
    "depression": "crisis_line",
}
DEV = Path(__file__).parent / "data"

MEASURED = [
    # What main answered before issue 15, in brackets.
    ("my partner hits me", "partner_violence"),  # "Sorry, I didn't catch that."
    ("i'm scared of my husband", "partner_violence"),  # a reply about worry
    ("i think i have postpartum depression", "postpartum"),  # "I missed that, sorry."
    ("i think i'm depressed", "depression"),  # "it will move through."
]


def dialogue(library: ScriptLibrary, journal: Journal | None = None, **settings: str) -> Dialogue:
    return Dialogue(lambda: library.brain, Settings(**settings), journal, rng=random.Random(3))


@pytest.mark.parametrize(("text", "intent"), MEASURED)
def test_the_measured_sentences_get_the_matching_help(
    default_library: ScriptLibrary, text: str, intent: str
) -> None:
    reply = dialogue(default_library).hear(text)
    assert reply.intent == intent
    assert str(getattr(Settings(), LINES[intent])) in reply.text
    assert "emergency" in reply.text or intent in ("postpartum", "depression")


@pytest.mark.parametrize("intent", KINDS)
def test_every_reply_is_short_names_its_line_and_asks_nothing(
    default_library: ScriptLibrary, intent: str
) -> None:
    script = default_library.brain.scripts.intents[intent]
    assert script.follow_up is None and len(script.replies) >= 3
    line = str(getattr(Settings(), LINES[intent]))
    spoken = [r.replace("{" + LINES[intent] + "}", line) for r in script.replies]
    assert max(len(r.split()) for r in spoken) <= 30, spoken
    for reply in script.replies:
        assert "{" + LINES[intent] + "}" in reply and "?" not in reply
        assert "therapist" not in reply.lower()


def test_help_lines_of_the_config_are_filled_in(default_library: ScriptLibrary) -> None:
    lines = {
        "violence_line": "0808 2000 247",
        "child_line": "0808 800 5000",
        "maternal_line": "0800 111 222",
        "crisis_line": "116 123",
    }
    talk = dialogue(default_library, **lines)
    for text, intent in [
        ("my partner hits me", "partner_violence"),
        ("my stepdad touched my daughter", "child_harmed"),
        ("i can't bond with my baby", "postpartum"),
        ("i've been depressed for months", "depression"),
    ]:
        reply = talk.hear(text)
        assert reply.intent == intent and lines[LINES[intent]] in reply.text, reply.text
        assert "{" not in reply.text


def test_crisis_still_wins_over_a_disclosure(default_library: ScriptLibrary) -> None:
    matcher = default_library.brain.matcher
    assert matcher.match("my husband hits me and i want to die").intent == "crisis"
    assert matcher.match("i'm so depressed i want to kill myself").intent == "crisis"


def test_a_disclosure_outranks_an_everyday_match(default_library: ScriptLibrary) -> None:
    # Each of these read as an everyday intent (name_feeling) before priority terms.
    matcher = default_library.brain.matcher
    for text, intent in [
        ("i'm frightened to go home tonight", "partner_violence"),
        ("i'm so anxious since the birth that i can't sleep", "postpartum"),
        ("i've felt numb for weeks", "depression"),
    ]:
        assert matcher.match(text).intent == intent, text


@pytest.mark.parametrize(
    "text",
    [
        "he beat me at chess again",
        "she kicked me in her sleep",
        "i was bullied as a kid and worry about my son",
        "i've been feeling really low since the baby was born",  # name_feeling
        "how can i connect with my daughter",  # once a near spelling of "can not connect"
        "i hit my son today",  # the parent's own act: the crisis check's, not child_harmed
    ],
)
def test_everyday_sentences_are_not_disclosures(default_library: ScriptLibrary, text: str) -> None:
    assert default_library.brain.matcher.match(text).intent not in KINDS


def test_dev_set_disclosures_are_all_helped_and_nothing_else_is_one(
    default_library: ScriptLibrary,
) -> None:
    """Dev set C: every disclosure answered with its help; its other groups and dev_text's
    sentences taken for a disclosure at most 1% of the time."""
    matcher = default_library.brain.matcher
    dev = yaml.safe_load((DEV / "dev_paraphrases.yaml").read_text(encoding="utf-8"))
    wrong = [
        (kind, text, matcher.match(text).intent)
        for kind, texts in dev["disclosures"].items()
        for text in texts
        if matcher.match(text).intent != kind
    ]
    assert wrong == []
    text_set = yaml.safe_load((DEV / "dev_text.yaml").read_text(encoding="utf-8"))
    others = [
        str(e["text"] if isinstance(e, dict) else e)
        for group in (dev["intents"], text_set["intents"])
        for entries in group.values()
        for e in entries
    ]
    for group in ("crisis", "near_misses", "commands_with_feeling_words", "chatter"):
        others += map(str, dev[group])
    others += map(str, text_set["chatter"])
    taken = [t for t in others if matcher.match(t).intent in KINDS]
    assert len(taken) <= 0.01 * len(others), taken


def test_disclosures_are_journaled_by_intent_only(
    default_library: ScriptLibrary, tmp_path: Path
) -> None:
    journal = Journal(tmp_path / "journal.db")
    talk = dialogue(default_library, journal)
    talk.hear("my partner hits me")
    talk.close()
    journal.close()
    with sqlite3.connect(tmp_path / "journal.db") as db:
        dump = "\n".join(db.iterdump()).lower()
        assert db.execute("SELECT count(*) FROM transcript_turn").fetchone() == (0,)
    assert "partner_violence" in dump and "hits me" not in dump


def test_priority_terms_of_a_parent_script_outrank_its_everyday_intents(
    small_scripts: Path, write_scripts: WriteScripts
) -> None:
    user = write_scripts(
        {
            "gambling.yaml": """
                intent: gambling
                phrases: ["my partner gambles"]
                priority_terms: ["(gambled|gambling) away (the|our) (rent|savings)"]
                replies: ["That is a lot to carry. A gambling helpline can help you both."]
            """
        },
        folder="user",
    )
    library = ScriptLibrary([small_scripts, user])
    assert "gambled away the rent" in library.brain.scripts.priority_terms["gambling"]
    result = library.brain.matcher.match("i feel so guilty, he gambled away our savings again")
    assert result.intent == "gambling"


def test_priority_terms_problems_are_reported_on_their_line(
    small_scripts: Path, write_scripts: WriteScripts
) -> None:
    user = write_scripts(
        {
            "crisis.yaml": """
                intent: crisis
                phrases: ["i am in danger"]
                replies: ["Call {crisis_line}."]
                priority_terms: ["in danger"]
            """,
            "gambling.yaml": """
                intent: gambling
                phrases: ["my partner gambles"]
                priority_terms:
                  - "gambled away the rent"
                  - "(gambled away"
                replies: ["A gambling helpline can help: {gambling_line}."]
            """,
        },
        folder="user",
    )
    with pytest.raises(ScriptError) as caught:
        load_scripts([small_scripts, user])
    found = {(p.file.name, p.line): p.message for p in caught.value.problems}
    assert "write its terms under 'crisis_terms:'" in found[("crisis.yaml", 4)]
    assert ("gambling.yaml", 5) in found  # the template that does not parse
    assert "unknown placeholder {gambling_line}" in found[("gambling.yaml", 6)]


@pytest.mark.parametrize("name", ["violence_line", "maternal_line", "child_line", "crisis_line"])
def test_an_empty_help_line_is_refused(name: str, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=f"{name} cannot be empty"):
        check_setting(name, "  ")
    path = tmp_path / "config.toml"
    path.write_text(f'{name} = ""\n', encoding="utf-8")
    loaded = load_settings(path)
    assert getattr(loaded.settings, name) == getattr(Settings(), name)
    assert f"{name} cannot be empty" in str(loaded.problems[0])


def test_help_lines_have_us_defaults_are_shown_and_override(tmp_path: Path) -> None:
    defaults = Settings()
    assert "1-800-799-7233" in defaults.violence_line and "88788" in defaults.violence_line
    assert defaults.maternal_line.startswith("1-833-852-6262")
    assert defaults.child_line == "1-800-422-4453"
    shown = show(defaults)
    for name in ("violence_line", "maternal_line", "child_line"):
        assert f"{name} = " in shown
    path = tmp_path / "config.toml"
    path.write_text('violence_line = "0808 2000 247"\nchild_line = "0808 800 5000"\n', "utf-8")
    loaded = load_settings(path)
    assert loaded.problems == ()
    assert dataclasses.replace(
        defaults, violence_line="0808 2000 247", child_line="0808 800 5000"
    ) == (loaded.settings)


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        ("weeks now i have just felt grey and flat about everything", "depression"),
        ("my son comes back from his uncle and will not talk about it", "child_harmed"),
        ("ever since she was born i have felt like a stranger to her", "postpartum"),
    ],
)
def test_an_unsure_disclosure_still_gets_its_help(
    default_library: ScriptLibrary, sentence: str, kind: str
) -> None:
    """Said indirectly, a disclosure scores below the threshold: the help is still given."""
    assert default_library.brain.matcher.match(sentence).intent == kind
