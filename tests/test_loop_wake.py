"""The wake gate: the wake phrase by words and by keyword spotting, and the answer window."""

from __future__ import annotations

from pathlib import Path

from loop_kit import rig
from speech_kit import speak

from audio.chunk import silence
from voice.config import Settings
from voice.understanding.library import ScriptLibrary


def test_an_answer_is_heard_within_the_configured_answer_timeout(
    default_library: ScriptLibrary, tmp_path: Path
) -> None:
    """answer_timeout_s = 20: an answer 15 s after Hearth's question needs no wake phrase."""
    hearth = rig(default_library, Settings(answer_timeout_s=20.0))
    hearth.feed(speak("hey hearth i am so tired", "en-us", tmp_path / "t.wav"))
    hearth.feed(silence(1.0))
    question = next(e for e in hearth.events if e.kind == "reply")
    assert question.intent == "name_feeling" and hearth.dialogue.expects_answer, hearth.events
    asked_until = question.time + hearth.played[-1].seconds
    hearth.feed(silence(asked_until + 15.0 - hearth.clock.t))
    hearth.feed(speak("yes please", "en-us+f3", tmp_path / "y.wav"))
    hearth.feed(silence(2.0))
    hearth.loop.finish()
    assert ("heard", "yes please") in hearth.kinds(), hearth.events
    assert [e.intent for e in hearth.events if e.kind == "reply"][1:2] == ["mantra"]
