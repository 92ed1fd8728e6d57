"""Trailing silence: how long a pause must last before Hearth takes the turn as finished.

A short trailing silence answers sooner; a long one lets a parent pause in the middle
of a sentence ("i feel ... so guilty") without being cut off. For each setting the
speech detector alone (``audio/endpoint.py``, no recogniser) runs over dev sentences
said by the corpus voices, clean and with kitchen noise at 10 dB:

* end delay: the end of the speech (last sample above -40 dBFS of the clean rendering)
  to the moment the detector decides the utterance is over (p50 and p95), which is
  the floor under Hearth's reply latency;
* cut off: the same sentences with one silent pause of 0.3 s or 0.5 s put between their
  two halves (a hesitation); the share the detector splits into two utterances;
* split unprompted: sentences with no pause put in that still come out as more than one
  utterance (noise, or the voice's own gaps between words).

The default (0.4 s) is the baseline each row is compared with.
"""

from __future__ import annotations

import statistics
from typing import Any

import numpy as np

from audio.chunk import AudioChunk, concat, silence
from audio.endpoint import SpeechDetector, SpeechEnded

from .corpus import QUICK_VOICES, VOICES, Voice, in_condition, speak
from .matcher_bench import load_dev_set

SETTINGS_S = (0.25, 0.3, 0.4, 0.5, 0.6)
BASELINE_S = 0.4
PAUSES_S = (0.3, 0.5)
CONDITIONS = ("clean", "10 dB")
LOUD = 0.01
"""-40 dBFS: what counts as speech when finding where it ends."""


def _trimmed(audio: AudioChunk) -> AudioChunk:
    """The audio without its quiet lead-in and tail."""
    loud = np.flatnonzero(np.abs(audio.to_float()[:, 0]) > LOUD)
    if not loud.size:
        return audio.slice_frames(0, 0)
    return audio.slice_frames(int(loud[0]), int(loud[-1]) + 1)


def _sentence(text: str, voice: Voice, pause_s: float | None) -> tuple[AudioChunk, float]:
    """Silence, the sentence (its halves ``pause_s`` apart), silence; and where speech ends."""
    words = text.split()
    if pause_s is None:
        parts = [_trimmed(speak(text, voice))]
    else:
        half = len(words) // 2
        first = _trimmed(speak(" ".join(words[:half]), voice))
        parts = [first, silence(pause_s), _trimmed(speak(" ".join(words[half:]), voice))]
    speech = concat(parts)
    return concat([silence(0.5), speech, silence(1.5)]), 0.5 + speech.seconds


def _utterances(audio: AudioChunk, trailing_s: float) -> list[float]:
    """The moments (stream seconds) at which the detector ended an utterance."""
    detector = SpeechDetector(trailing_silence_s=trailing_s)
    ends: list[float] = []
    for chunk in audio.split(0.1):
        for event in detector.feed(chunk):
            if isinstance(event, SpeechEnded):
                ends.append(event.audio_start + event.audio.seconds)
    ends += [
        e.audio_start + e.audio.seconds for e in detector.flush() if isinstance(e, SpeechEnded)
    ]
    return ends


def _p95(values: list[float]) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


def run(quick: bool = False) -> dict[str, Any]:
    """Print, per trailing silence and condition, the end delay and the cut-offs."""
    voices = QUICK_VOICES if quick else VOICES
    texts = [i.text for i in load_dev_set() if i.intent is not None and len(i.text.split()) >= 4]
    texts = texts[:: 12 if quick else 4]
    print(
        f"== trailing silence: {len(texts)} sentences x {len(voices)} voices, "
        f"pauses of {', '.join(f'{p} s' for p in PAUSES_S)} put mid-sentence"
    )
    rows: dict[str, dict[str, float]] = {}
    for condition in CONDITIONS:
        for trailing in SETTINGS_S:
            delays: list[float] = []
            unprompted = 0
            cut = dict.fromkeys(PAUSES_S, 0)
            n = 0
            for i, (text, voice) in enumerate((t, v) for t in texts for v in voices):
                n += 1
                audio, end = _sentence(text, voice, None)
                ends = _utterances(in_condition(audio, condition, seed=i), trailing)
                unprompted += len(ends) > 1
                if ends:
                    delays.append((ends[-1] - end) * 1000)
                for pause in PAUSES_S:
                    paused, _ = _sentence(text, voice, pause)
                    cut[pause] += len(_utterances(in_condition(paused, condition, i), trailing)) > 1
            row = {
                "delay_p50": statistics.median(delays) if delays else float("nan"),
                "delay_p95": _p95(delays),
                "unprompted": unprompted / n,
                **{f"cut_{p}": c / n for p, c in cut.items()},
            }
            rows[f"{condition} | {trailing}"] = row
            print(
                f"{condition:6} trailing {trailing:.2f} s: end decided {row['delay_p50']:4.0f} ms "
                f"(p95 {row['delay_p95']:4.0f}) after speech; cut off at a "
                + ", ".join(f"{p} s pause {row[f'cut_{p}']:5.1%}" for p in PAUSES_S)
                + f"; split unprompted {row['unprompted']:5.1%}"
            )
    return {"rows": rows, "settings": list(SETTINGS_S), "baseline": BASELINE_S}
