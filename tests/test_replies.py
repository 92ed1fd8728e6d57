"""What Hearth says with the default scripts: commands are not feelings, guilt about
something done is met with repair, time away with sadness."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from voice.config import Settings
from voice.dialogue.engine import Dialogue
from voice.dialogue.journal import Journal
from voice.understanding.library import ScriptLibrary


def _dialogue(library: ScriptLibrary, journal: Journal | None = None) -> Dialogue:
    return Dialogue(lambda: library.brain, Settings(), journal, rng=random.Random(3))


@pytest.mark.parametrize("command", ["slow down", "turn it down"])
def test_a_command_after_how_are_you_feeling_changes_the_voice_and_names_no_feeling(
    command: str, default_library: ScriptLibrary, tmp_path: Path
) -> None:
    journal = Journal(tmp_path / "journal.db")
    d = _dialogue(default_library, journal)
    opened = d.hear("can we do a check in")
    assert opened.intent == "check_in" and opened.expects_answer
    reply = d.hear(command)
    assert reply.voice_change in ("slower", "softer"), reply
    assert "feeling" not in reply.slots
    d.close()
    [checkin] = journal.checkins()
    assert checkin.feelings == ()
