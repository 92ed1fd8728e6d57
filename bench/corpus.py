"""The project's own dev corpus as audio: sentences x voices x listening conditions.

The sentences are ours (tests/data/dev_text.yaml: paraphrases not in the scripts,
kitchen chatter, wake-phrase lines). They are spoken by clearly different
synthetic voices (espeak-ng formant voices, flite's recorded-unit voices, a Festival
diphone voice, and two voices closer to people kept out of all tuning: a neural Piper
voice and a Festival HTS voice) and placed in four conditions: clean; kitchen noise at 10 dB and 5 dB SNR; far-field
(a room's reverberation, 15 dB quieter, a hood humming). Everything is built
deterministically from seeds, and rendered speech is cached by sha256 of
(engine, voice, text) under the user cache, never committed.

``python -m bench.corpus`` renders the whole corpus into the cache and prints its size.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import yaml
from platformdirs import user_cache_path

from audio.chunk import AudioChunk, concat, silence
from audio.wav import read_wav
from tools import espeak, festival, piper_voice

from .matcher_bench import DEV_SET, DevItem, load_dev_set

RATE = 16000


@dataclass(frozen=True)
class Voice:
    """A synthetic speaker: the program and its voice name."""

    engine: str
    """"espeak-ng", "flite", "festival" or "piper"."""
    name: str
    blind: bool = False
    """Kept out of all tuning: its figures are a blind check (its label says so)."""

    @property
    def label(self) -> str:
        return f"{self.engine}:{self.name}" + (" (blind)" if self.blind else "")


VOICES = (
    Voice("espeak-ng", "en-us"),
    Voice("espeak-ng", "en-gb-scotland"),
    Voice("espeak-ng", "en-us+f3"),
    Voice("flite", "slt"),
    Voice("flite", "rms"),
    Voice("flite", "awb"),
)
"""Six voices: three espeak-ng accents/genders, three flite speakers (female US, male US,
male Scottish)."""
QUICK_VOICES = (VOICES[2], VOICES[3])
TUNED_VOICES = (Voice("festival", "kal-diphone"),)
"""A diphone voice (concatenated recorded units, as MBROLA voices are; Debian ships no
MBROLA voice), tuned on with the six above."""
BLIND_VOICES = (Voice("piper", "joe", blind=True), Voice("festival", "slt-hts", blind=True))
"""Voices closer to people, never tuned on: a neural Piper voice (en_US-joe-medium) and a
Festival HTS voice (cmu_us_slt_arctic_hts)."""
SPEECH_VOICES = VOICES + TUNED_VOICES + BLIND_VOICES
"""Every voice of the speech benchmark (the other benchmarks keep the six above)."""
QUICK_SPEECH_VOICES = (*QUICK_VOICES, *BLIND_VOICES)

CONDITIONS = ("clean", "10 dB", "5 dB", "far-field")
QUICK_CONDITIONS = ("clean", "10 dB")


def load_wake_lines(path: Path = DEV_SET) -> list[str]:
    """The dev set's wake-phrase lines (each starts with the wake phrase)."""
    return [str(line) for line in yaml.safe_load(path.read_text(encoding="utf-8"))["wake"]]


def cache_dir() -> Path:
    """Where rendered speech is kept between runs."""
    return user_cache_path("hearth", appauthor=False) / "bench-audio"


def speak(text: str, voice: Voice | str) -> AudioChunk:
    """``text`` spoken by ``voice`` (an espeak-ng voice name for short), 16 kHz mono, cached."""
    if isinstance(voice, str):
        voice = Voice("espeak-ng", voice)
    folder = cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    # hashlib, not hash(): str hashes change every run, and the cache would never hit.
    digest = hashlib.sha256(f"{voice.engine}\n{voice.name}\n{text}".encode()).hexdigest()[:16]
    path = folder / f"{digest}.wav"
    if not path.exists():
        # Named for this process: the bench's second process renders the same lines.
        tmp = path.with_suffix(f".{os.getpid()}.tmp.wav")
        _render(text, voice, tmp)
        tmp.replace(path)
    return read_wav(path).for_speech()


def _render(text: str, voice: Voice, path: Path) -> None:
    if voice.engine == "flite":
        command = ["flite", "-voice", voice.name, "-t", text, "-o", str(path)]
        subprocess.run(command, check=True, capture_output=True)
    elif voice.engine == "festival":
        festival.render(text, path, voice.name)
    elif voice.engine == "piper":
        piper_voice.render(text, path, voice.name)
    else:
        espeak.render(text, path, voice.name, espeak.PACE)


@dataclass(frozen=True)
class Rendered:
    """One dev sentence as audio."""

    item: DevItem
    voice: str
    """The voice's label."""
    audio: AudioChunk


def render(items: list[DevItem], voices: tuple[Voice, ...], rotate: bool = False) -> list[Rendered]:
    """Speak each item with each voice (``rotate``: with one voice each, taking turns),
    with a little silence around it."""
    pairs = (
        [(item, voices[i % len(voices)]) for i, item in enumerate(items)]
        if rotate
        else [(item, voice) for item in items for voice in voices]
    )
    return [
        Rendered(item, voice.label, concat([silence(0.3), speak(item.text, voice), silence(0.5)]))
        for item, voice in pairs
    ]


# --- noise and rooms ---------------------------------------------------------------------------


def rms(x: np.ndarray) -> float:
    """Root mean square, never below 1e-9 (safe to divide by, even for silence)."""
    return max(float(np.sqrt(np.mean(x**2))) if len(x) else 0.0, 1e-9)


@cache
def _babble_bed() -> np.ndarray:
    """20 s of distant conversation: chatter lines by several voices, overlapped, in a room."""
    chatter = [item.text for item in load_dev_set() if item.intent is None]
    bed = np.zeros(20 * RATE)
    rng = np.random.default_rng(99)
    for i, text in enumerate(chatter[:12]):
        voice = VOICES[i % len(VOICES)]
        speech = speak(text, voice).to_float()[:, 0]
        start = int(rng.integers(0, max(1, len(bed) - len(speech))))
        bed[start : start + len(speech)] += speech[: len(bed) - start] / rms(speech)
    return reverberate(bed, rt60_s=0.6, seed=98)


def kitchen_noise(seconds: float, seed: int) -> np.ndarray:
    """Deterministic kitchen noise: range-hood hum, rumble, clatter bursts, distant babble."""
    rng = np.random.default_rng(seed)
    n = int(RATE * seconds)
    t = np.arange(n) / RATE
    hum = 0.3 * np.sin(2 * np.pi * 120 * t) + 0.15 * np.sin(2 * np.pi * 240 * t)
    rumble = np.cumsum(rng.normal(0, 1, n))
    rumble = (rumble - np.convolve(rumble, np.ones(400) / 400, mode="same")) * 0.05
    clatter = np.zeros(n)
    for start in rng.integers(0, max(1, n - 1600), size=max(1, int(seconds))):
        clatter[start : start + 1600] += rng.normal(0, 1, 1600) * np.exp(-np.arange(1600) / 200)
    babble = _babble_bed()
    offset = int(rng.integers(0, len(babble)))
    babble = np.roll(babble, -offset)
    babble = np.tile(babble, n // len(babble) + 1)[:n]
    return hum + rumble + 0.5 * clatter + 0.15 * babble


def with_noise(audio: AudioChunk, snr_db: float, seed: int) -> AudioChunk:
    """Mix kitchen noise in at the given signal-to-noise ratio (speech power over noise power)."""
    speech = audio.to_float()[:, 0]
    noise = kitchen_noise(audio.seconds + 0.1, seed)[: len(speech)]
    gain = np.sqrt(np.mean(speech**2) / (np.mean(noise**2) * 10 ** (snr_db / 10)))
    return _to_chunk(speech + gain * noise)


def reverberate(x: np.ndarray, rt60_s: float, seed: int) -> np.ndarray:
    """``x`` in a room: a synthetic impulse response (direct sound, then decaying noise)."""
    rng = np.random.default_rng(seed)
    n = int(rt60_s * RATE)
    tail = rng.normal(0, 1, n) * np.exp(-6.9 * np.arange(n) / n)  # -60 dB at rt60
    response = np.concatenate([[1.0], np.zeros(int(0.01 * RATE)), 0.3 * tail / rms(tail) / 40])
    wet = np.convolve(x, response)[: len(x)]
    return wet * (rms(x) / rms(wet))


def far_field(audio: AudioChunk, seed: int) -> AudioChunk:
    """Across the kitchen: reverberant, 15 dB quieter, the hood 20 dB under the voice."""
    speech = reverberate(audio.to_float()[:, 0], rt60_s=0.5, seed=seed) * 10 ** (-15 / 20)
    noise = kitchen_noise(audio.seconds + 0.1, seed)[: len(speech)]
    return _to_chunk(speech + noise * rms(speech) / rms(noise) / 10)


def in_condition(audio: AudioChunk, condition: str, seed: int) -> AudioChunk:
    """The audio as heard in one of CONDITIONS."""
    if condition == "clean":
        return audio
    if condition == "far-field":
        return far_field(audio, seed)
    return with_noise(audio, float(condition.split()[0]), seed)


def _to_chunk(x: np.ndarray) -> AudioChunk:
    return AudioChunk.from_float((x / max(1.0, float(np.abs(x).max()))).astype(np.float32), RATE)


def main() -> None:
    """Render every dev sentence with every voice into the cache."""
    items = load_dev_set() + [DevItem(line, None, None) for line in load_wake_lines()]
    rendered = render(items, SPEECH_VOICES)
    seconds = sum(r.audio.seconds for r in rendered)
    print(
        f"{len(rendered)} utterances ({len(items)} sentences x {len(SPEECH_VOICES)} voices), "
        f"{seconds / 60:.1f} min of clean speech, cached in {cache_dir()}"
    )


if __name__ == "__main__":
    main()
