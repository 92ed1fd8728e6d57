"""Meaning over phrasing: the matcher by phrases alone beside the matcher that also reads meaning.

Measured on dev set C (tests/data/dev_paraphrases.yaml), never on the blind sets.
Each group of the set is split in two halves, alternating: "train" (what the
constants in voice/understanding/meaning.py were tuned on) and "calibrate"
(what they were checked on). Three approaches:

* phrases: today's matcher, as on a device without the sentence encoder;
* phrases, calibrated: the same with its threshold calibrated on the train half
  (the lexical alternative to an encoder);
* phrases + meaning: the matcher with the sentence encoder (crisis net and
  agreement with the meaning head).

Memory and start-up added by the encoder are measured in a fresh process
(VmRSS before and after loading it and reading one sentence).
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.understanding_bench import BlindSet, Figures, evaluate, load
from voice.paths import default_intents_dir
from voice.scripts.loader import load_scripts
from voice.understanding.matcher import Matcher, MatchResult

DEV = Path(__file__).resolve().parents[1] / "tests" / "data" / "dev_paraphrases.yaml"
THRESHOLDS = tuple(t / 100 for t in range(60, 86, 2))
_PROBE = """
import time
def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
import numpy
before = rss(); begin = time.perf_counter()
from voice.understanding.encoder import shared
shared().embed(["i need some support"])
print(rss() - before, time.perf_counter() - begin)
"""


def halves(blind: BlindSet) -> tuple[BlindSet, BlindSet]:
    """Every group split in two, alternating: (train, calibrate)."""

    def part(start: int) -> BlindSet:
        return BlindSet(
            blind.paraphrases[start::2],
            blind.crisis[start::2],
            blind.near_misses[start::2],
            blind.disclosures[start::2],
            blind.chatter[start::2],
        )

    return part(0), part(1)


def calibrated_threshold(matcher: Matcher, train: BlindSet) -> float:
    """The threshold with the best paraphrase accuracy on ``train`` that accepts no more
    chatter there than the default threshold does."""
    default = matcher.threshold
    allowed = evaluate(matcher.match, train).chatter_false_accepts
    best = (evaluate(matcher.match, train).intent_accuracy, default)
    for threshold in THRESHOLDS:
        matcher.threshold = threshold
        figures = evaluate(matcher.match, train)
        if figures.chatter_false_accepts <= allowed and figures.intent_accuracy > best[0]:
            best = (figures.intent_accuracy, threshold)
    matcher.threshold = default
    return best[1]


def encoder_cost() -> tuple[float, float]:
    """(MB of RSS, seconds) that loading the encoder and reading one sentence add."""
    out = subprocess.run(
        [sys.executable, "-c", _PROBE], capture_output=True, text=True, check=True
    ).stdout.split()
    return float(out[0]), float(out[1])


def run() -> dict[str, Any]:
    """Every approach on both halves of dev set C; prints one line per approach and half."""
    scripts = load_scripts([default_intents_dir()])
    train, calibrate = halves(load(DEV))
    lexical = Matcher(scripts, meaning=False)
    semantic = Matcher(scripts)
    tuned = Matcher(scripts, meaning=False)
    tuned.threshold = calibrated_threshold(tuned, train)
    approaches: dict[str, Callable[[str], MatchResult]] = {
        "phrases": lexical.match,
        f"phrases, threshold {tuned.threshold:.2f} calibrated": tuned.match,
        "phrases + meaning": semantic.match,
    }
    results: dict[str, dict[str, Figures]] = {}
    for name, match in approaches.items():
        results[name] = {"train": evaluate(match, train), "calibrate": evaluate(match, calibrate)}
        for half, f in results[name].items():
            print(
                f"  {name} [{half}]: intents {f.intent_accuracy:.1%}, feeling "
                f"{f.feeling_accuracy:.1%}, chatter accepted {f.chatter_false_accepts:.1%}, "
                f"crisis recall {f.crisis_recall:.1%}, near misses taken for a crisis "
                f"{f.near_miss_false_crisis:.1%}, disclosures helped "
                f"{f.disclosures_helped:.1%}, {f.ms_per_utterance:.2f} ms per utterance"
            )
    rss_mb, load_s = encoder_cost() if semantic.reads_meaning else (0.0, 0.0)
    print(f"  encoder: +{rss_mb:.0f} MB RSS, +{load_s:.2f} s to load and read one sentence")
    return {"meaning": results, "encoder_rss_mb": rss_mb, "encoder_load_s": load_s}


if __name__ == "__main__":
    run()
