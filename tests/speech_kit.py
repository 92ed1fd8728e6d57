"""Speech for tests: espeak-ng renders what the parent says; a recogniser hears Hearth back."""

from __future__ import annotations

from pathlib import Path

from audio.chunk import AudioChunk, concat, silence
from tools.espeak import spoken
from voice.recognition.recognizer import Recognizer
from voice.text import normalize


def speak(text: str, voice: str, path: Path) -> AudioChunk:
    """espeak-ng speech, padded with silence as a microphone would hear it."""
    return spoken(text, voice, path)


def words_heard_back(reply_text: str, audio: AudioChunk, reader: Recognizer) -> set[str]:
    """The reply's longer words (4+ letters) that the open-vocabulary recogniser hears in ``audio``."""
    heard = set(
        reader.recognize(concat([silence(0.3), audio.for_speech(), silence(0.5)])).text.split()
    )
    return heard & {w for w in normalize(reply_text).split() if len(w) >= 4}
