"""A neural second opinion: a domain reading counts only where an open reading of the sound agrees.

The domain engine (PocketSphinx or Vosk with the model built from the scripts)
is accurate on what parents say to Hearth, but maps any sound onto those words:
in kitchen noise "the water is boiling" came out as "want to hit my son". A
neural open-vocabulary reading of the same audio (faster-whisper tiny.en, see
``whisper_model``) hears what was said without knowing the scripts. So:

* the two readings agree (most of the domain reading's words are in the neural
  one): the domain reading, which knows the scripts' words best;
* they do not: the neural reading, which then goes to the matcher like any free
  speech (chatter is not for Hearth, a paraphrase still finds its intent), the
  domain reading kept as ``unsupported``;
* the crisis re-read counts only where the neural reading backs it as well, and a
  crisis the neural reading heard reaches the matcher whatever the domain read;
* free speech (``open_vocabulary``) is the neural reading, already made.

Works over any ``Recognizer``: it is one through the same contract.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np

from audio.chunk import AudioChunk
from voice.recognition.recognizer import Feature, Recognizer, Transcript
from voice.recognition.whisper_model import WhisperReader
from voice.text import normalize

AGREE = 0.5
"""Share of a reading's words that the neural reading must contain for the two to agree.
Measured on tuned voices only (espeak-ng:en-us, flite:slt and rms, Festival's diphone voice;
18 requests and 24 chatter lines each clean and at 10 dB, none of them the benchmark's):
0.5 gave 29 of 36 intents and 1 of 48 chatter lines taken; 0.6 to 1.0 (the neural reading
nearly always) 27-28 and 1-3, also with the share counted both ways."""


def agreement(reading: str, neural: str) -> float:
    """Share of ``reading``'s words (normalised) that are in ``neural``; 1.0 for no words."""
    words = normalize(reading).split()
    heard = set(normalize(neural).split())
    return sum(w in heard for w in words) / len(words) if words else 1.0


class SecondOpinion(Recognizer):
    """``primary``'s readings, each checked against ``reader``'s reading of the same sound."""

    def __init__(self, primary: Recognizer, reader: WhisperReader) -> None:
        """``primary``: the domain engine; ``reader``: the neural open-vocabulary reader."""
        self.primary = primary
        self.reader = reader
        self.name = f"{primary.name}+whisper"
        self.features = primary.features | {Feature.OPEN_VOCABULARY, Feature.SECOND_OPINION}
        self._samples: list[np.ndarray] = []
        self._neural: Transcript | None = None

    def set_phrases(self, sentences: Sequence[str]) -> None:
        """The domain engine's phrases (the neural reader stays open)."""
        self.primary.set_phrases(sentences)

    def set_watch_phrases(self, sentences: Sequence[str]) -> None:
        """The domain engine's crisis sentences."""
        self.primary.set_watch_phrases(sentences)

    def start(self) -> None:
        """Begin an utterance."""
        self._samples = []
        self._neural = None
        self.primary.start()

    def feed(self, chunk: AudioChunk) -> str:
        """Decode more audio with the domain engine (the neural one reads at the end)."""
        self._samples.append(chunk.for_speech().to_float()[:, 0])
        return self.primary.feed(chunk)

    def finish(self) -> Transcript:
        """The domain reading where the neural reading agrees, else the neural reading."""
        domain = self.primary.finish()
        audio = np.concatenate(self._samples) if self._samples else np.zeros(0, np.float32)
        neural = self._neural = self.reader.read(audio)
        spent = domain.asr_ms + neural.asr_ms
        if agreement(domain.text, neural.text) >= AGREE:
            return dataclasses.replace(domain, asr_ms=spent)
        return dataclasses.replace(neural, asr_ms=spent, unsupported=domain.text)

    def open_vocabulary(self) -> Transcript | None:
        """The neural reading of the last utterance (made already: no time spent)."""
        if self._neural is None:
            return None
        return dataclasses.replace(self._neural, asr_ms=0.0)

    def watch(self) -> Transcript | None:
        """The domain engine's crisis re-read, empty unless the neural reading backs it."""
        watched = self.primary.watch()
        if watched is None or not watched.text or self._neural is None:
            return watched
        if agreement(watched.text, self._neural.text) >= AGREE:
            return watched
        return dataclasses.replace(watched, text="", confidence=0.0, unsupported=watched.text)

    def spot(self, audio: AudioChunk, phrase: str, sensitivity: float) -> float | None:
        """The domain engine's keyword spotting."""
        return self.primary.spot(audio, phrase, sensitivity)
