"""The voice loop: idle → wake → listen → understand → reply → (listen for the answer) → idle.

It runs on a stream of 16 kHz audio chunks, from a microphone or a WAV file,
and measures time by the audio it has heard, so a file behaves exactly as the
same sound would at the kitchen counter. Replies go to a ``play`` function: the
speaker, or a track written to a WAV file.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum

from rapidfuzz import fuzz

from audio.chunk import AudioChunk
from audio.earcons import listening_chime
from audio.echo import EchoCanceller
from audio.endpoint import SpeechDetector, SpeechEnded, SpeechStarted
from voice.dialogue.engine import Dialogue, Reply
from voice.recognition.recognizer import Transcript
from voice.speech.synthesizer import Synthesizer
from voice.text import normalize
from voice.understanding.understander import Understander

log = logging.getLogger(__name__)

RELOAD_EVERY_S = 2.0
MIN_COMMAND_S = 0.5
"""Less audio than this after the wake phrase is just its tail: listen for the request."""
STOP_WORDS = ("stop", "quiet", "enough", "shush", "hush")
"""Said while Hearth speaks, any of these interrupts it."""


def _after(audio: AudioChunk, seconds: float) -> AudioChunk:
    speech = audio.for_speech()
    start = min(len(speech.audio), int(seconds * speech.rate) * 2)
    return AudioChunk(speech.rate, 2, 1, speech.audio[start:])


class StreamClock:
    """Seconds of audio heard so far; the dialogue engine's clock in the loop."""

    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


class State(Enum):
    """Whether Hearth needs the wake phrase before it listens."""

    IDLE = "idle"
    LISTENING = "listening"


@dataclass(frozen=True)
class LoopEvent:
    """Something that happened, for the transcript and the log."""

    time: float
    """Stream time in seconds."""
    kind: str
    """``wake``, ``heard``, ``reply``, ``ignored``, ``barge-in``, ``closed``, ``reload``."""
    text: str = ""
    intent: str | None = None
    timings: dict[str, float] = field(default_factory=dict)


def strip_wake(text: str, wake: str, sensitivity: float = 0.5) -> str | None:
    """The words after the wake phrase, or None when the sentence does not start with it.

    ``sensitivity`` in 0..1: higher accepts rougher matches (more false wakes).
    """
    words = normalize(text).split()
    wake_words = normalize(wake).split()
    if not words or not wake_words:
        return None
    cutoff = 90.0 - 30.0 * sensitivity
    for size in (len(wake_words), len(wake_words) - 1, len(wake_words) + 1):
        if size < 1 or size > len(words):
            continue
        head = " ".join(words[:size])
        if fuzz.ratio(head, " ".join(wake_words)) >= cutoff:
            return " ".join(words[size:])
    return None


class VoiceLoop:
    """Turns a stream of audio into spoken replies."""

    def __init__(
        self,
        understander: Understander,
        dialogue: Dialogue,
        synthesizer: Synthesizer,
        play: Callable[[AudioChunk], object],
        clock: StreamClock,
        stop_playback: Callable[[], object] = lambda: None,
        *,
        wake: str | None = "hey hearth",
        sensitivity: float = 0.5,
        listen_s: float = 8.0,
        trailing_silence_s: float = 0.4,
        exclude_reply_words: bool = True,
        echo: EchoCanceller | None = None,
        spot_wake: bool = False,
        listen_over: bool = False,
        stream: bool = True,
        on_event: Callable[[LoopEvent], None] = lambda _e: None,
    ) -> None:
        """``wake=None`` listens to everything (useful for files of commands only).

        ``exclude_reply_words``: while Hearth speaks, a stop word that is also in the
        reply does not interrupt it (its own voice reaches the microphone). False is the
        naive baseline ``make bench`` compares against. ``echo``: takes the reply being
        played out of the microphone audio, so "stop" can be heard over it (what
        ``hearth run`` uses when the speexdsp bindings are installed).
        ``listen_over``: while Hearth speaks, stream the microphone through the
        recogniser's barge-in search (a grammar of the reply's words and the stop words)
        instead of reading whole utterances, which with a loud echo end only when the
        reply does. Off: it hears nearly every "stop" over a loud echo, but the echo alone
        also ends up as a stop word in about half the replies (``make bench``), and a
        reply cut off unasked is worse than one that has to finish.
        ``stream``: decode each utterance while it is being said, so that when it ends
        only the last words are left to decode; False decodes it whole after it ended
        (the baseline ``make bench`` measures reply latency against).
        """
        self.listen_over = listen_over
        # Keyword spotting decodes the finished utterance with its own search, so it
        # cannot share the decoder with an utterance being streamed.
        self.stream = stream and not spot_wake
        self.echo = echo
        # Keyword spotting found more wake phrases in noise (72% vs 53% at 10 dB) but woke
        # 84 times an hour on kitchen chatter; the domain transcript alone woke 0 times
        # (make bench, 2026-11-23). So it is off unless asked for.
        self.spot_wake = spot_wake
        self.exclude_reply_words = exclude_reply_words
        self.understander = understander
        self.dialogue = dialogue
        self.synthesizer = synthesizer
        self.play = play
        self.stop_playback = stop_playback
        self.clock = clock
        self.wake = wake
        self.sensitivity = sensitivity
        self.listen_s = listen_s
        self.on_event = on_event
        self.detector = SpeechDetector(trailing_silence_s=trailing_silence_s)
        self.state = State.IDLE if wake else State.LISTENING
        self._deadline = 0.0
        self._next_reload = RELOAD_EVERY_S
        self._speaking_until = 0.0
        self._speaking_words: frozenset[str] = frozenset()
        self._over = False
        """True while the recogniser streams the microphone for a barge-in."""
        self._streaming = False
        """True while the utterance being said is decoded as it comes."""

    def feed(self, chunk: AudioChunk) -> None:
        """Process audio; replies are played as utterances end."""
        speech = chunk.for_speech()
        if self.echo is not None:
            speech = self.echo.process(speech)
        for event in self.detector.feed(speech):
            if isinstance(event, SpeechStarted):
                self._begin_streaming(event)
            elif isinstance(event, SpeechEnded):
                self._utterance(event, self._end_streaming(event))
        if self._streaming:  # still speaking: decode what this chunk added
            self._stream_more(self.detector.take_speech())
        self.clock.t += speech.seconds
        if self._over:
            self._listen_over(speech)
        self._tick()

    def _listen_over(self, speech: AudioChunk) -> None:
        recognizer = self.understander.recognizer
        if self.clock.t - speech.seconds >= self._speaking_until:
            self._over = False
            recognizer.stop_listening_over()
            return
        heard = recognizer.heard_over(speech)
        if heard is not None:
            self._over = False
            recognizer.stop_listening_over()
            self._barge_in(heard)

    def _begin_streaming(self, event: SpeechStarted) -> None:
        """Start decoding the utterance that just began (pre-roll and first frames)."""
        if not self.stream or self._over:
            return
        self.understander.refresh()
        self.understander.recognizer.start()
        self._stream_more(event.audio)
        self._streaming = True

    def _end_streaming(self, event: SpeechEnded) -> Transcript | None:
        """Decode what is left of the ended utterance; None when it was not streamed."""
        if not self._streaming:
            return None
        self._streaming = False
        self._stream_more(event.rest)
        return self.understander.recognizer.finish()

    def _stream_more(self, audio: AudioChunk) -> None:
        if audio.frames:
            self.understander.recognizer.feed(audio)

    def finish(self) -> None:
        """End of the stream: handle the last utterance and close the conversation."""
        for event in self.detector.flush():
            if isinstance(event, SpeechEnded):
                self._utterance(event, self._end_streaming(event))
        notice = self.dialogue.close()
        if notice:
            log.warning("%s", notice)

    def _tick(self) -> None:
        now = self.clock.t
        closed = self.dialogue.check_timeout()
        if closed is not None:
            self._emit("closed", "no answer; the conversation closed quietly")
            if closed.notice:
                log.warning("%s", closed.notice)
        if self.wake and self.state is State.LISTENING and now > self._deadline:
            self.state = State.IDLE
        if now >= self._next_reload:
            self._next_reload = now + RELOAD_EVERY_S
            result = self.understander.library.reload_in_background()
            if result.reloaded:
                self._emit("reload", "scripts reloaded")
            elif result.error is not None:
                self._emit("reload", f"kept the last good scripts: {result.error}")

    def _utterance(self, event: SpeechEnded, streamed: Transcript | None) -> None:
        """An utterance ended; ``streamed``: its domain transcript, when decoded as it came."""
        if event.start < self._speaking_until:
            self._while_speaking(event, streamed)
            return
        audio = event.audio
        if self.state is State.IDLE and self.wake:
            end = (
                self.understander.recognizer.spot(audio, self.wake, self.sensitivity)
                if self.spot_wake
                else None
            )
            if end is None:
                self._wake_by_words(audio, streamed)
                return
            self._emit("wake", self.wake)
            audio = _after(audio, end)
            streamed = None  # the spotted wake phrase is cut off: decode what follows it
            if audio.seconds < MIN_COMMAND_S:
                self._start_listening()
                return
        heard = (
            self.understander.understand_transcript(streamed)
            if streamed is not None
            else self.understander.understand(audio)
        )
        text = heard.transcript.text
        if self.wake:
            text = strip_wake(text, self.wake, self.sensitivity) or text
        self._hear(text, heard.timings, heard.second_reading)

    def _wake_by_words(self, audio: AudioChunk, streamed: Transcript | None) -> None:
        """Idle, and keyword spotting missed: does the sentence start with the wake phrase?

        Only the domain model's text is needed to tell; the slower open-vocabulary pass
        runs only for sentences meant for Hearth, which keeps an idle kitchen cheap.
        """
        transcript = streamed if streamed is not None else self.understander.transcribe(audio)
        rest = strip_wake(transcript.text, self.wake or "", self.sensitivity)
        if rest is None:
            self._emit("ignored", transcript.text, timings={"asr_ms": transcript.asr_ms})
            return
        self._emit("wake", transcript.text, timings={"asr_ms": transcript.asr_ms})
        if not rest:
            self._start_listening()
            return
        heard = self.understander.understand_transcript(transcript)
        self._hear(
            strip_wake(heard.transcript.text, self.wake or "", self.sensitivity) or rest,
            heard.timings,
            heard.second_reading,
        )

    def _start_listening(self) -> None:
        self.play(listening_chime())
        self._listen(0.0)

    def _hear(self, text: str, timings: dict[str, float], unsure: bool = False) -> None:
        if not text:
            return
        self._emit("heard", text, timings=timings)
        self._answer(self.dialogue.hear(text, unsure=unsure))

    def _while_speaking(self, event: SpeechEnded, streamed: Transcript | None) -> None:
        """Barge-in: while Hearth talks, only "stop" or the wake phrase count.

        Without echo cancellation the microphone also hears Hearth itself, so words
        that are in the reply being spoken are never taken as a barge-in.
        """
        if self._over:
            return  # the barge-in search is already listening to this audio as it streams
        text = (
            streamed.text
            if streamed is not None
            else self.understander.recognizer.recognize(event.audio.split(0.1)).text
        )
        words = set(normalize(text).split())
        wake = set(normalize(self.wake).split()) if self.wake else set()
        stop_words = set(STOP_WORDS) - self._speaking_words
        if words & stop_words or (wake and self._wake_while_speaking(words, wake)):
            self._barge_in(text)
        else:
            self._emit("ignored", text)

    def _barge_in(self, text: str) -> None:
        self.stop_playback()
        if self.echo is not None:
            self.echo.stopped()
        self._speaking_until = self.clock.t
        self._emit("barge-in", text)
        self._answer(self.dialogue.hear("stop"))

    def _wake_while_speaking(self, words: set[str], wake: set[str]) -> bool:
        """The wake phrase said over Hearth's voice, confirmed by the open-vocabulary model.

        The domain model expects the wake phrase at the start of sentences, so Hearth's
        own echo often decodes as "hey hearth ..."; the general model must hear it too.
        """
        if not wake <= words or wake <= self._speaking_words:
            return False
        reread = getattr(self.understander.recognizer, "open_vocabulary", None)
        if not callable(reread):
            return True
        return wake <= set(normalize(reread().text).split())

    def respond_to(self, text: str) -> None:
        """Answer ``text`` as if the parent had just said it (typed input, benchmarks)."""
        self._answer(self.dialogue.hear(text))

    def _answer(self, reply: Reply) -> None:
        if reply.voice_change is not None:
            settings = self.synthesizer.settings
            self.synthesizer.settings = getattr(settings, reply.voice_change)()
        audio = self.synthesizer.synthesize(reply.text) if reply.text else None
        self._emit("reply", reply.text, reply.intent)
        if reply.notice:
            log.warning("%s", reply.notice)
        if audio is not None and audio.frames:
            self.play(audio)
            if self.echo is not None:
                self.echo.playing(audio)
            self._speaking_until = self.clock.t + audio.seconds
            self._speaking_words = (
                frozenset(normalize(reply.text).split())
                if self.exclude_reply_words
                else frozenset()
            )
            self.dialogue.wait_from(self.clock.t + audio.seconds)
            if self.listen_over:
                self._over = self.understander.recognizer.listen_over(
                    sorted(normalize(reply.text).split()), self._barge_in_targets()
                )
        if reply.ended or not reply.expects_answer:
            self.state = State.IDLE if self.wake else State.LISTENING
            return
        # The answer comes after Hearth has finished speaking.
        self._listen(audio.seconds if audio is not None else 0.0)

    def _barge_in_targets(self) -> list[str]:
        """Stop words, and the wake phrase, that the reply being spoken does not contain."""
        targets = [w for w in STOP_WORDS if w not in self._speaking_words]
        wake = normalize(self.wake).split() if self.wake else []
        if wake and not set(wake) <= self._speaking_words:
            targets.append(" ".join(wake))
        return targets

    def _listen(self, after_s: float) -> None:
        self.state = State.LISTENING
        self._deadline = self.clock.t + after_s + self.listen_s

    def _emit(
        self,
        kind: str,
        text: str,
        intent: str | None = None,
        timings: dict[str, float] | None = None,
    ) -> None:
        self.on_event(LoopEvent(self.clock.t, kind, text, intent, dict(timings or {})))
