"""Find slot values (a feeling and its synonyms) anywhere in a sentence.

Both the parent's words and the scripts' expanded phrases go through the same
``canonical`` form, where each slot value is replaced by ``{list}``: so "I'm
so worn out" and the phrase "i am so {feeling}" line up, whichever synonym the
parent used.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from rapidfuzz import fuzz, process

from voice.scripts.model import ScriptSet, SlotValue

_FUZZY_MIN_LEN = 6
_FUZZY_CUTOFF = 88.0

# A feeling word naming a thing, not the parent's state: "happy birthday", "the sad
# song", "a tired old joke", "angry birds", "the lonely planet guide".
_NAMING_NEXT = frozenset(
    [
        "birthday",
        "birthdays",
        "anniversary",
        "christmas",
        "easter",
        "holidays",
        "new",
        "meal",
        "meals",
        "hour",
        "days",
        "feet",
        "ending",
        "endings",
        "song",
        "songs",
        "tune",
        "tunes",
        "music",
        "film",
        "movie",
        "story",
        "pleasure",
        "pleasures",
        "party",
        "birds",
        "goatherd",
        "planet",
        "old",
        "mary",
        "hatter",
        "hatters",
    ]
)
# Words that are feelings only right after the parent says so ("i feel down", "so low"),
# never after a verb or a thing ("slow down", "turn it down", "the battery is low").
_NEEDS_SAYING = frozenset({"down", "low", "blue", "torn", "mad", "cross"})
_SAYING = frozenset(
    [
        "am",
        "feel",
        "feeling",
        "feels",
        "felt",
        "so",
        "really",
        "very",
        "bit",
        "little",
        "quite",
        "pretty",
        "been",
        "too",
        "just",
        "and",
        "or",
        "of",
        "kind",
        "sort",
        "get",
        "getting",
        "gotten",
        "more",
        "most",
        "super",
        "totally",
        "completely",
    ]
)
# "the tyres look tired": how a thing looks, not how the parent feels.
_LOOKS = frozenset({"look", "looks", "seem", "seems"})
# "he is just tired", "they were so happy": someone else's feeling, not the parent's.
_OTHERS = frozenset({"he", "she", "they", "baby", "toddler", "son", "daughter", "kids"})
_BEING = frozenset({"is", "are", "was", "were"})
_SOFTENERS = frozenset({"just", "so", "really", "very", "bit", "a", "little", "quite", "too"})
# "down to one nap", "down the shops", "down off the table": a place or an amount.
_PLACE_NEXT = frozenset(["to", "the", "off", "low", "a", "here", "there", "on", "stairs", "with"])
# A sentence that asks for something to be played or said names titles, not feelings.
_TITLE_VERBS = frozenset({"play", "put", "add", "say", "wish", "sing"})


@dataclass(frozen=True)
class Canonical:
    """A sentence with its slot values found and replaced by placeholders."""

    text: str
    """The sentence with each value replaced by ``{list}``."""
    slots: Mapping[str, str]
    """List name -> the first canonical value found."""


class SlotFinder:
    """Spots the words of every shared list in normalised text."""

    def __init__(self, lists: Mapping[str, Mapping[str, SlotValue]]) -> None:
        # word tuple -> (list name, canonical value); the longest phrasing wins.
        self._phrases: dict[tuple[str, ...], tuple[str, str]] = {}
        for list_name, values in lists.items():
            for value in values.values():
                for words in value.words:
                    self._phrases.setdefault(tuple(words.split()), (list_name, value.value))
        # First word -> lengths of the phrasings starting with it, longest first: most
        # words start none, and are passed over with one dictionary look-up.
        starts: dict[str, set[int]] = {}
        for key in self._phrases:
            starts.setdefault(key[0], set()).add(len(key))
        self._lengths = {word: sorted(sizes, reverse=True) for word, sizes in starts.items()}
        # Long single words may be misheard by a letter ("exhaused"); short ones never fuzzed.
        self._single = {
            k[0]: v for k, v in self._phrases.items() if len(k) == 1 and len(k[0]) >= _FUZZY_MIN_LEN
        }
        self._single_words = list(self._single)
        self._placeholders = {f"{{{name}}}" for name in lists}

    def canonical(self, normalised: str, fuzzy: bool = True) -> Canonical:
        """Replace every slot value in ``normalised`` by its ``{list}`` placeholder.

        ``fuzzy=False`` for text spelled by a person (the scripts' own phrases), where
        a near spelling is another word, not a misheard one.
        """
        tokens = normalised.split()
        out: list[str] = []
        slots: dict[str, str] = {}
        titles = bool(tokens) and tokens[0] in _TITLE_VERBS
        i = 0
        while i < len(tokens):
            found = None if titles else self._match_at(tokens, i, fuzzy)
            if found is not None and not _said_as_feeling(tokens, i, found[0]):
                found = None
            if found is None:
                out.append(tokens[i])
                i += 1
                continue
            length, (list_name, value) = found
            slots.setdefault(list_name, value)
            placeholder = f"{{{list_name}}}"
            if not out or out[-1] != placeholder:
                out.append(placeholder)
            i += length
        return Canonical(" ".join(out), slots)

    def _match_at(
        self, tokens: list[str], i: int, fuzzy: bool
    ) -> tuple[int, tuple[str, str]] | None:
        token = tokens[i]
        for length in self._lengths.get(token, ()):
            if i + length > len(tokens):
                continue
            hit = self._phrases.get(tuple(tokens[i : i + length]))
            if hit is not None:
                return length, hit
        if not fuzzy or token in self._placeholders:
            return None
        if len(token) >= _FUZZY_MIN_LEN and self._single_words:
            best = process.extractOne(
                token, self._single_words, scorer=fuzz.ratio, score_cutoff=_FUZZY_CUTOFF
            )
            if best is not None:
                return 1, self._single[best[0]]
        return None


def _said_as_feeling(tokens: list[str], i: int, length: int) -> bool:
    """Whether the words ``tokens[i : i + length]`` name the parent's feeling here, not a
    thing, a place or a command ("happy birthday", "slow down", "we are low on milk")."""
    after = tokens[i + length] if i + length < len(tokens) else ""
    before = tokens[i - 1] if i > 0 else ""
    if after in _NAMING_NEXT or before in _LOOKS or _someone_else(tokens, i):
        return False
    if length > 1 or tokens[i] not in _NEEDS_SAYING:
        return True
    honestly = tokens[i + length + 1 : i + length + 2] == ["be"]  # "low, to be honest"
    return before in _SAYING and (after not in _PLACE_NEXT or honestly)


def _someone_else(tokens: list[str], i: int) -> bool:
    """Whether the words before ``i`` say it of someone else ("he is just ...")."""
    j = i - 1
    while j >= 0 and tokens[j] in _SOFTENERS:
        j -= 1
    return j >= 1 and tokens[j] in _BEING and tokens[j - 1] in _OTHERS


def slots_taken(scripts: ScriptSet) -> dict[str, frozenset[str]]:
    """Intent -> the slots it takes: a talking script every list; a command (a script
    with an action) only those its phrases name, so "slow down" is no feeling."""
    return {
        name: frozenset(
            n for n in scripts.lists if s.action is None or any(f"{{{n}}}" in p for p in s.phrases)
        )
        for name, s in scripts.intents.items()
    }


def kept(slots: Mapping[str, str], takes: frozenset[str]) -> Mapping[str, str]:
    """The slots of ``slots`` an intent taking ``takes`` keeps."""
    if takes.issuperset(slots):
        return slots
    return MappingProxyType({k: v for k, v in slots.items() if k in takes})
