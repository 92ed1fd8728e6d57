"""Soak: hours of kitchen audio with check-ins through the voice loop, faster than real time.

A device on a counter runs for weeks, so what matters is that nothing piles up:
memory (RSS) and open file descriptors are sampled as the stream goes on and
must stay flat (within 5% after warm-up). The stream is built minute by minute,
deterministically: range-hood hum and clatter throughout, kitchen chatter every
other minute, a spoken check-in (wake phrase, feeling, answer to the follow-up,
goodbye) every five minutes. The loop is the real one: PocketSphinx, matcher,
dialogue, espeak-ng replies, and a real SQLite journal in a temporary folder.
"""

from __future__ import annotations

import os
import random
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from audio.chunk import AudioChunk, concat, silence
from voice.config import Settings
from voice.dialogue.engine import Dialogue
from voice.dialogue.journal import Journal
from voice.loop.voice_loop import Playback, StreamClock, VoiceLoop
from voice.paths import default_intents_dir
from voice.recognition.pocketsphinx import PocketSphinxRecognizer
from voice.speech.synthesizer import Synthesizer
from voice.understanding.library import ScriptLibrary
from voice.understanding.understander import Understander

from .corpus import VOICES, kitchen_noise, rms, speak
from .matcher_bench import load_dev_set

CHECK_IN = (
    ("en-us+f3", "hey hearth i feel exhausted", 14.0),
    ("en-us+f3", "yes please", 10.0),
    ("en-us+f3", "hey hearth thank you goodbye", 6.0),
)
CHECK_IN_EVERY_MIN = 5
SAMPLE_EVERY_MIN = 5
WARM_UP_MIN = 10
NOISE_RMS = 0.01
"""About -40 dBFS: a hood running in the background, well under speech (about -20 dBFS)."""
FLAT = 0.05


@dataclass(frozen=True)
class Sample:
    """Where the process stood after ``minute`` minutes of audio."""

    minute: int
    wall_s: float
    rss_mb: float
    fds: int
    checkins: int


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status (the soak needs Linux)")


def _fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def kitchen_minutes(
    minutes: int, chatter: list[str], check_ins: bool = True
) -> Iterator[AudioChunk]:
    """One minute of kitchen audio at a time, with chatter and check-ins laid over it.

    Without check-ins (false-wake measurements) two chatter lines fall in every minute,
    spoken by the corpus voices in turn; with them, one every other minute.
    """
    for minute in range(minutes):
        bed = kitchen_noise(60.0, seed=minute)
        bed *= NOISE_RMS / rms(bed)
        spoken: list[AudioChunk] = []
        if check_ins and minute % CHECK_IN_EVERY_MIN == 1:
            for voice, text, pause in CHECK_IN:
                spoken += [speak(text, voice), silence(pause)]
        elif not check_ins or minute % 2 == 0:
            for k in range(1 if check_ins else 2):
                line = (2 * minute + k) % len(chatter)
                spoken += [speak(chatter[line], VOICES[line % len(VOICES)]), silence(8.0)]
        if spoken:
            speech = concat(spoken).to_float()[:, 0]
            at = 5 * 16000
            bed[at : at + len(speech)] += speech[: len(bed) - at]
        bed /= max(1.0, float(np.abs(bed).max()))
        yield AudioChunk.from_float(bed.astype(np.float32), 16000)


def run(quick: bool = False) -> dict[str, Any]:
    """Push the stream through the loop; print RSS and descriptors over time."""
    minutes = 15 if quick else 180
    chatter = [item.text for item in load_dev_set() if item.intent is None]
    library = ScriptLibrary([default_intents_dir()])
    clock = StreamClock()
    played = [0]
    samples: list[Sample] = []
    print(
        f"== soak: {minutes} min of kitchen audio, a check-in every {CHECK_IN_EVERY_MIN} min, "
        "through the real loop as fast as it goes"
    )
    with tempfile.TemporaryDirectory(prefix="hearth-soak-") as tmp:
        journal = Journal(Path(tmp) / "journal.db")
        dialogue = Dialogue(
            lambda: library.brain, Settings(), journal, clock=clock, rng=random.Random(7)
        )
        loop = VoiceLoop(
            Understander(PocketSphinxRecognizer(), library, ("hey hearth",)),
            dialogue,
            Synthesizer(),
            Playback(lambda chunk: played.__setitem__(0, played[0] + 1)),
            clock,
        )
        began = time.perf_counter()
        for minute, block in enumerate(kitchen_minutes(minutes, chatter), start=1):
            for chunk in block.split(0.1):
                loop.feed(chunk)
            if minute % SAMPLE_EVERY_MIN == 0:
                sample = Sample(
                    minute, time.perf_counter() - began, _rss_mb(), _fds(), len(journal.checkins())
                )
                samples.append(sample)
                print(
                    f"  {sample.minute:3d} min  wall {sample.wall_s:6.1f} s  RSS {sample.rss_mb:6.1f} MB"
                    f"  fds {sample.fds:3d}  check-ins {sample.checkins:3d}"
                )
        loop.finish()
        journal.close()
    said = len(range(1, minutes, CHECK_IN_EVERY_MIN))
    settled = [s for s in samples if s.minute >= WARM_UP_MIN]
    rss_growth = settled[-1].rss_mb / settled[0].rss_mb - 1
    fd_growth = settled[-1].fds / settled[0].fds - 1
    speed = minutes * 60 / samples[-1].wall_s
    print(
        f"  after warm-up ({WARM_UP_MIN} min): RSS {rss_growth:+.1%}, descriptors {fd_growth:+.1%} "
        f"(flat means within {FLAT:.0%}); {speed:.0f}x real time; "
        f"check-ins journalled {samples[-1].checkins} of {said} said; {played[0]} replies played"
    )
    return {
        "minutes": minutes,
        "samples": samples,
        "rss_growth": rss_growth,
        "fd_growth": fd_growth,
        "flat": abs(rss_growth) <= FLAT and abs(fd_growth) <= FLAT,
        "speed": speed,
        "checkins": samples[-1].checkins,
        "checkins_said": said,
    }
