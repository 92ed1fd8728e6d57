"""Noise front end: does cleaning the microphone audio before recognition help?

WebRTC's noise suppression and automatic gain (the ``webrtc-noise-gain`` package, as
Home Assistant's voice satellites use) run on the noisy dev utterances before the
domain recogniser; intent accuracy is compared with the untouched audio in the same
run. Measured 2026-11-23: every setting lowered accuracy (10 dB: 72.2% untouched,
53.7% with suppression level 2, 38.9% with level 4), so Hearth keeps no front end:
PocketSphinx's features cope with the noise better than with the suppression's
artefacts.
"""

from __future__ import annotations

from typing import Any

from audio.chunk import AudioChunk
from voice.paths import default_intents_dir
from voice.recognition.pocketsphinx import PocketSphinxRecognizer
from voice.understanding.library import ScriptLibrary
from voice.understanding.understander import Understander

from .corpus import VOICES, in_condition, render
from .matcher_bench import load_dev_set
from .speech_bench import WAKE, choose

SETTINGS = {
    "untouched (baseline)": None,
    "noise suppression 2": (0, 2),
    "suppression 2 + gain": (3, 2),
    "noise suppression 4": (0, 4),
}
"""Name -> (auto-gain target dBFS, 0 = off; suppression level 0-4) for webrtc-noise-gain."""


def webrtc(audio: AudioChunk, gain_dbfs: int, suppression: int) -> AudioChunk:
    """The audio through WebRTC noise suppression / auto gain, 10 ms at a time."""
    from webrtc_noise_gain import AudioProcessor

    processor = AudioProcessor(gain_dbfs, suppression)
    raw = audio.for_speech().audio
    out = bytearray()
    for start in range(0, len(raw) - 319, 320):
        out += processor.Process10ms(raw[start : start + 320]).audio
    return AudioChunk(16000, 2, 1, bytes(out))


def run(quick: bool = False) -> dict[str, Any]:
    """Intent accuracy per front-end setting, at 10 and 5 dB (full runs only: ~4 minutes)."""
    if quick:
        print("(noise front end: measured by full runs only)")
        return {}
    try:
        import webrtc_noise_gain  # noqa: F401
    except ImportError:
        print("(noise front end not measured: pip install webrtc-noise-gain)")
        return {}
    items = [item for item in choose(load_dev_set(), 1) if item.intent]
    rendered = render(items, (VOICES[0], VOICES[3]))  # an espeak-ng and a flite voice
    understander = Understander(
        PocketSphinxRecognizer(), ScriptLibrary([default_intents_dir()]), (WAKE,)
    )
    print(f"== noise front end: {len(rendered)} utterances, domain model")
    figures: dict[str, Any] = {}
    for condition in ("10 dB", "5 dB"):
        row = {}
        for name, setting in SETTINGS.items():
            right = 0
            for i, r in enumerate(rendered):
                audio = in_condition(r.audio, condition, seed=i)
                if setting is not None:
                    audio = webrtc(audio, *setting)
                best = understander.understand(audio).result.best
                right += best is not None and best.intent == r.item.intent
            row[name] = right / len(rendered)
        figures[condition] = row
        print(f"{condition:6} " + "  ".join(f"{n} {a:.1%}" for n, a in row.items()))
    return figures
