"""The decoder every PocketSphinx mode shares, its cut dictionary, and reading its results.

The decoder's dictionary holds only words some model can say: the stock model's
vocabulary and the scripts' words (cached, see ``hearing_dictionary``). The
wheel's dictionary has 134,000 entries; every search keeps tables sized by it.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from voice.files import atomic_write
from voice.paths import cache_dir
from voice.recognition.language_model import build_arpa
from voice.recognition.recognizer import RecognizerError, Transcript

STOCK = "stock"
"""The stock English model's search."""


def pocketsphinx() -> Any:
    """The ``pocketsphinx`` module, or a RecognizerError saying how to install it."""
    try:
        import pocketsphinx as module
    except ImportError as err:  # pragma: no cover - dependency missing
        raise RecognizerError(
            f"PocketSphinx is not installed ({err}); run `make demo` or `pip install pocketsphinx`"
        ) from None
    return module


def model_dir() -> Path:
    """The wheel's English model folder (acoustic model, dictionary, stock language model)."""
    return Path(pocketsphinx().get_model_path()) / "en-us"


def hearing_dictionary(words: Path, stock_lm: Path) -> Path:
    """The wheel's dictionary cut to the stock model's vocabulary, built once and cached.

    Words no model can say are never heard, but cost memory in every search (the
    decoder and each search over the cut dictionary are several MB smaller; see the
    memory figures in docs/benchmarks.md)."""
    stamp = "|".join(f"{p}:{p.stat().st_size}:{p.stat().st_mtime_ns}" for p in (words, stock_lm))
    path = cache_dir("pocketsphinx", f"dict-{hashlib.sha256(stamp.encode()).hexdigest()[:16]}.dict")
    if path.exists():
        return path
    ps = pocketsphinx()
    model = ps.NGramModel(ps.Config(lm=None, loglevel="FATAL"), ps.LogMath(), str(stock_lm))
    never = model.prob(["<no such word>"])  # what an out-of-vocabulary word scores
    said: dict[str, bool] = {}
    kept = []
    for base, word, phones in pronunciations(words):
        if base not in said:
            said[base] = model.prob([base]) != never
        if said[base]:
            kept.append(f"{word} {phones}\n")
    atomic_write(path, "".join(kept))
    return path


def pronunciations(path: Path) -> Iterator[tuple[str, str, str]]:
    """A dictionary file's entries: base word, word as written ("a(2)"), phones."""
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            word, _, phones = line.strip().partition(" ")
            if word:
                yield word.split("(", 1)[0], word, phones.split("#", 1)[0].strip()


class SharedDecoder:
    """One ``pocketsphinx.Decoder`` over the cut dictionary, and the searches added to it."""

    def __init__(self) -> None:
        """Loads the acoustic model; the stock search is added when first needed."""
        ps = pocketsphinx()
        model = model_dir()
        self.words = model / "cmudict-en-us.dict"
        """The wheel's whole dictionary (where the scripts' missing words are looked up)."""
        self.stock_lm = model / "en-us.lm.bin"
        """The wheel's general English language model."""
        config = ps.Config(
            hmm=str(model / "en-us"),
            dict=str(hearing_dictionary(self.words, self.stock_lm)),
            lm=None,
            loglevel="FATAL",
        )
        self.ps: Any = ps.Decoder(config)
        """The decoder itself, for the modes that decode with it."""
        self._stock = False
        self._searches = False  # whether the decoder has a search new words would rebuild

    def knows(self, word: str) -> bool:
        """Whether the dictionary has ``word``."""
        return self.ps.lookup_word(word) is not None

    def add_model(self, kind: str, sentences: Sequence[str]) -> None:
        """Add the search ``kind`` of a trigram model of ``sentences``, built once and cached
        by the sentences (an unchanged set of scripts loads the model built last time).

        The sentences' words that the dictionary lacks (the scripts' words outside the
        stock model: "childminder", "wellies") are kept beside the model, so a start from
        the cache reads those few entries instead of the wheel's whole dictionary."""
        digest = hashlib.sha256("\n".join(sentences).encode()).hexdigest()[:16]
        model = cache_dir("pocketsphinx", f"{kind}-{digest}.arpa")
        extra = model.with_suffix(".dict")
        if model.exists() and extra.exists():
            self._add_words([(word, phones) for _, word, phones in pronunciations(extra)])
        else:
            missing = {w for s in sentences for w in s.split() if not self.knows(w)}
            entries = [(w, ph) for base, w, ph in pronunciations(self.words) if base in missing]
            self._add_words(entries)
            atomic_write(extra, "".join(f"{word} {phones}\n" for word, phones in entries))
            atomic_write(model, build_arpa(sentences, known=self.knows))
        self.ps.add_lm_file(kind, str(model))
        self._searches = True

    def _add_words(self, entries: Sequence[tuple[str, str]]) -> None:
        """Add the pronunciations the dictionary lacks (a model loaded again after a reload
        brings words added the first time)."""
        entries = [(w, phones) for w, phones in entries if not self.knows(w)]
        for i, (word, phones) in enumerate(entries):
            # Every search the decoder has is rebuilt for the new words once, with the last.
            self.ps.add_word(word, phones, self._searches and i == len(entries) - 1)

    def stock_search(self) -> str:
        """The stock model's search, added the first time it is needed (once the scripts'
        words are in: adding words rebuilds every search there is, 0.4 s for this one)."""
        if not self._stock:
            self.ps.add_lm_file(STOCK, str(self.stock_lm))
            self._searches = True
            self._stock = True
        return STOCK

    def add_keywords(self, name: str, keyfile: Path) -> None:
        """Add a keyword-spotting search from a keyphrase file."""
        self.ps.add_kws(name, str(keyfile))
        self._searches = True


def decode_again(ps: Any, audio: bytes, full_utt: bool) -> None:
    """Decode ``audio`` as one utterance with the active search (the result stays in ``ps``).

    ``full_utt``: the whole utterance is at hand, so the cepstral mean is computed over
    it first instead of adapting as it goes."""
    ps.start_utt()
    ps.process_raw(audio, False, full_utt)
    ps.end_utt()


def acoustic_fit(ps: Any) -> float | None:
    """Log acoustic score per frame of the decoder's last best path (None if empty).

    The bindings hand scores out as probabilities (a segment over about two seconds
    long underflows to the floor below); per frame, so that readings of the same
    audio with different word boundaries compare."""
    segments = [s for s in ps.seg() if s.word != "</s>"]
    frames = int(ps.n_frames())
    if not segments or not frames:
        return None
    return float(sum(math.log(max(s.ascore, 1e-300)) for s in segments)) / frames


def reading(ps: Any, engine: str, seconds: float) -> Transcript:
    """The decoder's current hypothesis as a Transcript (markers such as ``<sil>`` dropped)."""
    hyp = ps.hyp()
    text = " ".join(w for w in (hyp.hypstr if hyp else "").split() if not w.startswith("<"))
    confidence = 0.0
    if hyp is not None and text:
        confidence = min(1.0, max(0.0, ps.get_logmath().exp(hyp.prob)))
    return Transcript(text, confidence, seconds * 1000.0, engine)
