"""Speech benchmark: intent accuracy from audio, real-time factor, reply latency, memory, start-up.

The dev sentences are rendered with espeak-ng voices into a cache folder
(never committed), clean and with kitchen-like noise at 10 dB SNR, and pushed
through each engine configuration. The stock PocketSphinx model is the
baseline a user would get without Hearth's domain model; it runs in the same
pass, so the ratios are fair.
"""

from __future__ import annotations

import hashlib
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from platformdirs import user_cache_path

from audio.chunk import AudioChunk, concat, silence
from audio.wav import read_wav
from voice.asr import Recognizer
from voice.asr_pocketsphinx import PocketSphinxRecognizer
from voice.library import ScriptLibrary
from voice.paths import default_intents_dir
from voice.understanding import Understander

from .matcher_bench import DevItem, load_dev_set

VOICES = ("en-us", "en-gb", "en-us+f3")


@dataclass(frozen=True)
class Rendered:
    """One dev sentence as audio."""

    item: DevItem
    voice: str
    audio: AudioChunk


def _cache() -> Path:
    return user_cache_path("hearth", appauthor=False) / "bench-audio"


def speak(text: str, voice: str) -> AudioChunk:
    """``text`` spoken by an espeak-ng voice, 16 kHz mono (cached by text and voice)."""
    folder = _cache()
    folder.mkdir(parents=True, exist_ok=True)
    # hashlib, not hash(): str hashes change every run, and the cache would never hit.
    digest = hashlib.sha256(f"{voice}\n{text}".encode()).hexdigest()[:16]
    path = folder / f"{digest}.wav"
    if not path.exists():
        subprocess.run(["espeak-ng", "-v", voice, "-s", "150", "-w", str(path), text], check=True)
    return read_wav(path).for_speech()


def render(items: list[DevItem], voices: tuple[str, ...]) -> list[Rendered]:
    """Speak each item with each voice, with a little silence around it."""
    return [
        Rendered(item, voice, concat([silence(0.3), speak(item.text, voice), silence(0.5)]))
        for item in items
        for voice in voices
    ]


def kitchen_noise(seconds: float, seed: int) -> np.ndarray:
    """Deterministic kitchen-like noise: range-hood hum, pink-ish rumble and clatter bursts."""
    rng = np.random.default_rng(seed)
    n = int(16000 * seconds)
    t = np.arange(n) / 16000
    hum = 0.3 * np.sin(2 * np.pi * 120 * t) + 0.15 * np.sin(2 * np.pi * 240 * t)
    rumble = np.cumsum(rng.normal(0, 1, n))
    rumble = (rumble - np.convolve(rumble, np.ones(400) / 400, mode="same")) * 0.05
    clatter = np.zeros(n)
    for start in rng.integers(0, max(1, n - 1600), size=max(1, int(seconds))):
        clatter[start : start + 1600] += rng.normal(0, 1, 1600) * np.exp(-np.arange(1600) / 200)
    return hum + rumble + 0.5 * clatter


def with_noise(audio: AudioChunk, snr_db: float, seed: int) -> AudioChunk:
    """Mix noise in at the given signal-to-noise ratio."""
    speech = audio.to_float()[:, 0]
    noise = kitchen_noise(audio.seconds + 0.1, seed)[: len(speech)]
    gain = np.sqrt(np.mean(speech**2) / (np.mean(noise**2) * 10 ** (snr_db / 10)))
    mixed = speech + gain * noise
    return AudioChunk.from_float((mixed / max(1.0, np.abs(mixed).max())).astype(np.float32), 16000)


def evaluate(
    understander: Understander, rendered: list[Rendered], snr: float | None
) -> dict[str, Any]:
    """Accuracy, false accepts, real-time factor for one engine and condition."""
    right = total = fa = chatter = 0
    per_voice: dict[str, list[bool]] = {}
    asr_s = audio_s = 0.0
    for i, r in enumerate(rendered):
        audio = r.audio if snr is None else with_noise(r.audio, snr, i)
        heard = understander.understand(audio)
        asr_s += (heard.timings.get("asr_ms", 0) + heard.timings.get("fallback_ms", 0)) / 1000
        audio_s += audio.seconds
        got = heard.result.best.intent if heard.result.best else None
        if r.item.intent is None:
            chatter += 1
            fa += got is not None
        else:
            total += 1
            ok = got == r.item.intent
            right += ok
            per_voice.setdefault(r.voice, []).append(ok)
    return {
        "accuracy": right / max(total, 1),
        "false_accepts": fa / max(chatter, 1),
        "rtf": asr_s / max(audio_s, 1e-9),
        "per_voice": {v: sum(x) / len(x) for v, x in per_voice.items()},
    }


def startup_and_rss() -> tuple[float, float]:
    """Seconds from process start to a ready pipeline, and the child's peak RSS in MB."""
    code = (
        "import time; t=time.perf_counter();"
        "from voice.library import ScriptLibrary; from voice.paths import default_intents_dir;"
        "from voice.asr_pocketsphinx import PocketSphinxRecognizer; from voice.understanding import Understander;"
        "from voice.tts import Synthesizer;"
        "lib=ScriptLibrary([default_intents_dir()]); u=Understander(PocketSphinxRecognizer(), lib, ('hey hearth',));"
        "Synthesizer().synthesize('Hello.'); print(time.perf_counter()-t)"
    )
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    wall = time.perf_counter() - start
    del wall
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return float(out.stdout.strip()), max(rss, before) / 1024


def run(quick: bool = False) -> dict[str, Any]:
    """Print the speech figures."""
    items = load_dev_set()
    per_intent = 1 if quick else 4
    chosen: list[DevItem] = []
    seen: dict[str | None, int] = {}
    for item in items:
        limit = per_intent * 3 if item.intent is None else per_intent
        if seen.get(item.intent, 0) < limit:
            chosen.append(item)
            seen[item.intent] = seen.get(item.intent, 0) + 1
    voices = VOICES[:2] if quick else VOICES
    rendered = render(chosen, voices)
    library = ScriptLibrary([default_intents_dir()])
    engines: dict[str, Recognizer] = {
        "pocketsphinx+domain": PocketSphinxRecognizer(),
        "pocketsphinx stock (baseline)": PocketSphinxRecognizer(domain=False),
    }
    print(f"== speech: {len(rendered)} utterances ({len(chosen)} sentences x {len(voices)} voices)")
    figures: dict[str, Any] = {}
    for name, recognizer in engines.items():
        understander = Understander(recognizer, library, ("hey hearth",))
        for label, snr in (("clean", None), ("10 dB", 10.0)):
            result = evaluate(understander, rendered, snr)
            figures[f"{name} {label}"] = result
            voices_text = ", ".join(f"{v} {a:.0%}" for v, a in result["per_voice"].items())
            print(
                f"{name:30} {label:6} intent accuracy {result['accuracy']:6.1%}  false accepts "
                f"{result['false_accepts']:5.1%}  RTF {result['rtf']:.3f}  [{voices_text}]"
            )
    base = figures["pocketsphinx stock (baseline) clean"]["accuracy"]
    dom = figures["pocketsphinx+domain clean"]["accuracy"]
    print(
        f"domain model vs stock, clean accuracy: {dom:.1%} vs {base:.1%} ({dom / max(base, 1e-9):.2f}x)"
    )

    latencies = []
    understander = Understander(engines["pocketsphinx+domain"], library, ("hey hearth",))
    from voice.dialogue import Dialogue
    from voice.tts import Synthesizer

    synthesizer = Synthesizer(cache_size=0)
    dialogue = Dialogue(lambda: library.brain)
    for r in rendered[: 20 if quick else 60]:
        start = time.perf_counter()
        heard = understander.understand(r.audio)
        reply = dialogue.hear(heard.transcript.text or "...")
        if reply.text:
            synthesizer.synthesize(reply.text)
        latencies.append((time.perf_counter() - start) * 1000)
        dialogue.close()
    p50 = statistics.median(latencies)
    p95 = statistics.quantiles(latencies, n=20)[-1]
    print(
        f"reply latency (end of speech -> reply audio ready, full speed): p50 {p50:.0f} ms, p95 {p95:.0f} ms"
    )
    startup, rss = startup_and_rss()
    print(f"start-up to ready (pocketsphinx): {startup:.2f} s; peak RSS {rss:.0f} MB")
    figures.update(latency_p50=p50, latency_p95=p95, startup=startup, rss_mb=rss)
    return figures
