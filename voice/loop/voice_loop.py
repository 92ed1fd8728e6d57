"""The voice loop: idle → wake → listen → understand → reply → (listen for the answer) → idle.

It runs on a stream of 16 kHz audio chunks, from a microphone or a WAV file,
and measures time by the audio it has heard, so a file behaves exactly as the
same sound would at the kitchen counter. Replies go to a :class:`Playback`:
the speaker, or a track written to a WAV file.

The stages: the :class:`Listener` finds utterances and decodes them as they
are said; while Hearth speaks, the :class:`BargeInMonitor` decides whether
one interrupts it; otherwise the :class:`WakeGate` decides whether it is meant
for Hearth; the :class:`TurnHandler` answers it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from audio.chunk import AudioChunk
from audio.echo import EchoCanceller
from voice.config import Settings
from voice.dialogue.engine import Dialogue, Reply
from voice.loop.barge_in import BargeInMonitor
from voice.loop.events import Events, LoopEvent, StreamClock
from voice.loop.listener import Listener, Utterance
from voice.loop.turns import Playback, TurnHandler
from voice.loop.wake_gate import Ignored, WakeGate, Woken
from voice.recognition.recognizer import RecognizerError
from voice.recognition.wake_model.detector import WakeDetector, for_phrase
from voice.speech.synthesizer import Synthesizer
from voice.understanding.understander import Understander

__all__ = ["LoopEvent", "LoopOptions", "Playback", "StreamClock", "VoiceLoop"]

log = logging.getLogger(__name__)

RELOAD_EVERY_S = 2.0


@dataclass(frozen=True)
class LoopOptions:
    """How the loop listens."""

    wake: str | None = "hey hearth"
    """The wake phrase; None listens to everything (useful for files of commands only)."""
    sensitivity: float = 0.5
    """Wake phrase sensitivity, 0..1: higher accepts rougher matches (more false wakes)."""
    trailing_silence_s: float = 0.4
    """Silence that ends an utterance."""
    spot_wake: bool = False
    """Also spot the wake phrase with the recogniser's keyword search."""
    wake_model: bool = False
    """Hear "hey hearth" with the trained wake model (see ``Settings.wake_model``)."""
    answer_window_s: float = Settings.answer_timeout_s
    """How long after a question (or the wake phrase alone) Hearth listens without it."""

    @classmethod
    def from_settings(cls, settings: Settings) -> LoopOptions:
        """The options ``config.toml`` and the command line chose."""
        return cls(
            wake=settings.wake or None,
            sensitivity=settings.sensitivity,
            trailing_silence_s=settings.trailing_silence_s,
            spot_wake=settings.wake_spotting,
            wake_model=settings.wake_model,
            # The dialogue waits this long for an answer; so does the wake gate.
            answer_window_s=settings.answer_timeout_s,
        )


def _wake_model(options: LoopOptions) -> WakeDetector | None:
    """The trained model for "hey hearth" when asked for; None for a phrase of the user's
    own (found by its words) or when keyword spotting was asked for."""
    if options.spot_wake or not options.wake_model:
        return None
    try:
        return for_phrase(options.wake, options.sensitivity)
    except RecognizerError as err:
        log.warning("%s; Hearth listens for the wake phrase in what it recognises instead", err)
        return None


class VoiceLoop:
    """Turns a stream of audio into spoken replies."""

    def __init__(
        self,
        understander: Understander,
        dialogue: Dialogue,
        synthesizer: Synthesizer,
        playback: Playback,
        clock: StreamClock,
        options: LoopOptions = LoopOptions(),
        *,
        echo: EchoCanceller | None = None,
        on_event: Callable[[LoopEvent], None] = lambda _e: None,
    ) -> None:
        """``echo``: cancels Hearth's own voice in the microphone's audio."""
        self.clock = clock
        self.understander = understander
        self.dialogue = dialogue
        self.playback = playback
        self.events = Events(clock, on_event)
        self.gate = WakeGate(
            understander,
            options.wake,
            options.sensitivity,
            options.spot_wake,
            options.answer_window_s,
        )
        # Keyword spotting decodes the finished utterance with its own search, so it
        # cannot share the decoder with an utterance being streamed.
        stream = not options.spot_wake
        wake = _wake_model(options)
        self.listener = Listener(
            understander, options.trailing_silence_s, stream, wake, self._woken
        )
        self.barge_in = BargeInMonitor(understander.recognizer, options.wake, echo)
        self.turns = TurnHandler(understander, dialogue, synthesizer, playback, self.events)
        self._next_reload = RELOAD_EVERY_S

    def feed(self, chunk: AudioChunk) -> None:
        """Process audio; replies are played as utterances end."""
        speech = self.barge_in.clean(chunk.for_speech())
        # Not while Hearth speaks: its own voice is no wake phrase.
        self.listener.screen = self.gate.needs_wake() and not self.barge_in.during(self.clock.t)
        for utterance in self.listener.feed(speech):
            self._utterance(utterance)
        self.clock.t += speech.seconds
        self._tick()

    def finish(self) -> None:
        """End of the stream: handle the last utterance and close the conversation."""
        for utterance in self.listener.flush():
            self._utterance(utterance)
        notice = self.dialogue.close()
        if notice:
            log.warning("%s", notice)

    def say(self, text: str) -> None:
        """Speak a notice now, outside the conversation ("stop" still interrupts it)."""
        audio = self.turns.say(text)
        if audio is not None:
            self.barge_in.speaking(text, audio, self.clock.t)

    def respond_to(self, text: str) -> None:
        """Answer ``text`` as if the parent had just said it (typed input, benchmarks)."""
        self._answer(self.dialogue.hear(text))

    def _utterance(self, utterance: Utterance) -> None:
        if self.barge_in.during(utterance.ended.start):
            overheard = self.barge_in.hear(utterance)
            if overheard.interrupts:
                self._interrupt(overheard.text)
            else:
                self.events("ignored", overheard.text)
            return
        admission = self.gate.admit(utterance)
        if isinstance(admission, Ignored):
            self.events("ignored", admission.text, timings=admission.timings)
            return
        woken = admission if isinstance(admission, Woken) else admission.woken
        if woken is not None and not woken.announced:
            self.events("wake", woken.text, timings=woken.timings)
        if isinstance(admission, Woken):
            self.turns.chime()
            self.gate.listen(self.clock.t)
            return
        heard = self.turns.understand(admission)
        text = self.gate.command(admission, heard.transcript.text)
        reply = self.turns.hear(text, heard.timings, heard.second_reading)
        if reply is not None:
            self._answer(reply)

    def _woken(self) -> None:
        """The wake model heard the phrase: said at once, the request is still being said."""
        self.events("wake", self.gate.wake or "", timings={})

    def _interrupt(self, text: str) -> None:
        self.playback.stop()
        self.barge_in.stopped(self.clock.t)
        self.events("barge-in", text)
        self._answer(self.dialogue.hear("stop"))

    def _answer(self, reply: Reply) -> None:
        audio = self.turns.answer(reply)
        if audio is not None:
            self.barge_in.speaking(reply.text, audio, self.clock.t)
        self.gate.after_reply(reply, self.clock.t, audio.seconds if audio is not None else 0.0)

    def _tick(self) -> None:
        now = self.clock.t
        self.turns.check_timeout()
        self.gate.tick(now)
        if now >= self._next_reload:
            self._next_reload = now + RELOAD_EVERY_S
            result = self.understander.library.reload_in_background()
            if result.reloaded:
                self.events("reload", "scripts reloaded")
            elif result.error is not None:
                self.events("reload", f"kept the last good scripts: {result.error}")
