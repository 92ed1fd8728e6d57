"""Match a sentence to an intent: crisis first, then fuzzy matching on expanded phrases.

The phrases of every script are expanded once (by the loader) and indexed by
word, so that an utterance is compared with rapidfuzz only against the few
dozen phrases that share its rarer words, which keeps matching fast at a
thousand intents. What does not match well enough, or matches two intents
almost equally, is rejected: a "sorry?" is better than a wrong answer.
"""

from __future__ import annotations

import math
from array import array
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from types import MappingProxyType

import numpy as np
from rapidfuzz import fuzz, process

from voice import paths
from voice.config import DEFAULT_THRESHOLD
from voice.scripts.model import CRISIS_INTENT, ScriptSet
from voice.text import normalize
from voice.understanding.classifier import IntentClassifier
from voice.understanding.crisis import CrisisDetector
from voice.understanding.phrase_score import PhraseScorer, word_weights
from voice.understanding.priority import PriorityTerms
from voice.understanding.respell import Respeller
from voice.understanding.result import Match, MatchResult
from voice.understanding.slots import SlotFinder, kept, slots_taken

_CANDIDATES = 48
LONG_SENTENCE_ALLOWANCE = 0.05
"""Threshold lowered by this for every five words beyond five (at most twice)."""
PHRASE_THRESHOLD = 0.74
"""The threshold tuned for phrase scores alone. Crisis is still decided by it (lowered
for long sentences like any threshold, see ``threshold_for``), and it is the
phrase-only baseline of ``make bench``."""
CRISIS_ALLOWANCE = 0.05
"""How much less certain Hearth may be when the closest reading of all is a crisis."""
SERIOUS_ALLOWANCE = 0.2
"""How much less certain Hearth may be when the closest intent is a serious disclosure (one
with priority terms): a parent who says it indirectly must not hear "sorry?", and a help
line given to someone who did not need it costs little. Tuned on dev set D."""
SINGLE_WORD_THRESHOLD = 0.9
CLASSIFIER_SHARE = 0.5
"""Share of the learned classifier's probability in the confidence; the rest is the
phrase score. Tuned on dev sets C and D (tests/data/dev_paraphrases.yaml, dev_d.yaml)."""
MAX_CLASSIFIER_INTENTS = 200
"""Above this many intents the classifier is not trained (its training time grows with
intents times phrases: minutes at a thousand) and phrase scores decide alone."""
FULL_SUPPORT = 200
"""An intent learned from fewer phrases than this gets a proportionally smaller
classifier share: a parent's new three-phrase script is matched by its phrases."""
TRUSTED_PHRASE_SCORE = 1.0
"""A sentence that is one of a script's phrases (score 1) is understood whatever the
classifier thinks: what a parent adds to a script must work at once."""
CLAUSE_SCORE = 0.9
"""A sentence holding a script's phrase, nearly word for word, up to the slot it names
("i feel so {feeling}, my son read a whole book"; "he said his first word and i am so
{feeling}") means that phrase's intent when the whole sentence leans the same way: the
reason around the point drags the whole sentence's score below the threshold."""
_REASON_WORDS = 2
"""Words the reason around the clause needs, or the clause is the sentence."""
_CLAUSE_REACH = 5
"""Words a clause may reach back from its slot; after the sentence's start, a clause
begins with "i" (the parent's own), so "are you feeling {feeling}" is not one."""
_TO_SOMEONE = frozenset({"you", "your", "yourself"})
"""Right after the feeling, these make it praise or a scolding for someone in the room
("i'm so proud of you for tidying your room"), not the parent telling Hearth."""
TIE_MARGIN = 0.02
"""Two intents whose confidences are closer than this are a near tie: Hearth asks again."""
IGNORED_WORDS = frozenset({"hearth"})
"""Words said to Hearth rather than about anything (its name)."""
_SHORT = 3  # utterances of up to this many words are also compared with all short phrases


class Matcher:
    """Matches normalised text against a ScriptSet."""

    def __init__(
        self,
        scripts: ScriptSet,
        threshold: float = DEFAULT_THRESHOLD,
        cache_dir: Path | None = None,
    ) -> None:
        """The classifier's weights are cached in ``cache_dir`` (default ``~/.cache/hearth/classifier``)."""
        self.threshold = threshold
        self._not_for_hearth = frozenset(
            name for name, script in scripts.intents.items() if script.action == "ignore"
        )
        self._slots = SlotFinder(scripts.lists)
        self._crisis = CrisisDetector((*scripts.crisis_terms, *scripts.crisis_concepts))
        self._serious = PriorityTerms(scripts.priority_terms)
        self._phrases: list[str] = []
        self._intents: list[str] = []
        self._takes = slots_taken(scripts)
        templates = self._collect(scripts)
        self._respeller = Respeller(_known_words(self._build_index(), scripts))
        by_intent: dict[str, list[str]] = defaultdict(list)
        for phrase, intent in zip(self._phrases, self._intents, strict=True):
            by_intent[intent].append(phrase)
        self._scorer = PhraseScorer(word_weights(by_intent))
        # Each phrase's words are split again when it is a candidate (some 70 per
        # sentence, microseconds) rather than kept: kept, they were 10 MB on the defaults.
        # Their summed weights are kept, packed (a list of floats took four times more).
        self._totals = array("d", (self._scorer.total(p.split()) for p in self._phrases))
        self._short = [i for i, p in enumerate(self._phrases) if len(p.split()) <= _SHORT]
        self._common_limit = max(500, len(self._phrases) // 5)
        self._short_texts = [self._phrases[i] for i in self._short]
        self._classifier = (
            IntentClassifier.cached(
                self._phrases, self._intents, templates, cache_dir or paths.cache_dir("classifier")
            )
            if 1 < len(by_intent) <= MAX_CLASSIFIER_INTENTS
            else None
        )
        support = self._classifier.support if self._classifier else {}
        self._shares = {
            intent: CLASSIFIER_SHARE * min(1.0, support.get(intent, 0) / FULL_SUPPORT)
            for intent in by_intent
        }

    def _collect(self, scripts: ScriptSet) -> list[int]:
        """Every expanded phrase as the matcher compares it, once per intent; returns the
        template each came from (numbered across all intents)."""
        seen: set[tuple[str, str]] = set()
        templates: list[int] = []
        numbered = 0
        for intent, sentences in scripts.expansions.items():
            sizes = scripts.template_sizes.get(intent, (len(sentences),))
            of = [numbered + t for t, size in enumerate(sizes) for _ in range(size)]
            numbered += len(sizes)
            for at, sentence in enumerate(sentences):
                phrase = self._slots.canonical(self._without_ignored(sentence), fuzzy=False).text
                if (intent, phrase) not in seen:
                    seen.add((intent, phrase))
                    self._phrases.append(phrase)
                    self._intents.append(intent)
                    templates.append(of[at] if at < len(of) else numbered)
        return templates

    def _build_index(self) -> set[str]:
        """The exact-phrase table and the weighted postings of each word; returns the words."""
        postings: dict[str, list[int]] = defaultdict(list)
        for index, phrase in enumerate(self._phrases):
            for word in set(phrase.split()):
                postings[word].append(index)
        total = max(len(self._phrases), 1)
        # A phrase's index, or the indices of a phrase several intents share: a list per
        # phrase cost 6 MB on the defaults' ~84,000 phrases, almost all of them alone.
        alike: dict[str, list[int]] = defaultdict(list)
        for index, phrase in enumerate(self._phrases):
            alike[phrase].append(index)
        self._exact: dict[str, int | tuple[int, ...]] = {
            phrase: ids[0] if len(ids) == 1 else tuple(ids) for phrase, ids in alike.items()
        }
        idf = {w: math.log(total / len(ids)) + 0.1 for w, ids in postings.items()}
        norms = np.array(
            [math.sqrt(sum(idf[w] ** 2 for w in set(p.split()))) or 1.0 for p in self._phrases]
        )
        # Each posting carries its word's weight already divided by its phrase's norm, so
        # that a sentence's candidate scores are one bincount over its words' postings.
        self._postings: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for word, ids in postings.items():
            at = np.array(ids, dtype=np.int32)
            self._postings[word] = (at, (idf[word] / norms[at]).astype(np.float32))
        return set(postings)

    def _without_ignored(self, normalised: str) -> str:
        kept = [w for w in normalised.split() if w not in IGNORED_WORDS]
        return " ".join(kept) if kept else normalised

    def threshold_for(self, words: int, base: float | None = None) -> float:
        """The confidence needed for a sentence of this many words (``base``: the
        threshold for a five-word sentence, by default the matcher's own).

        Long sentences carry reasons and asides ("i am so tired, the baby was up all
        night") that no phrase explains, so they score lower for the same meaning.
        """
        if words <= 1:
            # A lone word is what noise and stray sounds decode to ("see"): only a word
            # a script lists on its own ("stop", "yeah") or a near spelling of one counts.
            return max(self.threshold if base is None else base, SINGLE_WORD_THRESHOLD)
        extra = max(0, words - 5) / 5 * LONG_SENTENCE_ALLOWANCE
        return (self.threshold if base is None else base) - min(extra, 2 * LONG_SENTENCE_ALLOWANCE)

    @property
    def phrase_count(self) -> int:
        """How many distinct expanded phrases are indexed."""
        return len(self._phrases)

    @property
    def scorer(self) -> PhraseScorer:
        """How closely a sentence follows a phrase, weighted by word."""
        return self._scorer

    def indexed_phrases(self) -> Iterator[tuple[str, str]]:
        """Every indexed phrase (slot words as ``{list}``) with its intent."""
        return zip(self._phrases, self._intents, strict=True)

    def match(self, text: str) -> MatchResult:
        """Understand one sentence (typed or recognised)."""
        heard = self._without_ignored(normalize(text))
        normalised = self._respeller.mend(heard)
        canon = self._slots.canonical(normalised)
        slots = MappingProxyType(dict(canon.slots))
        # Crisis words are looked for in what was heard as well as in its mended form,
        # so that mending can only add a crisis reading, never take one away.
        reading = self._crisis.read(heard)
        if reading.term is None and normalised != heard:
            reading = self._crisis.read(normalised)
        if reading.term is not None:
            crisis = Match(CRISIS_INTENT, 1.0, slots, reading.term)
            return MatchResult(canon.text, crisis, (crisis,))
        # A serious disclosure outranks every intent but a crisis (see voice.understanding.priority).
        disclosed = self._serious.find(heard, normalised)
        serious = Match(disclosed[0], 1.0, slots, disclosed[1], 1.0) if disclosed else None
        by_phrase = self.rank(canon.text, slots)
        if reading.taken_back:
            # "I would never hurt my baby" is close to a crisis phrase in its words only.
            by_phrase = tuple(m for m in by_phrase if m.intent != CRISIS_INTENT)
        if not by_phrase:
            if serious is not None:
                return MatchResult(canon.text, serious, (serious,))
            return MatchResult(canon.text, None, (), "no match", slots)
        words = len(canon.text.split())
        threshold = self.threshold_for(words)
        crisis_threshold = self.threshold_for(words, PHRASE_THRESHOLD)
        crisis_near = next((m for m in by_phrase if m.intent == CRISIS_INTENT), None)
        if crisis_near is not None and (
            crisis_near.phrase_score >= crisis_threshold
            or (
                crisis_near is by_phrase[0]
                and crisis_near.phrase_score >= crisis_threshold - CRISIS_ALLOWANCE
            )
        ):
            # Never let another intent win over a plausible crisis; when crisis is the
            # closest phrase of all, accept it with less certainty than anything else.
            # The phrase score decides alone: recall here must not hang on a classifier.
            return MatchResult(canon.text, crisis_near, by_phrase)
        if serious is not None:
            return MatchResult(canon.text, serious, by_phrase)
        # One word gives a classifier nothing to weigh: its spelling alone decides.
        ranked = self._blend(canon.text, by_phrase) if words > 1 else by_phrase
        return self.accept(canon.text, ranked, slots, threshold)

    def accept(
        self, text: str, ranked: tuple[Match, ...], slots: Mapping[str, str], threshold: float
    ) -> MatchResult:
        """The decision on ranked candidates: talk not for Hearth, a near tie, the
        threshold (lower for a serious disclosure), then a clause of the sentence."""
        best = ranked[0]
        if best.intent in self._not_for_hearth and best.confidence >= threshold:
            return MatchResult(text, None, ranked, "not for hearth")
        tie = len(ranked) > 1 and best.confidence - ranked[1].confidence < TIE_MARGIN
        if best.confidence >= threshold and not tie:
            return MatchResult(text, best, ranked)
        if (
            best.intent in self._serious.intents
            and best.confidence >= threshold - SERIOUS_ALLOWANCE
        ):
            return MatchResult(text, best, ranked)
        clause = self.clause(text, slots, best.intent)
        if clause is not None:
            return MatchResult(text, clause, ranked)
        reason = "near tie" if tie else "below threshold"
        return MatchResult(text, None, ranked, reason, slots)

    def clause(self, text: str, slots: Mapping[str, str], leaning: str) -> Match | None:
        """The intent of a clause that ends at a slot ("i am so {feeling}"), at the start of
        the sentence or after the story that led to it, when that clause is nearly a
        script's phrase of the intent the whole sentence leans to."""
        words = text.split()
        if leaning in self._not_for_hearth:
            return None
        for at, word in enumerate(words):
            if not word.startswith("{") or _TO_SOMEONE.intersection(words[at + 1 : at + 3]):
                continue
            for start in range(max(0, at - _CLAUSE_REACH), at):
                if (start > 0 and words[start] != "i") or len(words) - (
                    at + 1 - start
                ) < _REASON_WORDS:
                    continue
                by_phrase = self.rank(" ".join(words[start : at + 1]), slots)
                if (
                    by_phrase
                    and by_phrase[0].intent == leaning
                    and by_phrase[0].phrase_score >= CLAUSE_SCORE
                ):
                    return by_phrase[0]
        return None

    def _candidates(self, utterance: str) -> list[int]:
        words = [w for w in set(utterance.split()) if w in self._postings]
        if not words:
            return self._close_short(utterance) if len(utterance.split()) <= _SHORT else []
        # Words in a large share of phrases ("i", "the") tell little apart and would touch
        # most of the index: rank by the rarer words (and slots) when there are any.
        rare = [
            self._postings[w]
            for w in words
            if len(self._postings[w][0]) <= self._common_limit or w.startswith("{")
        ] or [self._postings[w] for w in words]
        # Cosine-like (a short phrase fully said beats a long one sharing a rare word),
        # summed per phrase by bincount: linear in the postings, where np.unique's sort
        # of them was the slowest step at a thousand intents.
        scores = np.bincount(
            np.concatenate([at for at, _ in rare]),
            weights=np.concatenate([weight for _, weight in rare]),
            minlength=len(self._phrases),
        )
        # Selected among the touched phrases only: argpartition over the whole index, mostly
        # tied zeros, took ten times longer. (A comparison's mask is found faster than
        # the non-zero floats themselves.)
        touched = np.flatnonzero(scores > 0)
        k = min(_CANDIDATES, len(touched))
        top = touched[np.argpartition(scores[touched], -k)[-k:]] if k < len(touched) else touched
        chosen = [int(i) for i in top]
        exact = self._exact.get(utterance)
        if isinstance(exact, int):
            chosen.append(exact)
        elif exact is not None:
            chosen.extend(exact)
        if len(utterance.split()) <= _SHORT:
            chosen.extend(self._close_short(utterance))
        return chosen

    def _close_short(self, utterance: str) -> list[int]:
        """Short phrases spelled like a short utterance ("yah" ~ "yeah"), found in C by rapidfuzz."""
        found = process.extract(
            utterance, self._short_texts, scorer=fuzz.ratio, limit=_CANDIDATES // 2
        )
        return [self._short[i] for _text, _score, i in found]

    def rank(self, utterance: str, slots: Mapping[str, str]) -> tuple[Match, ...]:
        """The best phrase match of each candidate intent, best first, by phrase score alone
        (``utterance`` as the matcher compares it: normalised, slots as ``{list}``)."""
        best: dict[str, tuple[float, str]] = {}
        said = utterance.split()
        said_total = self._scorer.total(said)
        for index in self._candidates(utterance):
            phrase = self._phrases[index]
            value = self._scorer.score(
                utterance, said, phrase, phrase.split(), (said_total, self._totals[index])
            )
            intent = self._intents[index]
            if value > best.get(intent, (-1.0, ""))[0]:
                best[intent] = (value, phrase)
        ordered = sorted(best.items(), key=lambda item: item[1][0], reverse=True)
        return tuple(
            Match(
                intent,
                round(value / 100.0, 4),
                kept(slots, self.slots_taken(intent)),
                phrase,
                round(value / 100.0, 4),
            )
            for intent, (value, phrase) in ordered
        )

    def slots_taken(self, intent: str) -> frozenset[str]:
        """The slots ``intent``'s phrases take (``{"feeling"}`` for name_feeling)."""
        return self._takes.get(intent, frozenset())

    def _blend(self, utterance: str, by_phrase: tuple[Match, ...]) -> tuple[Match, ...]:
        """Confidence = phrase score blended with the classifier, for the phrase candidates."""
        if self._classifier is None:
            return by_phrase
        learned = self._classifier.probabilities(utterance)
        blended = []
        for m in by_phrase:
            p = learned.get(m.intent, 0.0)
            share = self._shares[m.intent]
            confidence = (
                m.phrase_score
                if m.phrase_score >= TRUSTED_PHRASE_SCORE
                else (1 - share) * m.phrase_score + share * p
            )
            blended.append(replace(m, confidence=round(confidence, 4), learned=round(p, 4)))
        return tuple(sorted(blended, key=lambda m: m.confidence, reverse=True))


def _known_words(indexed: set[str], scripts: ScriptSet) -> set[str]:
    """Words a recogniser's split may be mended into: the indexed phrases' words (slot
    words appear there as {feeling}, so the lists add theirs) and the crisis terms'."""
    known = set(indexed)
    known.update(w for term in scripts.crisis_terms for w in term.split())
    known.update(
        w
        for values in scripts.lists.values()
        for v in values.values()
        for said in v.words
        for w in said.split()
    )
    return known
