"""Turn handling: understand -> dialogue -> reply -> synthesise -> play, and what it must survive."""

from __future__ import annotations

import logging
import random
from pathlib import Path

import pytest
from loop_kit import rig
from speech_kit import speak

from audio.chunk import AudioChunk, concat, silence
from voice.config import Settings
from voice.dialogue.engine import Dialogue
from voice.loop.events import Events, LoopEvent, StreamClock
from voice.loop.turns import Playback, TurnHandler
from voice.loop.wake_gate import Request
from voice.recognition.pocketsphinx import PocketSphinxRecognizer
from voice.speech.synthesizer import Synthesizer, VoiceSettings
from voice.understanding.library import ScriptLibrary
from voice.understanding.understander import Understander


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


def _turns(
    library: ScriptLibrary, played: list[AudioChunk], events: list[LoopEvent]
) -> TurnHandler:
    clock = StreamClock()
    dialogue = Dialogue(lambda: library.brain, Settings(), clock=clock, rng=random.Random(1))
    understander = Understander(PocketSphinxRecognizer(), library, ("hey hearth",))
    return TurnHandler(
        understander, dialogue, Synthesizer(), Playback(played.append), Events(clock, events.append)
    )


def test_a_turn_is_understood_answered_and_spoken(
    default_library: ScriptLibrary, tmp_path: Path
) -> None:
    played: list[AudioChunk] = []
    events: list[LoopEvent] = []
    turns = _turns(default_library, played, events)
    heard = turns.understand(Request(speak("i am so tired", "en-us", tmp_path / "t.wav"), None))
    assert heard.transcript.text == "i am so tired"
    reply = turns.hear(heard.transcript.text, heard.timings)
    assert reply is not None and reply.intent == "name_feeling" and reply.expects_answer
    spoken = turns.answer(reply)
    assert spoken is not None and played == [spoken] and spoken.seconds > 1.0
    assert [(e.kind, e.intent) for e in events] == [("heard", None), ("reply", "name_feeling")]
    # Nothing said, nothing answered.
    assert turns.hear("", {}) is None and len(events) == 2


def test_asked_to_slow_down_the_voice_changes(default_library: ScriptLibrary) -> None:
    played: list[AudioChunk] = []
    turns = _turns(default_library, played, [])
    before = turns.synthesizer.settings.rate
    reply = turns.hear("can you speak slower", {})
    assert reply is not None and reply.voice_change == "slower", reply
    turns.answer(reply)
    assert turns.synthesizer.settings.rate < before


def test_a_notice_said_at_start_up_can_be_interrupted(
    default_library: ScriptLibrary, tmp_path: Path
) -> None:
    """``say``: spoken now, outside the conversation; "stop" over it cuts it off."""
    hearth = rig(default_library)
    hearth.loop.say("Two of your scripts were left out; run hearth check to see why.")
    assert len(hearth.played) == 1 and not hearth.dialogue.active
    assert hearth.loop.barge_in.during(0.5)
    hearth.feed(concat([silence(0.5), speak("stop", "en-us", tmp_path / "s.wav")]))
    hearth.feed(silence(1.0))
    assert [e.kind for e in hearth.events][:1] == ["barge-in"], hearth.events
