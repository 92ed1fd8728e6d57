"""The listener: utterances found in the audio, each decoded while it is said."""

from __future__ import annotations

from pathlib import Path

import pytest
from speech_kit import speak

from audio.chunk import AudioChunk, concat, silence
from voice.loop.listener import Listener, Utterance
from voice.recognition.pocketsphinx import PocketSphinxRecognizer
from voice.understanding.library import ScriptLibrary
from voice.understanding.understander import Understander


@pytest.fixture(scope="module")
def understander(default_library: ScriptLibrary) -> Understander:
    return Understander(PocketSphinxRecognizer(), default_library, ("hey hearth",))


def _listen(listener: Listener, audio: AudioChunk) -> list[Utterance]:
    heard = [u for chunk in audio.split(0.1) for u in listener.feed(chunk)]
    return heard + list(listener.flush())


def test_silence_is_no_utterance(understander: Understander) -> None:
    assert _listen(Listener(understander, 0.4, stream=True), silence(3.0)) == []


def test_an_utterance_is_handed_over_with_its_streamed_transcript(
    understander: Understander, tmp_path: Path
) -> None:
    speech = speak("is it okay to take a break", "en-us", tmp_path / "s.wav")
    audio = concat([silence(1.0), speech, silence(1.0)])
    (utterance,) = _listen(Listener(understander, 0.4, stream=True), audio)
    assert 1.0 < utterance.ended.start < utterance.ended.end < audio.seconds
    assert utterance.streamed is not None
    assert utterance.streamed.text == "is it okay to take a break", utterance.streamed
    # The same audio decoded whole after its end reads the same.
    again = understander.recognizer.recognize(utterance.ended.audio.split(0.1))
    assert again.text == utterance.streamed.text


def test_not_streamed_the_utterance_comes_whole_and_undecoded(
    understander: Understander, tmp_path: Path
) -> None:
    speech = speak("can we talk", "en-us", tmp_path / "s.wav")
    (utterance,) = _listen(Listener(understander, 0.4, stream=False), speech)
    assert utterance.streamed is None
    assert utterance.ended.audio.seconds >= 0.5


def test_an_utterance_still_open_at_the_end_of_the_stream_is_flushed(
    understander: Understander, tmp_path: Path
) -> None:
    speech = speak("yes please", "en-us", tmp_path / "s.wav")
    (whole,) = _listen(Listener(understander, 0.4, stream=True), speech)
    # Cut just after the words: no trailing silence has ended the utterance yet.
    cut = AudioChunk(speech.rate, 2, 1, speech.audio[: int(whole.ended.end * speech.rate) * 2])
    listener = Listener(understander, 0.4, stream=True)
    assert [u for chunk in cut.split(0.1) for u in listener.feed(chunk)] == []
    (utterance,) = list(listener.flush())
    assert utterance.streamed is not None and utterance.streamed.text == "yes please"
