"""Understanding on blind text: sentences written by people who never saw the scripts.

Two sets, both never used for tuning: ``blind_a`` for development figures and
``blind_final``, kept aside for the final figure. Each holds paraphrases of the
canonical intents (with the feeling named), crisis phrasings, near misses that
share crisis words without being one, serious disclosures (violence at home, a
child harmed, postpartum depression, depression) and kitchen chatter.
"""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bench import understanding_baseline
from voice.paths import default_intents_dir
from voice.understanding.library import ScriptLibrary
from voice.understanding.result import MatchResult

DATA = Path(__file__).resolve().parent / "data"
SETS = {
    "blind A (development)": DATA / "blind_a.yaml",
    "blind final (held out)": DATA / "blind_final.yaml",
}
CRISIS = "crisis"
QUIET = ("chatter",)
"""Intents that answer nothing: chatter matched to one of them is not a false accept."""
REFINES: dict[tuple[str, str | None], str] = {("name_feeling", "guilty"): "guilt_repair"}
"""Intents written after the blind sets that refine a label of theirs: guilt about
something done ("i snapped at him") is answered by ``guilt_repair``, which the sets'
writers could only label as the feeling guilty. Such an answer counts as right."""


@dataclass(frozen=True)
class BlindSet:
    """One blind file, read."""

    paraphrases: tuple[tuple[str, str, str | None], ...]
    """(text, intent, feeling or None)."""
    crisis: tuple[str, ...]
    near_misses: tuple[str, ...]
    disclosures: tuple[tuple[str, str], ...]
    """(text, kind): partner_violence, child_harmed, postpartum, depression."""
    chatter: tuple[str, ...]


def load(path: Path) -> BlindSet:
    """Read a blind set (YAML; see bench/data/blind_a.yaml)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    paraphrases = []
    for intent, entries in data["intents"].items():
        for entry in entries:
            if isinstance(entry, dict):
                paraphrases.append((str(entry["text"]), str(intent), entry.get("feeling")))
            else:
                paraphrases.append((str(entry), str(intent), None))
    disclosures = [(str(t), str(kind)) for kind, ts in data["disclosures"].items() for t in ts]
    return BlindSet(
        tuple(paraphrases),
        tuple(map(str, data["crisis"])),
        tuple(map(str, data["near_misses"])),
        tuple(disclosures),
        tuple(map(str, data["chatter"])),
    )


@dataclass
class Scores:
    """What one understander made of one blind set."""

    intent_accuracy: float = 0.0
    feeling_accuracy: float = 0.0
    chatter_false_accepts: float = 0.0
    crisis_recall: float = 0.0
    near_miss_false_crisis: float = 0.0
    disclosures_helped: float = 0.0
    ms_per_utterance: float = 0.0
    misses: list[tuple[str, str, str]] = field(default_factory=list)
    """(group, text, what it got) for every wrong answer."""


def evaluate(match: Callable[[str], MatchResult], blind: BlindSet) -> Scores:
    """Every figure of one blind set for one matcher."""
    out = Scores()
    begin = time.perf_counter()
    count = 0

    def got(text: str) -> MatchResult:
        nonlocal count
        count += 1
        return match(text)

    right = feel_right = feel_total = 0
    for text, intent, feeling in blind.paraphrases:
        result = got(text)
        refined = result.intent is not None and REFINES.get((intent, feeling)) == result.intent
        right += result.intent == intent or refined
        if result.intent != intent and not refined:
            out.misses.append((intent, text, str(result.intent)))
        if feeling is not None:
            feel_total += 1
            feel_right += result.slots.get("feeling") == feeling or refined
    out.intent_accuracy = right / len(blind.paraphrases)
    out.feeling_accuracy = feel_right / max(feel_total, 1)
    out.crisis_recall = _share(blind.crisis, got, lambda r: r.intent == CRISIS, out, "crisis")
    out.near_miss_false_crisis = _share(
        blind.near_misses, got, lambda r: r.intent == CRISIS, out, "near miss", count_hits=True
    )
    helped = 0
    for text, kind in blind.disclosures:
        result = got(text)
        helped += result.intent == kind
        if result.intent != kind:
            out.misses.append((kind, text, str(result.intent)))
    out.disclosures_helped = helped / max(len(blind.disclosures), 1)
    out.chatter_false_accepts = _share(
        blind.chatter,
        got,
        lambda r: r.intent is not None and r.intent not in QUIET,
        out,
        "chatter",
        count_hits=True,
    )
    out.ms_per_utterance = (time.perf_counter() - begin) * 1000.0 / max(count, 1)
    return out


def _share(
    texts: Sequence[str],
    got: Callable[[str], MatchResult],
    hit: Callable[[MatchResult], bool],
    out: Scores,
    group: str,
    *,
    count_hits: bool = False,
) -> float:
    """Share of ``texts`` whose result is a ``hit``; the wrong ones go to ``out.misses``
    (the misses, or with ``count_hits`` the hits, which are then the mistakes)."""
    hits = 0
    for text in texts:
        result = got(text)
        yes = hit(result)
        hits += yes
        if yes == count_hits:
            out.misses.append((group, text, str(result.intent)))
    return hits / max(len(texts), 1)


def hearth() -> Callable[[str], MatchResult]:
    """Hearth's matcher over the default scripts, as ``hearth understand --text`` uses it."""
    return ScriptLibrary([default_intents_dir()]).brain.matcher.match


APPROACHES: dict[str, Callable[[], Callable[[str], MatchResult]]] = {
    "Hearth": hearth,
    f"Hearth at issue 15's filing ({understanding_baseline.REVISION})": understanding_baseline.matcher,
}
"""Each understander measured, built fresh (its build's memory is measured too, where
it is built in this process)."""
OWN_PROCESS = frozenset(name for name in APPROACHES if name != "Hearth")


def run(quick: bool = False) -> dict[str, Any]:
    """Every approach on every blind set, with the memory its build takes."""
    results: dict[str, dict[str, Scores]] = {}
    memory: dict[str, float | None] = {}
    for approach, build in APPROACHES.items():
        tracemalloc.start()
        match = build()
        traced = tracemalloc.get_traced_memory()[0] / 1e6
        memory[approach] = None if approach in OWN_PROCESS else traced
        tracemalloc.stop()
        results[approach] = {}
        for name, path in SETS.items():
            figures = evaluate(match, load(path))
            results[approach][name] = figures
            print(
                f"  {approach}, {name}: intents {figures.intent_accuracy:.1%}, feeling "
                f"{figures.feeling_accuracy:.1%}, chatter accepted "
                f"{figures.chatter_false_accepts:.1%}, crisis recall {figures.crisis_recall:.1%}, "
                f"near misses taken for a crisis {figures.near_miss_false_crisis:.1%}, "
                f"disclosures helped {figures.disclosures_helped:.1%}, "
                f"{figures.ms_per_utterance:.2f} ms per utterance"
            )
    return {"understanding": results, "understanding_mb": memory}


if __name__ == "__main__":
    found = run()
    for approach, sets in found["understanding"].items():
        for name, figures in sets.items():
            print(f"\n{approach}, {name}: {len(figures.misses)} wrong")
            for group, text, answer in figures.misses:
                print(f"  [{group}] {text!r} -> {answer}")
