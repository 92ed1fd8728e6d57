"""Barge-in benchmark: does Hearth stop when told, and only when told?

There is no sound card here, so the kitchen is simulated: after a spoken
check-in, the microphone hears Hearth's own reply as an echo (the reply through
a small synthetic room, as loud as the parent or louder because the speaker sits
next to the microphone), plus range-hood noise. In half the runs a parent says
"stop" over it. The strategies run on the same audio:

- echo cancelled (Hearth's, when the speexdsp bindings are installed): Speex's
  acoustic echo canceller (audio/echo.py) takes the reply being played out of
  the microphone, then a stop word counts if the reply does not contain it; the
  canceller is kept across runs (one kitchen, learned once), as on a device;
- reply words excluded (Hearth's without the bindings): the stop-word rule alone;
- naive (baseline, :class:`NaiveBargeIn`): any stop word heard while speaking
  interrupts, even one of the reply's own.

Self-triggers = runs without "stop" that were interrupted; missed stops = runs
with "stop" that were not; delay = end of "stop" to the interruption. An
interruption before the parent started saying "stop" counts as a missed stop.

What it showed: without cancellation nearly every "stop" is missed once the
echo is as loud as the parent (the endpointer hears one long utterance and the
recogniser transcribes the louder echo). Speex's canceller at first removed only
2-7 dB at the start of each reply: the microphone samples waiting for a whole
frame when a reply started were counted as the reply's first samples, so every
reply met the room it had learned shifted by up to a frame. With the reference
aligned (2026-12-01) the second reply onwards starts 15-25 dB down, and the canceller is
on in `hearth run`. A third strategy, streaming the microphone while Hearth
spoke through a grammar of the reply's own words plus the stop words, heard
most stops, but the echo alone turned into a stop word in half the quiet
replies; it was removed (its last figures are in docs/benchmarks.md).
"""

from __future__ import annotations

import random
import statistics
from dataclasses import dataclass
from typing import Any

import numpy as np

from audio.chunk import AudioChunk, concat, silence
from audio.echo import EchoCanceller
from voice.config import Settings
from voice.dialogue.engine import Dialogue
from voice.loop.barge_in import BargeInMonitor
from voice.loop.voice_loop import LoopEvent, Playback, StreamClock, VoiceLoop
from voice.paths import default_intents_dir
from voice.recognition.pocketsphinx import PocketSphinxRecognizer
from voice.speech.synthesizer import Synthesizer
from voice.understanding.library import ScriptLibrary
from voice.understanding.understander import Understander

from .corpus import kitchen_noise, rms, speak

OPENERS = (
    "i am so tired",
    "i feel so guilty",
    "give me a mantra",
    "i need a break",
    "i missed her first steps",
    "give me an idea for my son",
    "is this guilt or sadness",
    "who can i talk to",
)
KITCHEN = 0
"""One room for every run, as on a real counter (the canceller learns that room)."""
ROOM_GAIN = 0.4
"""Speaker to microphone, the same in every run: the microphone's gain is set once, so
that the echo of a full-scale reply seldom clips (a level that changed from run to run
would be a new room each time for an echo canceller)."""
STOP_AT_S = 1.5
"""When the parent says "stop", counted from the start of the reply."""
ECHO_OVER_PARENT_DB = (0.0, 6.0)
"""How much louder the echo is than the parent's voice at the microphone."""


class NaiveBargeIn(BargeInMonitor):
    """The baseline: a stop word interrupts Hearth even when its own reply says it."""

    def reply_words(self, text: str) -> frozenset[str]:
        return frozenset()


@dataclass(frozen=True)
class Outcome:
    """One run: was the reply interrupted, and how long after "stop" ended."""

    interrupted: bool
    delay_s: float | None


def room_echo(reply: AudioChunk, seed: int) -> np.ndarray:
    """The reply as the microphone hears it: direct sound, 40 ms later reflections, decay."""
    rng = np.random.default_rng(seed)
    n = int(0.25 * 16000)
    tail = rng.normal(0, 1, n) * np.exp(-np.arange(n) / (0.06 * 16000)) * 0.15
    response = np.zeros(n)
    response[0] = 1.0
    response[int(0.04 * 16000) :] += tail[: n - int(0.04 * 16000)]
    return ROOM_GAIN * np.convolve(reply.to_float()[:, 0], response)[: reply.frames + n]


def one_run(
    library: ScriptLibrary,
    recognizer: PocketSphinxRecognizer,
    synthesizer: Synthesizer,
    opener: str,
    stop: AudioChunk | None,
    echo_db: float,
    exclude: bool,
    seed: int,
    echo_canceller: EchoCanceller | None = None,
) -> Outcome:
    """Answer the opener, then feed the echo of Hearth's reply (with or without "stop").

    ``exclude``: the reply's own words are not taken as a barge-in (Hearth's rule);
    False is the naive baseline.
    """
    clock = StreamClock()
    played: list[AudioChunk] = []
    events: list[tuple[float, LoopEvent]] = []
    dialogue = Dialogue(lambda: library.brain, Settings(), clock=clock, rng=random.Random(seed))
    loop = VoiceLoop(
        Understander(recognizer, library, ("hey hearth",)),
        dialogue,
        synthesizer,
        Playback(played.append),
        clock,
        echo=echo_canceller,
        on_event=lambda e: events.append((clock.t, e)),
    )
    if not exclude:
        loop.barge_in = NaiveBargeIn(recognizer, "hey hearth", echo_canceller)
    loop.respond_to(opener)  # typed: what is measured is the reply's echo, not this
    if not played:
        raise RuntimeError("the opener was not answered; the benchmark needs a reply to echo")
    reply_start = clock.t
    echo = room_echo(played[-1].for_speech(), KITCHEN)
    mic = echo.copy()
    stop_end = stop_start = None
    if stop is not None:
        voice = stop.to_float()[:, 0]
        voice = voice * (rms(echo) / rms(voice)) / 10 ** (echo_db / 20)
        at = int(STOP_AT_S * 16000)
        mic[at : at + len(voice)] += voice[: max(0, len(mic) - at)]
        stop_start = reply_start + at / 16000
        stop_end = reply_start + (at + len(voice)) / 16000
    noise = kitchen_noise(len(mic) / 16000 + 0.1, seed)[: len(mic)]
    mic += noise * rms(echo) / rms(noise) / 10 ** (20 / 20)  # hood hum 20 dB under the echo
    np.clip(mic, -1.0, 1.0, out=mic)
    audio = concat([AudioChunk.from_float(mic.astype(np.float32), 16000), silence(1.0)])
    for chunk in audio.split(0.1):
        loop.feed(chunk)
    loop.finish()
    barge = [t for t, e in events if e.kind == "barge-in" and t >= (stop_start or reply_start)]
    if not barge:
        return Outcome(False, None)
    return Outcome(True, barge[0] - stop_end if stop_end is not None else None)


def run(quick: bool = False) -> dict[str, Any]:
    """Print self-triggers, missed stops and delay for both strategies."""
    library = ScriptLibrary([default_intents_dir()])
    recognizer = PocketSphinxRecognizer()
    synthesizer = Synthesizer()
    openers = OPENERS[:2] if quick else OPENERS[:6]
    stop_voices = ("en-us",) if quick else ("en-us", "en-gb", "en-us+f3")
    print(
        f"== barge-in: {len(openers)} replies echoed back; 'stop' said at {STOP_AT_S} s "
        f"by {len(stop_voices)} voices, echo 0 and 6 dB louder than the parent"
    )
    figures: dict[str, Any] = {}
    strategies = [(True, False, "reply words excluded"), (False, False, "naive (baseline)")]
    if EchoCanceller.available():
        strategies.insert(0, (True, True, "echo cancelled (speexdsp)"))
    else:
        print("(echo cancellation not measured: the speexdsp bindings are not installed)")
    for exclude, aec, name in strategies:
        # A device that has been talking already knows its room: the canceller is kept
        # across runs and warmed up on one reply first, as after Hearth's first answer.
        canceller = EchoCanceller() if aec else None
        if canceller is not None:
            one_run(
                library, recognizer, synthesizer, OPENERS[-1], None, 0.0, exclude, 99, canceller
            )
        self_triggers = 0
        stops: dict[float, list[Outcome]] = {db: [] for db in ECHO_OVER_PARENT_DB}
        for i, text in enumerate(openers):
            quiet = one_run(
                library, recognizer, synthesizer, text, None, 0.0, exclude, i, canceller
            )
            self_triggers += quiet.interrupted
            for j, voice in enumerate(stop_voices):
                stop = speak("stop", voice)
                for db in ECHO_OVER_PARENT_DB:
                    outcome = one_run(
                        library,
                        recognizer,
                        synthesizer,
                        text,
                        stop,
                        db,
                        exclude,
                        100 * i + j,
                        canceller,
                    )
                    stops[db].append(outcome)
        row: dict[str, Any] = {"self_triggers": self_triggers / len(openers)}
        parts = [f"self-triggers {self_triggers}/{len(openers)}"]
        for db, outcomes in stops.items():
            missed = sum(not o.interrupted for o in outcomes)
            delays = [o.delay_s for o in outcomes if o.delay_s is not None]
            median = statistics.median(delays) if delays else float("nan")
            row[f"missed_{db:g}dB"] = missed / len(outcomes)
            row[f"delay_{db:g}dB"] = median
            parts.append(
                f"echo +{db:g} dB: missed stops {missed}/{len(outcomes)}, "
                f"median delay {median:.2f} s"
            )
        figures[name] = row
        print(f"{name:22} " + "; ".join(parts))
    return figures
