"""Turn typed or recognised text into the plain form the matcher compares.

Recognisers give lowercase words without punctuation, spell numbers out, and
drop or mishear short words; people typing use contractions and digits. Both
end up here as lowercase words separated by single spaces, contractions
expanded, digits spelled out, fillers ("um", "uh") removed.
"""

from __future__ import annotations

import re
from functools import cache

from unicode_rbnf import RbnfEngine

_CONTRACTIONS = {
    "can't": "can not",
    "cannot": "can not",
    "won't": "will not",
    "shan't": "shall not",
    "ain't": "am not",
    "i'm": "i am",
    "let's": "let us",
    "y'all": "you all",
    "gonna": "going to",
    "wanna": "want to",
    "gotta": "got to",
    "kinda": "kind of",
    "dunno": "do not know",
    "ok": "okay",
    "mum": "mom",
    "mam": "mom",
    "mummy": "mommy",
}
_SUFFIXES = (
    ("n't", " not"),
    ("'re", " are"),
    ("'ve", " have"),
    ("'ll", " will"),
    ("'d", " would"),
)
# "'s" is usually "is" after these words; elsewhere it is a possessive and is dropped.
_IS_AFTER = frozenset(
    [
        "it",
        "that",
        "what",
        "there",
        "here",
        "he",
        "she",
        "who",
        "where",
        "how",
        "everything",
        "nothing",
        "something",
        "today",
    ]
)
_FILLERS = frozenset({"um", "umm", "uh", "uhh", "er", "erm", "hmm", "mm", "ah"})
_KEEP = re.compile(r"[^a-z0-9'{}_ ]+")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'"})


@cache
def _number_engine() -> RbnfEngine:
    return RbnfEngine.for_language("en")


def number_to_words(number: int) -> str:
    """Spell an integer in English words ("25" -> "twenty five")."""
    text = _number_engine().format_number(number).text
    return text.replace("-", " ").replace(",", "")


def _expand_word(word: str) -> str:
    if word in _CONTRACTIONS:
        return _CONTRACTIONS[word]
    if word.isdigit() and len(word) <= 9:
        return number_to_words(int(word))
    for suffix, replacement in _SUFFIXES:
        if word.endswith(suffix) and len(word) > len(suffix):
            return word[: -len(suffix)] + replacement
    if word.endswith("'s"):
        stem = word[:-2]
        return f"{stem} is" if stem in _IS_AFTER else stem
    return word.strip("'")


def normalize(text: str) -> str:
    """Lowercase words, contractions expanded, numbers spelled, no punctuation.

    Slot placeholders such as ``{feeling}`` pass through unchanged, so template
    expansions and utterances are normalised the same way.
    """
    text = text.lower().translate(_APOSTROPHES)
    text = re.sub(r"(\d)[,.](\d)", r"\1\2", text)  # 1,000 -> 1000
    text = re.sub(r"(\d+)", r" \1 ", text)  # 5min -> 5 min
    text = text.replace("-", " ")
    text = _KEEP.sub(" ", text)
    words: list[str] = []
    for raw in text.split():
        expanded = _expand_word(raw)
        words.extend(w for w in expanded.split() if w and w not in _FILLERS)
    return " ".join(words)
