"""Text-to-speech through the real pyttsx3 + espeak-ng (no mocked engine).

Recognising the synthesised audio (the round trip) is tested elsewhere.
"""

from __future__ import annotations

import ctypes.util
import gc
import shutil
from pathlib import Path

import numpy as np
import pytest

from audio.chunk import AudioChunk
from voice.errors import HearthError
from voice.speech import synthesizer
from voice.speech.synthesizer import INSTALL_HINT, Synthesizer, TtsError, VoiceSettings

TEXT = "I'm here. How are you feeling?"

HAS_ESPEAK = bool(ctypes.util.find_library("espeak-ng") or shutil.which("espeak-ng"))
"""Checked independently of ``Synthesizer.available()``, so a broken check cannot skip everything."""

# `make test` installs espeak-ng; without it these tests fail with the hint rather than skip.
needs_espeak = pytest.mark.usefixtures("require_espeak")


@pytest.fixture
def require_espeak() -> None:
    if not HAS_ESPEAK:
        pytest.fail(f"espeak-ng is not installed on this machine ({INSTALL_HINT})")


def rms(chunk: AudioChunk) -> float:
    return float(np.sqrt(np.mean(np.square(chunk.to_float()))))


@pytest.fixture(scope="module")
def synth() -> Synthesizer:
    return Synthesizer()


# -- VoiceSettings (no engine) -------------------------------------------------


def test_default_settings() -> None:
    settings = VoiceSettings()
    assert (settings.voice, settings.rate, settings.volume) == ("", 165, 0.9)


def test_slower_and_faster_step_by_twenty_within_limits() -> None:
    settings = VoiceSettings()
    assert settings.slower().rate == 145
    assert settings.faster().rate == 185
    assert VoiceSettings(rate=110).slower().rate == 100
    assert VoiceSettings(rate=100).slower().rate == 100
    assert VoiceSettings(rate=250).faster().rate == 260
    assert VoiceSettings(rate=260).faster().rate == 260
    # Outside the range already: adjusting never goes the wrong way.
    assert VoiceSettings(rate=90).slower().rate == 90
    assert VoiceSettings(rate=300).faster().rate == 300
    assert VoiceSettings(rate=300).slower().rate == 280


def test_louder_and_softer_step_by_a_tenth_within_limits() -> None:
    settings = VoiceSettings()
    assert settings.louder().volume == 1.0
    assert settings.louder().louder().volume == 1.0
    assert settings.softer().volume == 0.8
    assert VoiceSettings(volume=0.7).louder().volume == 0.8
    assert VoiceSettings(volume=0.25).softer().volume == 0.2
    assert VoiceSettings(volume=0.2).softer().volume == 0.2
    assert VoiceSettings(volume=0.1).softer().volume == 0.1


def test_adjusting_keeps_the_other_fields() -> None:
    settings = VoiceSettings(voice="english", rate=150, volume=0.5)
    assert settings.slower() == VoiceSettings(voice="english", rate=130, volume=0.5)
    assert settings.louder() == VoiceSettings(voice="english", rate=150, volume=0.6)
    assert settings.slower() is not settings


@pytest.mark.parametrize("kwargs", [{"rate": 0}, {"rate": -5}, {"volume": 1.5}, {"volume": -0.1}])
def test_invalid_settings_are_refused(kwargs: dict[str, float]) -> None:
    with pytest.raises(TtsError):
        VoiceSettings(**kwargs)  # type: ignore[arg-type]


def test_tts_error_is_a_hearth_error() -> None:
    assert issubclass(TtsError, HearthError)


# -- engine start-up -----------------------------------------------------------


def test_unavailable_engine_says_how_to_fix_it() -> None:
    # pyttsx3.init(driverName) imports pyttsx3.drivers.<name>; this one does not exist.
    with pytest.raises(TtsError) as caught:
        Synthesizer(driver="no_such_tts_driver")
    assert "Install espeak-ng: sudo apt-get install espeak-ng" in str(caught.value)


@needs_espeak
def test_available_when_espeak_is_installed() -> None:
    assert Synthesizer.available()


# -- synthesis with the real engine -----------------------------------------------


@needs_espeak
def test_reply_is_plausible_16_bit_speech(synth: Synthesizer) -> None:
    chunk = synth.synthesize(TEXT)
    assert chunk.width == 2
    assert chunk.channels == 1
    assert chunk.rate == 22_050
    assert 0.8 <= chunk.seconds <= 5.0
    assert rms(chunk) > 0.01


@needs_espeak
@pytest.mark.parametrize("text", ["", "   ", "\n\t "])
def test_blank_text_gives_empty_audio(synth: Synthesizer, text: str) -> None:
    chunk = synth.synthesize(text)
    assert chunk.frames == 0
    assert chunk.width == 2


@needs_espeak
def test_slower_rate_gives_longer_audio() -> None:
    slow = Synthesizer(VoiceSettings(rate=120), cache_size=0).synthesize(TEXT)
    fast = Synthesizer(VoiceSettings(rate=220), cache_size=0).synthesize(TEXT)
    assert slow.seconds / fast.seconds > 1.15


@needs_espeak
def test_volume_changes_loudness() -> None:
    synth = Synthesizer(VoiceSettings(volume=1.0), cache_size=0)
    loud = synth.synthesize(TEXT)
    synth.settings = VoiceSettings(volume=0.3)
    soft = synth.synthesize(TEXT)
    assert rms(loud) > 1.5 * rms(soft) > 0


@needs_espeak
def test_cache_returns_the_same_chunk(synth: Synthesizer) -> None:
    first = synth.synthesize("Take a slow breath with me.")
    assert synth.synthesize("Take a slow breath with me.") is first


@needs_espeak
def test_changed_settings_use_a_different_cache_entry() -> None:
    synth = Synthesizer()
    normal = synth.synthesize(TEXT)
    synth.settings = synth.settings.slower()
    slower = synth.synthesize(TEXT)
    assert slower is not normal
    assert slower.seconds > normal.seconds
    synth.settings = synth.settings.faster()  # back to the first settings
    assert synth.synthesize(TEXT) is normal


@needs_espeak
def test_cache_forgets_the_least_recently_used() -> None:
    synth = Synthesizer(cache_size=2)
    one = synth.synthesize("One.")
    two = synth.synthesize("Two.")
    assert synth.synthesize("One.") is one  # "Two." is now the oldest
    synth.synthesize("Three.")
    assert synth.synthesize("One.") is one
    assert synth.synthesize("Two.") is not two


@needs_espeak
def test_cache_size_zero_renders_every_time() -> None:
    synth = Synthesizer(cache_size=0)
    assert synth.synthesize("Hello.") is not synth.synthesize("Hello.")


@needs_espeak
def test_many_renderings_in_a_row_all_produce_audio() -> None:
    synth = Synthesizer(cache_size=0)
    for i in range(12):
        synth.settings = VoiceSettings(rate=120 + 10 * i, volume=0.5 + 0.04 * i)
        assert synth.synthesize(f"Reply number {i}.").frames > 0


@needs_espeak
def test_two_synthesizers_share_the_engine_safely() -> None:
    first, second = Synthesizer(cache_size=0), Synthesizer(VoiceSettings(rate=200), cache_size=0)
    for _ in range(3):
        assert first.synthesize("From the first.").frames > 0
        assert second.synthesize("From the second.").frames > 0


@needs_espeak
def test_another_pyttsx3_engine_in_the_process_does_not_break_synthesis() -> None:
    from pyttsx3.engine import Engine  # type: ignore[import-untyped]

    synth = Synthesizer(cache_size=0)
    assert synth.synthesize("Before.").frames > 0
    other = Engine()  # takes espeak-ng's single audio callback for itself
    assert synth.synthesize("While another engine exists.").frames > 0
    del other
    gc.collect()  # a discarded engine clears the callback
    assert synth.synthesize("After it is gone.").frames > 0


@needs_espeak
def test_lost_callback_times_out_instead_of_hanging(monkeypatch: pytest.MonkeyPatch) -> None:
    from pyttsx3.engine import Engine

    synth = Synthesizer(cache_size=0, timeout=0.5)
    synth.synthesize("Warm up.")
    monkeypatch.setattr(synthesizer, "_reclaim_callback", lambda engine: None)
    other = Engine()
    with pytest.raises(TtsError, match="did not finish"):
        synth.synthesize("This never finishes.")
    del other
    monkeypatch.undo()
    assert synth.synthesize("Working again.").frames > 0


@needs_espeak
def test_synthesis_prints_nothing(synth: Synthesizer, capsys: pytest.CaptureFixture[str]) -> None:
    synth.synthesize("Nothing on standard output, please.")
    assert capsys.readouterr().out == ""


# -- voices ----------------------------------------------------------------------


@needs_espeak
def test_voices_lists_ids_and_names(synth: Synthesizer) -> None:
    voices = synth.voices()
    assert voices
    assert all(isinstance(vid, str) and isinstance(name, str) for vid, name in voices)
    assert any("english" in name.lower() for _, name in voices)


@needs_espeak
def test_voice_by_id_and_by_name_substring(synth: Synthesizer) -> None:
    vid, name = next(v for v in synth.voices() if "english" in v[1].lower())
    by_id = Synthesizer(VoiceSettings(voice=vid), cache_size=0).synthesize(TEXT)
    by_name = Synthesizer(VoiceSettings(voice=name.upper()), cache_size=0).synthesize(TEXT)
    assert by_id.frames > 0
    assert by_name.frames > 0


@needs_espeak
def test_missing_voice_lists_available_voices(synth: Synthesizer) -> None:
    with pytest.raises(TtsError) as caught:
        Synthesizer(VoiceSettings(voice="no-such-voice-zz9"))
    message = str(caught.value)
    assert "no-such-voice-zz9" in message
    assert any(name in message for _, name in synth.voices())


@needs_espeak
def test_missing_voice_set_at_runtime_fails_on_synthesis() -> None:
    synth = Synthesizer()
    synth.settings = VoiceSettings(voice="no-such-voice-zz9")
    with pytest.raises(TtsError, match="no voice matches"):
        synth.synthesize(TEXT)


# -- retry -------------------------------------------------------------------------


@needs_espeak
def test_empty_output_is_retried_once(monkeypatch: pytest.MonkeyPatch) -> None:
    # espeak-ng always writes audio, so the reading side is made to see one empty file;
    # the engine itself still renders both times.
    real_read = synthesizer._read_wav
    reads: list[Path] = []

    def first_read_empty(path: Path) -> AudioChunk | None:
        reads.append(path)
        return AudioChunk(22_050, 2, 1, b"") if len(reads) == 1 else real_read(path)

    monkeypatch.setattr(synthesizer, "_read_wav", first_read_empty)
    chunk = Synthesizer(cache_size=0).synthesize(TEXT)
    assert len(reads) == 2
    assert chunk.frames > 0


@needs_espeak
def test_output_missing_twice_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    reads: list[Path] = []

    def always_missing(path: Path) -> AudioChunk | None:
        reads.append(path)
        return None

    monkeypatch.setattr(synthesizer, "_read_wav", always_missing)
    with pytest.raises(TtsError, match="wrote no audio"):
        Synthesizer(cache_size=0).synthesize(TEXT)
    assert len(reads) == 2
