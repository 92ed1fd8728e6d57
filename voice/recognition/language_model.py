"""Build a small trigram language model (ARPA text) from the intent scripts' sentences.

Like Rhasspy and speech-to-phrase, Hearth tells the recogniser what parents
are likely to say, so that "mantra" beats "man tra" and "guilty" beats
"guilt he". The model is a back-off trigram with absolute discounting, written
in the ARPA format every decoder reads.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from itertools import cycle, pairwise

from voice.scripts.model import CRISIS_INTENT, ScriptSet
from voice.text import normalize

DISCOUNT = 0.5
BOS, EOS = "<s>", "</s>"
SPOKEN_CONTRACTIONS = {
    tuple(normalize(said).split()): said
    for said in [
        "i'm",
        "i've",
        "i'll",
        "i'd",
        "you're",
        "you've",
        "we're",
        "we've",
        "they're",
        "he's",
        "she's",
        "it's",
        "that's",
        "what's",
        "there's",
        "here's",
        "who's",
        "how's",
        "where's",
        "let's",
        "don't",
        "doesn't",
        "didn't",
        "can't",
        "couldn't",
        "won't",
        "wouldn't",
        "shouldn't",
        "isn't",
        "aren't",
        "wasn't",
        "haven't",
    ]
}
"""How parents say what the scripts spell out, keyed by what the loader's normaliser
makes of it ("don't" -> ("do", "not")), so that the two never disagree. Used for the
crisis model (see ``crisis_sentences``); in the domain model they were measured and did
not help (70% against 71% intent accuracy clean, 69% against 71% at 10 dB: both forms
split the model's weight)."""


def training_sentences(scripts: ScriptSet, extra: Iterable[str] = ()) -> list[str]:
    """Every expanded phrase, slot placeholders filled in turn with the list's words.

    ``extra`` (the wake phrase) is also put in front of every other phrase: parents say
    "hey hearth, i feel so guilty" in one breath, and without "hearth i", "hearth can"...
    in the model the decoder preferred "i honestly" or "because" for the wake words.
    """
    fill = _slot_filler(scripts)
    prefixes = list(extra)
    out: list[str] = list(prefixes)
    n = 0
    for sentences in scripts.expansions.values():
        for sentence in sentences:
            out.append(fill(sentence))
            if prefixes and n % 2 == 0:
                out.append(f"{prefixes[n // 2 % len(prefixes)]} {out[-1]}")
            n += 1
    return out


def crisis_sentences(scripts: ScriptSet) -> list[str]:
    """What a parent in crisis may say, for a model that knows nothing else: the crisis
    script's phrases and terms, each also as it is usually said ("i don't want to...")."""
    fill = _slot_filler(scripts)
    out: list[str] = []
    for sentence in (*scripts.expansions.get(CRISIS_INTENT, ()), *scripts.crisis_terms):
        said = fill(sentence)
        spoken = contracted(said)
        out.extend((said, spoken) if spoken != said else (said,))
    return out


def _slot_filler(scripts: ScriptSet) -> Callable[[str], str]:
    """Fills a sentence's ``{list}`` placeholders with the list's words, each in turn."""
    fillers = {
        f"{{{name}}}": cycle([w for value in values.values() for w in value.words])
        for name, values in scripts.lists.items()
    }
    return lambda sentence: " ".join(
        next(fillers[w]) if w in fillers else w for w in sentence.split()
    )


def contracted(sentence: str) -> str:
    """The sentence as it is usually said: "i do not know" -> "i don't know"."""
    words = sentence.split()
    out: list[str] = []
    i = 0
    while i < len(words):
        short = SPOKEN_CONTRACTIONS.get((words[i], words[i + 1])) if i + 1 < len(words) else None
        out.append(short or words[i])
        i += 2 if short else 1
    return " ".join(out)


def build_arpa(sentences: Sequence[str], known: Callable[[str], bool] = lambda _w: True) -> str:
    """A back-off trigram model in ARPA text; sentences with unknown words are left out."""
    uni: Counter[str] = Counter()
    bi: Counter[tuple[str, ...]] = Counter()
    tri: Counter[tuple[str, ...]] = Counter()
    for sentence in sentences:
        words = sentence.split()
        if not words or not all(known(w) for w in words):
            continue
        seq = [BOS, *words, EOS]
        uni.update(seq[1:])
        uni[BOS] += 1
        bi.update(pairwise(seq))
        tri.update(zip(seq, seq[1:], seq[2:], strict=False))
    if not bi:
        raise ValueError("no usable sentences to build a language model from")

    total = sum(c for w, c in uni.items() if w != BOS)
    p1 = {w: c / total for w, c in uni.items() if w != BOS}
    hist1: Counter[tuple[str, ...]] = Counter({(w,): c for w, c in uni.items()})

    def lower1(key: tuple[str, ...]) -> float:
        return p1[key[-1]]

    p2 = _conditional(bi, hist1, lower1)
    bo1 = _backoffs(bi, p2, lower1)

    def lower2(key: tuple[str, ...]) -> float:
        return p2.get(key[-2:]) or bo1.get(key[-2:-1], 1.0) * p1[key[-1]]

    hist2: Counter[tuple[str, ...]] = Counter()
    for key, n in tri.items():
        hist2[key[:-1]] += n
    p3 = _conditional(tri, hist2, lower2)
    bo2 = _backoffs(tri, p3, lower2)

    lines = ["\\data\\", f"ngram 1={len(uni)}", f"ngram 2={len(p2)}", f"ngram 3={len(p3)}", ""]
    lines.append("\\1-grams:")
    for w in sorted(uni):
        prob = -99.0 if w == BOS else math.log10(p1[w])
        lines.append(f"{prob:.4f}\t{w}\t{math.log10(bo1.get((w,), 1.0)):.4f}")
    lines += ["", "\\2-grams:"]
    for (a, b), prob in sorted(p2.items()):
        lines.append(f"{math.log10(prob):.4f}\t{a} {b}\t{math.log10(bo2.get((a, b), 1.0)):.4f}")
    lines += ["", "\\3-grams:"]
    for (a, b, c), prob in sorted(p3.items()):
        lines.append(f"{math.log10(prob):.4f}\t{a} {b} {c}")
    lines += ["", "\\end\\", ""]
    return "\n".join(lines)


def _conditional(
    grams: Mapping[tuple[str, ...], int],
    history: Mapping[tuple[str, ...], int],
    lower: Callable[[tuple[str, ...]], float],
) -> dict[tuple[str, ...], float]:
    """Interpolated absolute discounting: (c - D)/c(h) + D * types(h)/c(h) * lower."""
    types: Counter[tuple[str, ...]] = Counter(key[:-1] for key in grams)
    out: dict[tuple[str, ...], float] = {}
    for key, count in grams.items():
        h = key[:-1]
        out[key] = (count - DISCOUNT) / history[h] + DISCOUNT * types[h] / history[h] * lower(key)
    return out


def _backoffs(
    grams: Mapping[tuple[str, ...], int],
    probs: Mapping[tuple[str, ...], float],
    lower: Callable[[tuple[str, ...]], float],
) -> dict[tuple[str, ...], float]:
    """Back-off weight per history so each conditional distribution sums to one."""
    seen_high: dict[tuple[str, ...], float] = defaultdict(float)
    seen_low: dict[tuple[str, ...], float] = defaultdict(float)
    for key in grams:
        seen_high[key[:-1]] += probs[key]
        seen_low[key[:-1]] += lower(key)
    return {h: max(1e-9, 1.0 - seen_high[h]) / max(1e-9, 1.0 - seen_low[h]) for h in seen_high}
