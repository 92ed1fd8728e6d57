"""Shared fixtures: an isolated home, small script folders written into tmp_path, the
default scripts."""

from __future__ import annotations

import os
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from voice.paths import default_intents_dir
from voice.understanding.library import ScriptLibrary

FEELINGS = """
lists:
  feeling:
    guilty: {noun: guilt, words: [guilty, guilt, like a bad parent]}
    sad: {noun: sadness, words: [sad, down, heartbroken]}
    tired: {noun: tiredness, words: [tired, exhausted, worn out]}
rules:
  i_feel: "i [really] (feel|am feeling|am)"
"""

SMALL = {
    "lists/feelings.yaml": FEELINGS,
    "name_feeling.yaml": """
        intent: name_feeling
        phrases:
          - "<i_feel> [so] {feeling} [today]"
        replies:
          - "It sounds like you feel {feeling}."
        replies_by_feeling:
          guilty:
            - "Guilt is heavy to carry."
        follow_up:
          question: "Is it guilt, or is it sadness?"
          answers:
            guilty: guilt_check
            sad: comfort
            "no": comfort
            other: comfort
    """,
    "guilt_check.yaml": """
        intent: guilt_check
        phrases:
          - "is (this|it) guilt or sadness"
        replies:
          - "Guilt is for harm done on purpose."
    """,
    "comfort.yaml": """
        intent: comfort
        phrases:
          - "comfort me please"
        replies:
          - "Missing them shows how much you love them."
    """,
    "mantra.yaml": """
        intent: mantra
        phrases:
          - "give me a mantra"
          - "i need a mantra"
        replies:
          - "Good enough is enough."
          - "I am doing my best."
          - "Rest is not a reward."
    """,
    "crisis.yaml": """
        intent: crisis
        phrases:
          - "i do not want to live anymore"
        crisis_terms:
          - "kill myself"
          - "(hurt|harm) (my|the) baby"
        replies:
          - "You matter. Please call {crisis_line} now."
        unsure_replies:
          - "I may have misheard. If you might hurt yourself, call {crisis_line}."
    """,
    "yes.yaml": """
        intent: "yes"
        phrases: ["yes", "yeah", "sure"]
        replies: ["Okay."]
    """,
    "no.yaml": """
        intent: "no"
        phrases: ["no", "nope", "not really"]
        replies: ["Alright."]
    """,
    "repeat.yaml": """
        intent: repeat
        phrases: ["say that again", "repeat that"]
        action: repeat
    """,
    "stop.yaml": """
        intent: stop
        phrases: ["stop", "be quiet"]
        action: stop
    """,
    "goodbye.yaml": """
        intent: goodbye
        phrases: ["goodbye", "bye hearth", "that is all"]
        replies: ["Take care."]
        action: end
    """,
    "help.yaml": """
        intent: help
        phrases: ["help", "what can you do"]
        replies: ["Tell me how you feel."]
        action: help
    """,
    "journal_summary.yaml": """
        intent: journal_summary
        phrases: ["how have i been feeling [this week]"]
        replies: ["Your journal is empty."]
        action: journal_summary
    """,
}


WriteScripts = Callable[..., Path]

REPO = Path(__file__).resolve().parents[1]
TEST_CACHE = REPO / ".cache" / "test-home"
"""The tests' cache folder: never the real ``~/.cache/hearth``, but kept between runs (the
language models and the matcher take seconds to build; their keys cover what they depend on)."""


@pytest.fixture(scope="session", autouse=True)
def isolated_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Point HOME and the XDG folders away from the real home for the whole session, and
    forget any HEARTH_* setting of the shell: no test reads or writes the user's files."""
    home = tmp_path_factory.mktemp("home")
    with pytest.MonkeyPatch.context() as patch:
        for name in [n for n in os.environ if n.startswith("HEARTH_")]:
            patch.delenv(name)
        patch.setenv("HOME", str(home))
        patch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
        patch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
        patch.setenv("XDG_STATE_HOME", str(home / ".local" / "state"))
        patch.setenv("XDG_CACHE_HOME", str(os.environ.get("HEARTH_TEST_CACHE", TEST_CACHE)))
        yield home


@pytest.fixture
def write_scripts(tmp_path: Path) -> WriteScripts:
    """Write {relative path: YAML text} into a folder and return the folder."""

    def write(files: dict[str, str], folder: str = "scripts") -> Path:
        root = tmp_path / folder
        for name, text in files.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
        return root

    return write


@pytest.fixture
def small_scripts(write_scripts: WriteScripts) -> Path:
    """A small but complete script folder."""
    return write_scripts(SMALL)


@pytest.fixture(scope="session")
def default_library() -> ScriptLibrary:
    """The shipped default scripts, loaded once."""
    return ScriptLibrary([default_intents_dir()])
