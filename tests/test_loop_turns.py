"""Turn handling: understand -> dialogue -> reply -> synthesise -> play, and what it must survive."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from loop_kit import rig
from speech_kit import speak

from audio.chunk import silence
from voice.speech.synthesizer import Synthesizer, VoiceSettings
from voice.understanding.library import ScriptLibrary


def test_a_reply_that_cannot_be_spoken_is_shown_and_the_loop_goes_on(
    default_library: ScriptLibrary, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The synthesiser fails (its voice was uninstalled while Hearth ran): the crisis reply
    is still an event for the screen and the log, and the next sentence is heard."""
    synthesizer = Synthesizer()
    synthesizer.settings = VoiceSettings(voice="no-such-voice-installed")
    hearth = rig(default_library, synthesizer=synthesizer)
    with caplog.at_level(logging.ERROR):
        hearth.feed(speak("hey hearth i want to end my life", "en-us", tmp_path / "c.wav"))
        hearth.feed(silence(2.0))
        hearth.feed(speak("hey hearth i am so tired", "en-us", tmp_path / "t.wav"))
        hearth.feed(silence(2.0))
        hearth.loop.finish()
    replies = [e for e in hearth.events if e.kind == "reply"]
    assert replies and replies[0].intent == "crisis" and "988" in replies[0].text, hearth.events
    assert any(e.kind == "heard" and "tired" in e.text for e in hearth.events), hearth.events
    assert "no-such-voice-installed" in caplog.text
    assert not hearth.played
