"""Turn handling: understand what was said, answer it, speak the answer."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from audio.chunk import AudioChunk
from audio.earcons import listening_chime
from voice.dialogue.engine import Dialogue, Reply
from voice.loop.events import Events
from voice.loop.wake_gate import Request
from voice.speech.synthesizer import Synthesizer, TtsError
from voice.understanding.understander import Understander, Understanding

log = logging.getLogger(__name__)


def _nothing() -> None:
    return None


@dataclass(frozen=True)
class Playback:
    """Where Hearth's voice goes: the speaker, or a track written to a WAV file."""

    play: Callable[[AudioChunk], object]
    """Starts playing a chunk; returns at once, so the microphone keeps listening."""
    stop: Callable[[], object] = _nothing
    """Cuts short what is playing (a barge-in)."""


class TurnHandler:
    """One turn of the conversation: understand -> dialogue -> reply -> synthesise -> play."""

    def __init__(
        self,
        understander: Understander,
        dialogue: Dialogue,
        synthesizer: Synthesizer,
        playback: Playback,
        events: Events,
    ) -> None:
        self.understander = understander
        self.dialogue = dialogue
        self.synthesizer = synthesizer
        self.playback = playback
        self.events = events

    def understand(self, request: Request) -> Understanding:
        """The meaning of a request, from its transcript when it has been read already."""
        if request.transcript is not None:
            return self.understander.understand_transcript(request.transcript)
        return self.understander.understand(request.audio)

    def hear(self, text: str, timings: dict[str, float], unsure: bool = False) -> Reply | None:
        """The dialogue's reply to ``text``; None when nothing was said."""
        if not text:
            return None
        self.events("heard", text, timings=timings)
        return self.dialogue.hear(text, unsure=unsure)

    def answer(self, reply: Reply) -> AudioChunk | None:
        """Say the reply; returns the audio being played, None when nothing is."""
        if reply.voice_change is not None:
            settings = self.synthesizer.settings
            self.synthesizer.settings = getattr(settings, reply.voice_change)()
        audio = self._synthesize(reply.text)
        # Shown and logged even when it cannot be spoken: a crisis reply must reach the parent.
        self.events("reply", reply.text, reply.intent)
        if reply.notice:
            log.warning("%s", reply.notice)
        if audio is None:
            return None
        self.playback.play(audio)
        self.dialogue.wait_from(self.events.clock.t + audio.seconds)
        return audio

    def say(self, text: str) -> AudioChunk | None:
        """Speak a notice outside the conversation; returns the audio being played."""
        audio = self._synthesize(text)
        if audio is not None:
            self.playback.play(audio)
        return audio

    def chime(self) -> None:
        """Hearth heard its name and listens for the request."""
        self.playback.play(listening_chime())

    def check_timeout(self) -> None:
        """Close the conversation quietly when the parent has gone silent."""
        closed = self.dialogue.check_timeout()
        if closed is not None:
            self.events("closed", "no answer; the conversation closed quietly")
            if closed.notice:
                log.warning("%s", closed.notice)

    def _synthesize(self, text: str) -> AudioChunk | None:
        if not text:
            return None
        try:
            audio = self.synthesizer.synthesize(text)
        except TtsError as err:
            log.error("Hearth could not speak (the words are shown instead): %s", err)
            return None
        return audio if audio.frames else None
