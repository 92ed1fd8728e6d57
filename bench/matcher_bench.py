"""Matcher benchmark: accuracy on the held-out dev set, false accepts on chatter, speed.

Speed is reported beside a baseline measured in the same run (the matcher's
phrase scorer over every phrase, no index), because absolute times depend on the
machine. Both baselines are built here from the matcher's public parts.
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from voice.paths import default_intents_dir
from voice.scripts.loader import load_scripts
from voice.scripts.model import CRISIS_INTENT, ScriptSet
from voice.text import normalize
from voice.understanding.matcher import (
    CRISIS_ALLOWANCE,
    PHRASE_THRESHOLD,
    Matcher,
)
from voice.understanding.result import Match, MatchResult
from voice.understanding.slots import SlotFinder

DEV_SET = Path(__file__).resolve().parent.parent / "tests" / "data" / "dev_text.yaml"
BLIND_SET = Path(__file__).resolve().parent / "data" / "blind_text.yaml"
"""Written without seeing the scripts or the dev set, and never used to tune anything."""


@dataclass(frozen=True)
class DevItem:
    """One held-out sentence and what it means (intent None = chatter)."""

    text: str
    intent: str | None
    feeling: str | None


def load_dev_set(path: Path = DEV_SET) -> list[DevItem]:
    """Read tests/data/dev_text.yaml."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    items: list[DevItem] = []
    for intent, entries in data["intents"].items():
        for entry in entries:
            if isinstance(entry, dict):
                items.append(DevItem(entry["text"], str(intent), entry.get("feeling")))
            else:
                items.append(DevItem(str(entry), str(intent), None))
    items += [DevItem(str(line), None, None) for line in data["chatter"]]
    return items


@dataclass(frozen=True)
class Accuracy:
    """Text-level results on the dev set."""

    intent_accuracy: float
    feeling_accuracy: float
    false_accepts: float
    crisis_recall: float
    misses: list[tuple[str, str | None, str | None]]


class PhraseOnly:
    """The baseline the learned classifier has to beat: the matcher's candidates ranked by
    phrase score alone and accepted at the threshold tuned for phrase scores."""

    def __init__(self, matcher: Matcher) -> None:
        self._matcher = matcher

    def match(self, text: str) -> MatchResult:
        """Like :meth:`Matcher.match`, the classifier left out."""
        result = self._matcher.match(text)
        if (
            result.best is not None
            and result.ranked == (result.best,)
            and not result.best.phrase_score
        ):
            return result  # a crisis term: found before any ranking
        ranked = self._matcher.rank(result.text, result.slots)
        if not ranked:
            return result
        words = len(result.text.split())
        threshold = self._matcher.threshold_for(words, PHRASE_THRESHOLD)
        crisis = next((m for m in ranked if m.intent == CRISIS_INTENT), None)
        if crisis is not None and (
            crisis.confidence >= threshold
            or (crisis is ranked[0] and crisis.confidence >= threshold - CRISIS_ALLOWANCE)
        ):
            return MatchResult(result.text, crisis, ranked)
        return self._matcher.accept(result.text, ranked, result.slots, threshold)


class BruteForce:
    """The speed baseline: every phrase scored with the matcher's own scorer, no index."""

    def __init__(self, matcher: Matcher, scripts: ScriptSet) -> None:
        self._scorer = matcher.scorer
        self._slots = SlotFinder(scripts.lists)
        self._phrases = [(p, p.split(), i) for p, i in matcher.indexed_phrases()]
        self._totals = [self._scorer.total(words) for _, words, _ in self._phrases]

    def match(self, text: str) -> Match | None:
        """The phrase closest to ``text`` of all, as a Match."""
        canon = self._slots.canonical(normalize(text))
        said = canon.text.split()
        said_total = self._scorer.total(said)
        best: tuple[float, str, str] | None = None
        for (phrase, words, intent), total in zip(self._phrases, self._totals, strict=True):
            value = self._scorer.score(canon.text, said, phrase, words, (said_total, total))
            if best is None or value > best[0]:
                best = (value, phrase, intent)
        if best is None:
            return None
        return Match(best[2], best[0] / 100.0, canon.slots, best[1], best[0] / 100.0)


def evaluate(matcher: Matcher | PhraseOnly, items: Sequence[DevItem]) -> Accuracy:
    """Intent accuracy (in-domain), feeling accuracy, chatter false-accept rate."""
    right = total = feel_right = feel_total = fa = chatter = crisis_hit = crisis_total = 0
    misses: list[tuple[str, str | None, str | None]] = []
    for item in items:
        result = matcher.match(item.text)
        got = result.best.intent if result.best else None
        if item.intent is None:
            chatter += 1
            if got is not None:
                fa += 1
                misses.append((item.text, None, got))
            continue
        total += 1
        right += got == item.intent
        if got != item.intent:
            misses.append((item.text, item.intent, got))
        if item.intent == "crisis":
            crisis_total += 1
            crisis_hit += got == "crisis"
        if item.feeling:
            feel_total += 1
            feel_right += result.slots.get("feeling") == item.feeling
    return Accuracy(
        right / max(total, 1),
        feel_right / max(feel_total, 1),
        fa / max(chatter, 1),
        crisis_hit / max(crisis_total, 1),
        misses,
    )


def synthetic_folder(root: Path, intents: int, seed: int = 1) -> Path:
    """Write ``intents`` made-up intent scripts (10 templates each) into ``root``."""
    rng = random.Random(seed)
    syllables = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ze", "pa", "do", "fi", "gu", "ha"]
    vocab = sorted({"".join(rng.choices(syllables, k=rng.randint(2, 3))) for _ in range(3000)})
    common = ["i", "the", "my", "a", "to", "is", "please", "can", "you", "me"]
    for n in range(intents):
        phrases = []
        for _ in range(10):
            words = rng.sample(vocab, 3) + rng.sample(common, 2)
            rng.shuffle(words)
            alt = "|".join(rng.sample(vocab, 2))
            phrases.append(" ".join(words) + f" ({alt}) [{rng.choice(common)}]")
        text = yaml.safe_dump(
            {"intent": f"synthetic_{n:04d}", "phrases": phrases, "replies": ["Okay."]}
        )
        (root / f"synthetic_{n:04d}.yaml").write_text(text, encoding="utf-8")
    return root


def _time_per_call(fn: Callable[[str], Any], texts: Sequence[str], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        for text in texts:
            start = time.perf_counter()
            fn(text)
            times.append((time.perf_counter() - start) * 1000.0)
    return times


def _ms(times: list[float]) -> str:
    p95 = statistics.quantiles(times, n=20)[-1]
    return f"mean {statistics.fmean(times):.3f} ms, p95 {p95:.3f} ms"


def run(quick: bool = False) -> dict[str, Any]:
    """Print and return the matcher figures."""
    items = load_dev_set()
    scripts = load_scripts([default_intents_dir()])
    matcher = Matcher(scripts)
    acc = evaluate(matcher, items)
    in_domain = sum(1 for i in items if i.intent)
    chatter = len(items) - in_domain
    print(
        f"== matcher: default scripts ({len(scripts.intents)} intents, {matcher.phrase_count} phrases)"
    )
    print(f"dev set: {in_domain} held-out sentences, {chatter} chatter lines")
    print(f"intent accuracy      {acc.intent_accuracy:6.1%}   (target >= 95%)")
    print(f"feeling accuracy     {acc.feeling_accuracy:6.1%}")
    print(f"crisis recall        {acc.crisis_recall:6.1%}")
    print(f"false accepts        {acc.false_accepts:6.1%}   (target <= 3%)")
    for text, expected, got in acc.misses:
        print(f"   miss: {text!r}: expected {expected}, got {got}")

    blind = evaluate(matcher, load_dev_set(BLIND_SET))
    print(
        f"blind set: intent accuracy {blind.intent_accuracy:6.1%}, feeling accuracy "
        f"{blind.feeling_accuracy:6.1%}, crisis recall {blind.crisis_recall:6.1%}, "
        f"false accepts {blind.false_accepts:6.1%}"
    )

    # The same scripts matched by phrase score alone, at that matcher's tuned threshold:
    # the baseline the learned classifier has to beat.
    phrase_only = PhraseOnly(matcher)
    base_dev = evaluate(phrase_only, items)
    base_blind = evaluate(phrase_only, load_dev_set(BLIND_SET))
    print(
        f"baseline, phrase score only: dev {base_dev.intent_accuracy:.1%} accuracy, "
        f"{base_dev.false_accepts:.1%} false accepts; blind {base_blind.intent_accuracy:.1%}, "
        f"{base_blind.false_accepts:.1%}"
    )

    texts = [i.text for i in items]
    repeat = 1 if quick else 3
    small = _time_per_call(matcher.match, texts, repeat)
    print(f"match time, {len(scripts.intents)} intents: {_ms(small)}")

    figures: dict[str, Any] = {
        "intent_accuracy": acc.intent_accuracy,
        "feeling_accuracy": acc.feeling_accuracy,
        "false_accepts": acc.false_accepts,
        "crisis_recall": acc.crisis_recall,
        "ms_default": statistics.fmean(small),
        "blind_accuracy": blind.intent_accuracy,
        "blind_false_accepts": blind.false_accepts,
        "baseline_accuracy": base_dev.intent_accuracy,
        "baseline_false_accepts": base_dev.false_accepts,
        "baseline_blind_accuracy": base_blind.intent_accuracy,
        "baseline_blind_false_accepts": base_blind.false_accepts,
    }
    with tempfile.TemporaryDirectory(prefix="hearth-bench-") as tmp:
        big_intents = 1000
        folder = synthetic_folder(Path(tmp), big_intents)
        start = time.perf_counter()
        big_scripts = load_scripts([default_intents_dir(), folder])
        big = Matcher(big_scripts)
        build_s = time.perf_counter() - start
        big_acc = evaluate(big, items)
        indexed = _time_per_call(big.match, texts, repeat)
        baseline = BruteForce(big, big_scripts)
        # A linear scan takes about as long for every sentence: a sample of them will do.
        brute = _time_per_call(baseline.match, texts[:: 48 if quick else 12], 1)
    total = len(big_scripts.intents)
    print(f"== matcher: {total} intents ({big.phrase_count} phrases; load+index {build_s:.2f} s)")
    print(
        f"intent accuracy      {big_acc.intent_accuracy:6.1%}   false accepts {big_acc.false_accepts:6.1%}"
    )
    print(f"match time, indexed:      {_ms(indexed)}   (target < 2 ms)")
    print(f"match time, brute force:  {_ms(brute)}   (baseline, same run)")
    ratio = statistics.fmean(brute) / statistics.fmean(indexed)
    print(f"index speed-up over brute force: {ratio:.1f}x")
    figures.update(
        ms_1000=statistics.fmean(indexed), ms_1000_brute=statistics.fmean(brute), speedup=ratio
    )
    return figures
