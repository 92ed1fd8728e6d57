"""The crisis check: runs before any other matching and favours recall.

A parent who says they might hurt themselves or their child must never get a
mantra because a fuzzy score happened to be higher. Crisis terms name a concept
(an act and its target, with what frames it: "scared i will", "part of me wants
to"); they match anywhere in the sentence, with hedges and fillers between their
words ("i want to really hurt myself"), and with a small tolerance for misheard
letters. A term just after a negation ("i would never hurt my baby") or an
accident ("i cut myself on the tin") does not count.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
from rapidfuzz import fuzz, process

_FUZZY_CUTOFF = 92.0
_FUZZY_MIN_CHARS = 10
_FUZZY_MAX_WORDS = 4
_PRONOUNS = frozenset({"him", "her", "them", "it"})
_ANCHOR_CUTOFF = 75.0

SOFT_WORDS = frozenset(
    [
        "just",
        "really",
        "so",
        "actually",
        "honestly",
        "seriously",
        "sometimes",
        "literally",
        "truly",
        "genuinely",
        "properly",
        "badly",
        "secretly",
        "quietly",
        "still",
        "even",
        "maybe",
        "probably",
        "always",
        "constantly",
        "often",
        "totally",
        "completely",
        "definitely",
        "lowkey",
        "tbh",
        "fr",
        "kinda",
        "basically",
        "simply",
    ]
)
"""Hedges and fillers that may stand between a term's words without changing its meaning."""

NEGATIONS = frozenset({"not", "never", "no"})
"""Words that, just before a term or before "going to" and a term, turn it into its
opposite ("i would never hurt my baby", "i am not going to hurt myself")."""

ACCIDENTS = frozenset(
    [
        "on",
        "shaving",
        "chopping",
        "cooking",
        "opening",
        "peeling",
        "falling",
        "playing",
        "accidentally",
        "by",
        "doing",
    ]
)
"""Words that, just after an act on oneself in the past ("i cut myself on the tin"), make
it an accident. Read only after the past forms in ``_PAST_SELF``."""

_PAST_SELF = frozenset({"cut myself", "hurt myself", "burnt myself", "burned myself"})

HARMS = frozenset(
    [
        "hurt",
        "harm",
        "hit",
        "shake",
        "smother",
        "drown",
        "kill",
        "cut",
        "suffocate",
        "strangle",
        "stab",
        "choke",
    ]
)
"""Acts that, after a negation ("i would never hurt my baby"), deny a crisis even where no
term names them."""

IDIOMS_AFTER = frozenset(
    {"laughing", "trying", "working", "doing", "of embarrassment", "of shame", "of boredom"}
    | {"in kisses", "with kisses", "in cuddles", "with love"}
    | {"bottle", "bottles", "milk", "formula", "rattle", "prevention", "awareness"}
    | {"for the teacher", "for the school", "for the nursery", "for the childminder"}
    | {"for school", "for nursery", "to the teacher", "to school"}
)
"""Words that, just after a term, make it a figure of speech or everyday business ("killing
myself trying to keep up", "i want to smother him in kisses", "shake the baby bottle",
"a documentary about suicide prevention", "i have written a note for the teacher")."""

OTHERS = frozenset(
    {"friend", "friends", "sister", "brother", "mum", "mom", "dad", "husband", "wife"}
    | {"partner", "colleague", "neighbour", "neighbor", "cousin", "auntie", "aunt", "uncle"}
    | {"someone", "somebody", "people", "woman", "man", "he", "she", "they", "character"}
)
"""People a term naming a topic (``TOPICS``) may be about instead of the parent ("how do i
help my sister, she has suicidal thoughts"): the nearest person named before the term."""
FIRST_PERSON = frozenset({"i", "me", "myself", "my", "mine"})
TOPICS = frozenset({"suicide", "suicidal", "self", "overdose", "overdosed", "overdosing"})
"""Terms that name the subject, not who it is about: only these may be about someone else."""
CHILDREN = frozenset(
    {"son", "daughter", "child", "kid", "kids", "baby", "boy", "girl", "teenager", "teen"}
)
"""A child named as the one a term is about keeps it a crisis: the parent needs help now."""

RECOVERED_BEFORE = frozenset({"used to", "years ago", "as a teenager", "when i was younger"})
RECOVERED_AFTER = frozenset(
    {"fine", "passed", "better now", "good now", "okay now", "well now", "recovered"}
    | {"support group", "help others", "a support group"}
)
"""A crisis told as long past and over ("i used to self harm as a teenager but i have been
fine for years"): the frame before the term and the recovery after it."""


@dataclass(frozen=True)
class CrisisReading:
    """What the crisis check made of one sentence."""

    term: str | None
    """The crisis term found, or None."""
    taken_back: bool
    """Whether the sentence named a crisis term only to deny it ("i would never hurt my
    baby"), so that nothing else should read a crisis into it either."""


class CrisisDetector:
    """Says whether normalised text contains one of the crisis terms."""

    def __init__(self, terms: Iterable[str]) -> None:
        self._terms = tuple(
            sorted({" ".join(t.split()) for t in terms if t.split()}, key=len, reverse=True)
        )
        # Exact terms are looked up as runs of whole words: a set lookup per run, where one
        # regular expression of ten thousand alternatives took a millisecond a sentence.
        self._exact = frozenset(self._terms)
        self._longest = max((len(t.split()) for t in self._terms), default=0)
        # For the fuzzy pass, each term is filed under its rarest word (its anchor), so
        # only the terms whose anchor resembles a word of the sentence are compared.
        # Long terms (a frame, an act and a target) are left to the exact pass: their cores
        # are shorter terms too, and thousands of them made this pass four times slower.
        # So are terms ending in a pronoun, which one misheard word turns into everyday
        # talk ("i want to hit them", "i want to hit the gym").
        fuzzy = [
            t
            for t in self._terms
            if len(t) >= _FUZZY_MIN_CHARS
            and 1 < len(t.split()) <= _FUZZY_MAX_WORDS
            and t.rsplit(" ", 1)[-1] not in _PRONOUNS
        ]
        counts = Counter(w for t in fuzzy for w in set(t.split()))
        self._by_anchor: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for term in fuzzy:
            anchor = min(
                (w for w in term.split() if len(w) >= 3), key=lambda w: (counts[w], w), default=None
            )
            if anchor is not None:
                self._by_anchor[anchor].append((term, term.replace(" ", "")))
        self._anchors = sorted(self._by_anchor)  # the fuzzy pass reads them in this order

    def read(self, normalised: str) -> CrisisReading:
        """The crisis term found in normalised text, if any."""
        words = normalised.split()
        if not self._exact or not words:
            return CrisisReading(None, taken_back=False)
        found, taken_back = self._exact_term(words)
        kept = [w for w in words if w not in SOFT_WORDS]
        if found is None and len(kept) < len(words):
            found, back = self._exact_term(kept)
            taken_back = taken_back or back
        if found is None and not taken_back:
            taken_back = any(_negated(words, at) for at, w in enumerate(words) if w in HARMS)
        if found is None and not taken_back:
            # A term the sentence took back must not come back as a near spelling of itself.
            found = self._fuzzy_term(normalised, words)
        return CrisisReading(found, taken_back=found is None and taken_back)

    def _exact_term(self, words: list[str]) -> tuple[str | None, bool]:
        """The leftmost, then longest, term read as whole words that no negation, idiom
        or accident around it undoes; and whether some term was undone."""
        taken_back = False
        for start in range(len(words)):
            for size in range(min(self._longest, len(words) - start), 0, -1):
                run = " ".join(words[start : start + size])
                if run in self._exact:
                    if not _undone(run, words, start, start + size):
                        return run, taken_back
                    taken_back = True
        return None, taken_back

    def _fuzzy_term(self, normalised: str, words: list[str]) -> str | None:
        """The closest term with a few letters misheard, or None."""
        # Recognisers split or join words ("my self"): also try neighbouring pairs joined.
        heard = sorted(w for w in set(words) | {a + b for a, b in pairwise(words)} if len(w) >= 3)
        if not heard or not self._anchors:
            return None
        # One call each into rapidfuzz's C for the anchors and for the terms filed under
        # them, with the cut-off passed in so that it can stop early: a Python loop of
        # ratio calls was the slower half of matching at a thousand intents.
        close = process.cdist(heard, self._anchors, scorer=fuzz.ratio, score_cutoff=_ANCHOR_CUTOFF)
        squashed = normalised.replace(" ", "")
        # Only where the sentence is at least as long as the term (else a bare "no" would
        # be "contained" in a long term).
        terms = [
            (term, joined)
            for anchor in (self._anchors[i] for i in np.flatnonzero(close.any(axis=0)))
            for term, joined in self._by_anchor[anchor]
            if len(squashed) >= len(joined)
        ]
        found = process.extract(
            squashed,
            [joined for _term, joined in terms],
            scorer=fuzz.partial_ratio,
            score_cutoff=_FUZZY_CUTOFF,
            limit=None,
        )
        # The closest term (rapidfuzz sorts by score, ties in the order given) that begins
        # at a word of the sentence: "top myself" is inside "stop myself" letter for letter.
        starts = set(_word_starts(words))
        for _joined, _score, at in found:
            term, joined = terms[at]
            place = fuzz.partial_ratio_alignment(joined, squashed)
            if place is not None and place.dest_start in starts:
                return term
        return None


def _word_starts(words: list[str]) -> list[int]:
    """Where each word begins once the sentence's spaces are taken out."""
    starts, at = [], 0
    for word in words:
        starts.append(at)
        at += len(word)
    return starts


def _negated(words: list[str], at: int) -> bool:
    """Whether a negation stands just before ``words[at]``, or before "going to" there."""
    if at > 0 and words[at - 1] in NEGATIONS:
        return True
    return at > 2 and words[at - 3] in NEGATIONS and words[at - 2 : at] == ["going", "to"]


def _undone(term: str, words: list[str], start: int, end: int) -> bool:
    """Whether the words around a term found at ``words[start:end]`` take it back:
    a negation just before ("i would never hurt my baby"), an idiom ("killing myself
    trying"), or an accident just after a past act on oneself ("i cut myself on the tin",
    but not "on purpose")."""
    if _negated(words, start) or _recovered(words, start, end):
        return True
    if term.split()[0] in TOPICS and _about_someone_else(words, start):
        return True
    after = words[end : end + 3]
    if after and any(" ".join(after[:n]) in IDIOMS_AFTER for n in (1, 2, 3)):
        return True
    after = after[:2]
    if not after or not term.endswith("myself"):
        return False
    past = any(term.endswith(act) for act in _PAST_SELF)
    return past and after[0] in ACCIDENTS and after[1:] != ["purpose"]


def _about_someone_else(words: list[str], start: int) -> bool:
    """Whether the nearest person named before ``words[start]`` is someone other than the
    parent or a child ("my teenage son told me his friend is self harming")."""
    for word in reversed(words[:start]):
        if word in FIRST_PERSON or word in CHILDREN:
            return False
        if word in OTHERS:
            return True
    return False


def _recovered(words: list[str], start: int, end: int) -> bool:
    """Whether the term is told as long past and over (see ``RECOVERED_BEFORE``)."""
    before = " ".join(words[max(0, start - 6) : start])
    if not any(frame in before for frame in RECOVERED_BEFORE):
        return False
    after = " ".join(words[end:])
    return any(sign in after for sign in RECOVERED_AFTER)
