"""The listener: finds utterances in the audio and decodes each one while it is said.

When an utterance ends only its last words are left to decode, so the reply
comes sooner than if the whole utterance were decoded after its end.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from audio.chunk import AudioChunk
from audio.endpoint import SpeechDetector, SpeechEnded, SpeechStarted
from voice.recognition.recognizer import Transcript
from voice.understanding.understander import Understander


@dataclass(frozen=True)
class Utterance:
    """One ended utterance."""

    ended: SpeechEnded
    """Its audio and stream times, from the speech detector."""
    streamed: Transcript | None
    """Its domain transcript, decoded as it was said; None when it was not streamed."""


class Listener:
    """Speech detector and streaming recogniser: 16 kHz audio in, ended utterances out."""

    def __init__(self, understander: Understander, trailing_silence_s: float, stream: bool) -> None:
        """``stream``: decode each utterance as it comes. Off when something else needs the
        decoder for the whole utterance first (keyword spotting of the wake phrase)."""
        self.understander = understander
        self.detector = SpeechDetector(trailing_silence_s=trailing_silence_s)
        self.stream = stream
        self._streaming = False
        """True while the utterance being said is decoded as it comes."""

    def feed(self, speech: AudioChunk) -> Iterator[Utterance]:
        """The utterances that ``speech`` ends, one at a time.

        Lazily: each is handled before the next one starts to be decoded, since handling
        it uses the same recogniser.
        """
        for event in self.detector.feed(speech):
            if isinstance(event, SpeechStarted):
                self._begin(event)
            elif isinstance(event, SpeechEnded):
                yield Utterance(event, self._end(event))
        if self._streaming:  # still speaking: decode what this chunk added
            self._more(self.detector.take_speech())

    def flush(self) -> Iterator[Utterance]:
        """End of the stream: the utterance still open, if any."""
        for event in self.detector.flush():
            if isinstance(event, SpeechEnded):
                yield Utterance(event, self._end(event))

    def _begin(self, event: SpeechStarted) -> None:
        """Start decoding the utterance that just began (pre-roll and first frames)."""
        if not self.stream:
            return
        self.understander.refresh()
        self.understander.recognizer.start()
        self._more(event.audio)
        self._streaming = True

    def _end(self, event: SpeechEnded) -> Transcript | None:
        """Decode what is left of the ended utterance; None when it was not streamed."""
        if not self._streaming:
            return None
        self._streaming = False
        self._more(event.rest)
        return self.understander.recognizer.finish()

    def _more(self, audio: AudioChunk) -> None:
        if audio.frames:
            self.understander.recognizer.feed(audio)
