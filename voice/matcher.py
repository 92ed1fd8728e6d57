"""Match a sentence to an intent: crisis first, then fuzzy matching on expanded phrases.

The phrases of every script are expanded once (by the loader) and indexed by
word, so that an utterance is compared with rapidfuzz only against the few
dozen phrases that share its rarer words, which keeps matching fast at a
thousand intents. What does not match well enough, or matches two intents
almost equally, is rejected: a "sorry?" is better than a wrong answer.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from rapidfuzz import fuzz

from .crisis import CrisisDetector
from .script_model import CRISIS_INTENT, ScriptSet
from .slots import SlotFinder
from .text_normalize import normalize

_CANDIDATES = 48
_SHORT = 3  # utterances of up to this many words are also compared with all short phrases


@dataclass(frozen=True)
class Match:
    """An intent the sentence may mean, with how sure Hearth is."""

    intent: str
    """The intent's name."""
    confidence: float
    """Between 0 and 1."""
    slots: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    """Slot values found, e.g. ``{"feeling": "guilty"}``."""
    phrase: str = ""
    """The expanded phrase it was closest to (or the crisis term found)."""


@dataclass(frozen=True)
class MatchResult:
    """What the matcher made of one sentence."""

    text: str
    """The sentence as the matcher compared it (normalised, slots as ``{list}``)."""
    best: Match | None
    """The accepted match, or None when Hearth did not understand."""
    ranked: tuple[Match, ...]
    """The best match of each candidate intent, best first (accepted or not)."""
    reason: str = ""
    """Why ``best`` is None: "no match", "below threshold" or "near tie"."""

    @property
    def slots(self) -> Mapping[str, str]:
        """Slot values found in the sentence, whatever the intent."""
        return self.ranked[0].slots if self.ranked else MappingProxyType({})


def score(utterance: str, phrase: str) -> float:
    """How well an utterance fits one phrase, 0..100.

    Character-level similarity of the whole sentences, blended with a
    token-set similarity that forgives extra words around a phrase ("I think
    I'm just so tired today") but less than a close whole-sentence match.
    """
    whole = fuzz.ratio(utterance, phrase)
    if whole >= 95:
        return whole
    subset = fuzz.token_set_ratio(utterance, phrase)
    # How much of the utterance the phrase explains: rambling that only shares
    # a few words with a phrase should not score like a match.
    coverage = min(1.0, (len(phrase) + 8) / max(len(utterance), 1))
    return max(whole, subset * (0.82 + 0.13 * coverage))


class Matcher:
    """Matches normalised text against a ScriptSet."""

    def __init__(
        self, scripts: ScriptSet, threshold: float = 0.72, tie_margin: float = 0.03
    ) -> None:
        self.threshold = threshold
        self.tie_margin = tie_margin
        self._slots = SlotFinder(scripts.lists)
        self._crisis = CrisisDetector(scripts.crisis_terms)
        self._phrases: list[str] = []
        self._intents: list[str] = []
        seen: set[tuple[str, str]] = set()
        for intent, sentences in scripts.expansions.items():
            for sentence in sentences:
                phrase = self._slots.canonical(sentence).text
                if (intent, phrase) not in seen:
                    seen.add((intent, phrase))
                    self._phrases.append(phrase)
                    self._intents.append(intent)
        postings: dict[str, list[int]] = defaultdict(list)
        for index, phrase in enumerate(self._phrases):
            for word in set(phrase.split()):
                postings[word].append(index)
        total = max(len(self._phrases), 1)
        self._postings = dict(postings)
        self._idf = {w: math.log(total / len(ids)) + 0.1 for w, ids in postings.items()}
        self._short = [i for i, p in enumerate(self._phrases) if len(p.split()) <= _SHORT]

    @property
    def phrase_count(self) -> int:
        """How many distinct expanded phrases are indexed."""
        return len(self._phrases)

    def match(self, text: str) -> MatchResult:
        """Understand one sentence (typed or recognised)."""
        normalised = normalize(text)
        canon = self._slots.canonical(normalised)
        slots = MappingProxyType(dict(canon.slots))
        term = self._crisis.find(normalised)
        if term is not None:
            crisis = Match(CRISIS_INTENT, 1.0, slots, term)
            return MatchResult(canon.text, crisis, (crisis,))
        ranked = self._rank(canon.text, slots)
        if not ranked:
            return MatchResult(canon.text, None, (), "no match")
        best = ranked[0]
        crisis_near = next((m for m in ranked if m.intent == CRISIS_INTENT), None)
        if crisis_near is not None and crisis_near.confidence >= self.threshold - 0.1:
            # Never let another intent win over a plausible crisis.
            return MatchResult(canon.text, crisis_near, ranked)
        if best.confidence < self.threshold:
            return MatchResult(canon.text, None, ranked, "below threshold")
        if len(ranked) > 1 and best.confidence - ranked[1].confidence < self.tie_margin:
            return MatchResult(canon.text, None, ranked, "near tie")
        return MatchResult(canon.text, best, ranked)

    def _candidates(self, utterance: str) -> list[int]:
        words = set(utterance.split())
        weights: dict[int, float] = defaultdict(float)
        for word in words:
            idf = self._idf.get(word)
            if idf is None:
                continue
            for index in self._postings[word]:
                weights[index] += idf
        chosen = sorted(weights, key=weights.__getitem__, reverse=True)[:_CANDIDATES]
        if len(words) <= _SHORT:
            chosen.extend(self._short)
        return chosen

    def _rank(self, utterance: str, slots: Mapping[str, str]) -> tuple[Match, ...]:
        best: dict[str, tuple[float, str]] = {}
        for index in self._candidates(utterance):
            phrase = self._phrases[index]
            value = score(utterance, phrase)
            intent = self._intents[index]
            if value > best.get(intent, (-1.0, ""))[0]:
                best[intent] = (value, phrase)
        ordered = sorted(best.items(), key=lambda item: item[1][0], reverse=True)
        return tuple(
            Match(intent, round(value / 100.0, 4), slots, phrase)
            for intent, (value, phrase) in ordered
        )
