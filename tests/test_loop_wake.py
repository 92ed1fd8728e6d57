"""The wake gate: the wake phrase by words and by keyword spotting, and the answer window."""

from __future__ import annotations

from pathlib import Path

import pytest
from loop_kit import rig
from speech_kit import speak

from audio.chunk import concat, silence
from voice.config import Settings
from voice.dialogue.engine import Reply
from voice.loop.listener import Listener, Utterance
from voice.loop.wake_gate import Ignored, Request, State, WakeGate, Woken
from voice.recognition.pocketsphinx import PocketSphinxRecognizer
from voice.understanding.library import ScriptLibrary
from voice.understanding.understander import Understander


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


@pytest.fixture(scope="module")
def understander(default_library: ScriptLibrary) -> Understander:
    return Understander(PocketSphinxRecognizer(), default_library, ("hey hearth",))


def _gate(understander: Understander, wake: str | None = "hey hearth") -> WakeGate:
    return WakeGate(understander, wake, 0.5, spot_wake=False, answer_window_s=8.0)


def _utterance(understander: Understander, words: str, voice: str, tmp_path: Path) -> Utterance:
    audio = concat([speak(words, voice, tmp_path / "w.wav"), silence(0.5)])
    listener = Listener(understander, 0.4, stream=True)
    return next(u for chunk in audio.split(0.1) for u in listener.feed(chunk))


def test_the_words_after_the_wake_phrase(understander: Understander) -> None:
    gate = _gate(understander)
    assert gate.after_wake("hey heart i feel sad") == "i feel sad"
    assert gate.after_wake("put your shoes on") is None
    request = Request(silence(1.0), None)
    assert gate.command(request, "hey hearth i feel sad") == "i feel sad"
    assert gate.command(request, "i feel sad") == "i feel sad"
    # The domain transcript's words stand when the second reading lost the wake phrase.
    assert gate.command(Request(silence(1.0), None, rest="i am tired"), "a m tired") == "i am tired"
    assert _gate(understander, None).after_wake("hey hearth i feel sad") is None


def test_a_rendered_wake_phrase_wakes_hearth(understander: Understander, tmp_path: Path) -> None:
    gate = _gate(understander)
    alone = gate.admit(_utterance(understander, "hey hearth", "en-us+f3", tmp_path))
    assert isinstance(alone, Woken) and alone.text == "hey hearth", alone
    assert alone.timings["asr_ms"] > 0
    said = gate.admit(_utterance(understander, "hey hearth i am so tired", "en-us+f3", tmp_path))
    assert isinstance(said, Request) and said.woken is not None, said
    assert said.rest.startswith("i am so") and said.transcript is not None
    chatter = gate.admit(_utterance(understander, "put your shoes on", "en-us", tmp_path))
    assert isinstance(chatter, Ignored) and "shoes" in chatter.text


def test_listening_needs_no_wake_phrase_until_the_window_closes(
    understander: Understander, tmp_path: Path
) -> None:
    gate = _gate(understander)
    question = Reply("Would you like a phrase?", "name_feeling", expects_answer=True)
    gate.after_reply(question, now=10.0, spoken_s=3.0)
    assert gate.state is State.LISTENING
    utterance = _utterance(understander, "yes please", "en-us", tmp_path)
    admitted = gate.admit(utterance)
    assert isinstance(admitted, Request) and admitted.woken is None
    gate.tick(10.0 + 3.0 + 8.0)
    assert gate.state is State.LISTENING
    gate.tick(10.0 + 3.0 + 8.1)
    assert gate.state is State.IDLE
    assert isinstance(gate.admit(utterance), Ignored)
    # A reply that asks nothing leaves Hearth idle; without a wake phrase it always listens.
    gate.listen(now=30.0)
    gate.after_reply(Reply("Okay."), now=31.0, spoken_s=1.0)
    assert gate.state is State.IDLE
    no_wake = _gate(understander, None)
    no_wake.tick(1000.0)
    assert no_wake.state is State.LISTENING
