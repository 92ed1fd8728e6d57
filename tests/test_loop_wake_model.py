"""The trained wake model in the loop: screening first, the recogniser only after the wake."""

from __future__ import annotations

from pathlib import Path

import pytest
from loop_kit import rig
from speech_kit import speak

from audio.chunk import concat, silence
from voice.config import Settings
from voice.recognition.recognizer import Recognizer
from voice.understanding.library import ScriptLibrary


class _Counting:
    """The real recogniser, counting the utterances it was asked to decode."""

    def __init__(self, real: Recognizer) -> None:
        self.real = real
        self.started = 0

    def __getattr__(self, name: str) -> object:
        return getattr(self.real, name)

    def start(self) -> None:
        self.started += 1
        self.real.start()


@pytest.mark.slow
def test_the_wake_is_announced_while_the_request_is_still_said(
    default_library: ScriptLibrary, tmp_path: Path
) -> None:
    hearth = rig(default_library, Settings(wake_model=True))
    assert hearth.loop.listener.wake is not None
    hearth.feed(speak("hey hearth i am so tired", "en-us", tmp_path / "t.wav"))
    hearth.feed(silence(1.0))
    hearth.loop.finish()
    kinds = [e.kind for e in hearth.events]
    assert "wake" in kinds and "heard" in kinds, hearth.events
    assert kinds.index("wake") < kinds.index("heard")
    wake = next(e for e in hearth.events if e.kind == "wake")
    heard = next(e for e in hearth.events if e.kind == "heard")
    # Announced while "i am so tired" was still being said, not once the sentence had ended.
    assert wake.time < heard.time - 0.6, (wake, heard)
    assert "tired" in heard.text and "hearth" not in heard.text
    assert [e.intent for e in hearth.events if e.kind == "reply"] == ["name_feeling"]


@pytest.mark.slow
def test_chatter_in_an_idle_kitchen_is_never_decoded(
    default_library: ScriptLibrary, tmp_path: Path
) -> None:
    hearth = rig(default_library, Settings(wake_model=True))
    counting = _Counting(hearth.loop.understander.recognizer)
    hearth.loop.understander.recognizer = counting  # type: ignore[assignment]
    for i, text in enumerate(["put your shoes on, we're leaving", "who wants more peas?"]):
        hearth.feed(concat([speak(text, "en-gb-scotland", tmp_path / f"{i}.wav"), silence(1.0)]))
    hearth.loop.finish()
    assert counting.started == 0
    assert [e.kind for e in hearth.events] == ["ignored", "ignored"], hearth.events


def test_a_phrase_of_the_users_own_is_found_by_its_words(default_library: ScriptLibrary) -> None:
    assert (
        rig(default_library, Settings(wake="hello there", wake_model=True)).loop.listener.wake
        is None
    )
    # Keyword spotting, when asked for, replaces the model too.
    assert (
        rig(default_library, Settings(wake_spotting=True, wake_model=True)).loop.listener.wake
        is None
    )


@pytest.mark.slow
def test_no_wake_while_hearth_speaks(default_library: ScriptLibrary, tmp_path: Path) -> None:
    hearth = rig(default_library, Settings(wake_model=True))
    hearth.loop.say("Here is a long notice that keeps Hearth talking for a few seconds.")
    spoken = hearth.played[-1].seconds
    hearth.feed(concat([silence(0.5), speak("hey hearth", "en-us+f3", tmp_path / "p.wav")]))
    assert hearth.clock.t < spoken and not hearth.loop.listener.screen
    assert "wake" not in [e.kind for e in hearth.events], hearth.events


@pytest.mark.slow
def test_the_phrase_must_open_what_is_said(default_library: ScriptLibrary, tmp_path: Path) -> None:
    """After the first seconds of a long sentence the model no longer listens (SCREEN_S)."""
    hearth = rig(default_library, Settings(wake_model=True))
    said = "come on, we're going to be late for school again, where are your shoes, hey hearth"
    audio = speak(said, "en-us", tmp_path / "s.wav")
    assert audio.seconds > 6.0
    hearth.feed(concat([audio, silence(1.0)]))
    hearth.loop.finish()
    assert [e.kind for e in hearth.events] == ["ignored"], hearth.events
