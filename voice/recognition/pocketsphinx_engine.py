"""PocketSphinx: the embedded default. Its wheel ships an English model, so it works offline at once.

Searches share one decoder: ``domain`` (a trigram model built from the intent
scripts) and the stock one (the wheel's general English model, the decoder's
own first search). Domain is used first; ``open_vocabulary()`` decodes the same
utterance again with the stock model, so that free speech the scripts never
imagined still arrives as text.

The decoder's dictionary holds only words some model can say: the stock model's
vocabulary and the scripts' words (cached, see ``_hearing_dictionary``). The
wheel's dictionary has 134,000 entries; every search keeps tables sized by it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import math
import os
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from audio.chunk import AudioChunk
from voice.recognition.language_model import build_arpa
from voice.recognition.recognizer import Recognizer, RecognizerError, Transcript

log = logging.getLogger(__name__)

DOMAIN, STOCK, WAKE, OVER, WATCH = "domain", "stock", "wake", "over", "watch"
FRAME_S = 0.01
WATCH_MARGIN = 0.1
"""How much better (log acoustic score per frame) the watch reading must fit the sound
than the domain reading did. Measured on the dev crisis sentences and 240 others x six
voices, with the shared-words check of voice/understanding.py: at 0.0, clean, 13 missed
crises rescued and 3 others turned into a crisis; at 10 dB, 33 and 6. At 0.1: 10 and 2
clean, 30 and 4 at 10 dB. At 0.0 two seconds of white noise also became a crisis.
(bench/speech_bench.py measures the whole pipeline per condition.)"""
HEARD_OVER_S = 0.2
"""How long a target must stay in the running hypothesis before it counts (the best
path changes its mind about the last word or two while a word is still being said)."""


def _cache_dir() -> Path:
    from platformdirs import user_cache_path

    return user_cache_path("hearth", appauthor=False) / "pocketsphinx"


def _hearing_dictionary(words: Path, stock_lm: Path) -> Path:
    """The wheel's dictionary cut to the stock model's vocabulary, built once and cached.

    Words no model can say are never heard, but cost memory in every search: 91 MB
    for the decoder with the whole dictionary, 78 MB with this one (72,500 of 134,000
    words; the domain and crisis searches 20 and 16 MB against 13 and 10)."""
    stamp = "|".join(f"{p}:{p.stat().st_size}:{p.stat().st_mtime_ns}" for p in (words, stock_lm))
    path = _cache_dir() / f"dict-{hashlib.sha256(stamp.encode()).hexdigest()[:16]}.dict"
    if path.exists():
        return path
    from pocketsphinx import Config, LogMath, NGramModel

    model = NGramModel(Config(lm=None, loglevel="FATAL"), LogMath(), str(stock_lm))
    never = model.prob(["<no such word>"])  # what an out-of-vocabulary word scores
    said: dict[str, bool] = {}
    kept = []
    for base, word, phones in _pronunciations(words):
        if base not in said:
            said[base] = model.prob([base]) != never
        if said[base]:
            kept.append(f"{word} {phones}\n")
    _write_cache(path, "".join(kept))
    return path


def _pronunciations(path: Path) -> Iterator[tuple[str, str, str]]:
    """A dictionary file's entries: base word, word as written ("a(2)"), phones."""
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            word, _, phones = line.strip().partition(" ")
            if word:
                yield word.split("(", 1)[0], word, phones.split("#", 1)[0].strip()


def _write_cache(path: Path, text: str) -> None:
    """Write a cache file whole (two Hearths may start at once; neither sees half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


class PocketSphinxRecognizer(Recognizer):
    """PocketSphinx 5 with a domain language model and the stock one as fallback."""

    def __init__(self, sentences: Sequence[str] = (), *, domain: bool = True) -> None:
        """``sentences``: what parents say (expanded scripts); ``domain=False``: stock model only."""
        try:
            from pocketsphinx import Config, Decoder, get_model_path
        except ImportError as err:  # pragma: no cover - dependency missing
            raise RecognizerError(
                f"PocketSphinx is not installed ({err}); run `make demo` or `pip install pocketsphinx`"
            ) from None
        model = Path(get_model_path()) / "en-us"
        self._words = model / "cmudict-en-us.dict"
        self._stock_lm = model / "en-us.lm.bin"
        # The stock-only recogniser stands for what a user gets without Hearth: the whole
        # dictionary, as shipped.
        words = _hearing_dictionary(self._words, self._stock_lm) if domain else self._words
        config = Config(
            hmm=str(model / "en-us"),
            dict=str(words),
            lm=str(self._stock_lm) if not domain else None,
            loglevel="FATAL",
        )
        self._decoder = Decoder(config)
        # With the domain model, the stock one is added once the scripts' words are in the
        # dictionary (adding words rebuilds every search there is: 0.4 s for the stock one).
        self._stock: str | None = None if domain else self._decoder.current_search()
        self._searches = not domain  # whether the decoder has a search words would rebuild
        self._wake: tuple[str, float] | None = None
        self._use_domain = domain
        self._domain_ready = False
        self._watch_ready = False
        self._fit: float | None = None  # the last utterance's first reading, see _fit_now
        # How that reading was decoded (cepstral mean at its start, whole utterance or
        # streamed), so that a second reading is decoded alike and the two compare.
        self._fit_from = ("", False)
        self._utterance: list[bytes] = []
        self._elapsed = 0.0
        self._settled = False
        self._over: tuple[dict[str, str], float, float] | None = None
        self.name = "pocketsphinx+domain" if domain else "pocketsphinx"
        if domain and sentences:
            self.set_phrases(sentences)

    def set_phrases(self, sentences: Sequence[str]) -> None:
        """Build (or load from the cache) the domain model for these sentences and use it."""
        if not self._use_domain:
            return
        self._add_model(DOMAIN, sentences)
        self._domain_ready = True
        self._stock_search()

    def set_watch_phrases(self, sentences: Sequence[str]) -> None:
        """A model of these sentences only, for ``watch`` (not for the stock-only
        recogniser: it stands for what a user gets without Hearth's models)."""
        if sentences and self._use_domain:
            self._add_model(WATCH, sentences)
            self._watch_ready = True

    def _add_model(self, kind: str, sentences: Sequence[str]) -> None:
        """Add the search ``kind`` of a trigram model of ``sentences``, built once and cached
        by the sentences (an unchanged set of scripts loads the model built last time).

        The sentences' words that the decoder's dictionary lacks (the scripts' words outside
        the stock model: "childminder", "wellies") are kept beside the model, so a start
        from the cache reads those few entries instead of the wheel's whole dictionary."""
        digest = hashlib.sha256("\n".join(sentences).encode()).hexdigest()[:16]
        model = _cache_dir() / f"{kind}-{digest}.arpa"
        extra = model.with_suffix(".dict")
        if model.exists() and extra.exists():
            entries = [(word, phones) for _, word, phones in _pronunciations(extra)]
            self._add_words(entries)
        else:
            lookup = self._decoder.lookup_word
            missing = {w for s in sentences for w in s.split() if lookup(w) is None}
            entries = [(w, ph) for base, w, ph in _pronunciations(self._words) if base in missing]
            self._add_words(entries)
            _write_cache(extra, "".join(f"{word} {phones}\n" for word, phones in entries))
            _write_cache(model, build_arpa(sentences, known=lambda w: lookup(w) is not None))
        self._decoder.add_lm_file(kind, str(model))
        self._searches = True

    def _add_words(self, entries: Sequence[tuple[str, str]]) -> None:
        """Add the pronunciations the dictionary lacks (a model loaded again after a reload
        brings words added the first time)."""
        entries = [(w, phones) for w, phones in entries if self._decoder.lookup_word(w) is None]
        for i, (word, phones) in enumerate(entries):
            # Every search the decoder has is rebuilt for the new words once, with the last.
            self._decoder.add_word(word, phones, self._searches and i == len(entries) - 1)

    def _stock_search(self) -> str:
        """The stock model's search, added the first time it is needed."""
        if self._stock is None:
            self._decoder.add_lm_file(STOCK, str(self._stock_lm))
            self._searches = True
            self._stock = STOCK
        return self._stock

    def start(self) -> None:
        """Begin an utterance with the domain model (or the stock one)."""
        self.stop_listening_over()
        self._decoder.activate_search(DOMAIN if self._domain_ready else self._stock_search())
        self._utterance = []
        self._elapsed = 0.0
        self._fit = None
        self._fit_from = (self._decoder.get_cmn(False), False)
        self._decoder.start_utt()

    def feed(self, chunk: AudioChunk) -> str:
        """Decode more audio; returns the partial hypothesis."""
        data = chunk.for_speech().audio
        self._utterance.append(data)
        begin = time.perf_counter()
        self._decoder.process_raw(data, False, False)
        self._elapsed += time.perf_counter() - begin
        hyp = self._decoder.hyp()
        return hyp.hypstr if hyp is not None else ""

    def finish(self) -> Transcript:
        """End the utterance."""
        begin = time.perf_counter()
        self._decoder.end_utt()
        if not self._settled:
            # The decoder's live normalisation starts from a guess and only adapts while
            # it hears; the first utterance is decoded again once it has (the first
            # "hey hearth" after start-up came out as "because").
            self._settled = True
            self._fit_from = (self._decoder.get_cmn(False), True)
            self._decoder.start_utt()
            self._decoder.process_raw(b"".join(self._utterance), False, True)
            self._decoder.end_utt()
        self._elapsed += time.perf_counter() - begin
        if self._watch_ready:  # only a second reading compares with it
            self._fit = self._fit_now()
        return self._transcript(self.name)

    def watch(self) -> Transcript | None:
        """Decode the last utterance again with the watch model; its reading when it fits
        the sound ``WATCH_MARGIN`` better than the first reading did, else an empty text.

        The domain model knows the crisis sentences too, but among thousands of others;
        a crisis said by an unfamiliar voice loses words there ("i want to myself"). The
        watch model can only hear crisis sentences, so its reading alone means nothing:
        it counts only where the sound backs it as well as what was heard first.
        """
        if not self._watch_ready or self._fit is None or not self._utterance:
            return None
        self.stop_listening_over()
        begin = time.perf_counter()
        # Decoded from the same normalisation as the first reading: a second pass over the
        # same audio starts better adapted to it, and then fits any words better (9 of 240
        # other sentences became a crisis that way). The next utterance starts from the
        # mean the first reading left; the live mean's history still moves a little (in a
        # paired check 25 of 126 later readings differed, 104 against 105 understood).
        adapted = self._decoder.get_cmn(False)
        cmn, whole = self._fit_from
        self._decoder.set_cmn(cmn)
        self._decoder.activate_search(WATCH)
        self._decoder.start_utt()
        self._decoder.process_raw(b"".join(self._utterance), False, whole)
        self._decoder.end_utt()
        fit = self._fit_now()
        self._decoder.set_cmn(adapted)
        self._elapsed = time.perf_counter() - begin
        reading = self._transcript("pocketsphinx+watch")
        if fit is None or fit < self._fit + WATCH_MARGIN:
            return dataclasses.replace(reading, text="", confidence=0.0)
        return reading

    def _fit_now(self) -> float | None:
        """Log acoustic score per frame of the decoder's last best path (None if empty).

        The bindings hand scores out as probabilities (a segment over about two seconds
        long underflows to the floor below); per frame, so that readings of the same
        audio with different word boundaries compare."""
        segments = [s for s in self._decoder.seg() if s.word != "</s>"]
        frames = int(self._decoder.n_frames())
        if not segments or not frames:
            return None
        return float(sum(math.log(max(s.ascore, 1e-300)) for s in segments)) / frames

    def open_vocabulary(self) -> Transcript:
        """Decode the last utterance again with the stock English model."""
        self.stop_listening_over()
        if not self._domain_ready:
            # It was decoded with the stock model already: its reading is the answer.
            self._elapsed = 0.0
            return self._transcript("pocketsphinx")
        begin = time.perf_counter()
        self._decoder.activate_search(self._stock_search())
        self._decoder.start_utt()
        self._decoder.process_raw(b"".join(self._utterance), False, True)
        self._decoder.end_utt()
        self._elapsed = time.perf_counter() - begin
        return self._transcript("pocketsphinx")

    def spot(self, audio: AudioChunk, phrase: str, sensitivity: float) -> float | None:
        """Keyword search for the wake phrase; where it ends in ``audio``, or None.

        ``sensitivity`` 0..1 maps to PocketSphinx's threshold 1e-16..1e-32 (higher
        finds more, and falsely more). Measured on the bench corpus (six voices, chatter
        at 10 dB SNR): 1e-40 spotted 81% of wake lines but also woke on 44% of chatter
        lines; 1e-24, the default 0.5 now, spots 46% and wakes on 3%, and the domain
        transcript catches most of the rest without false wakes.
        """
        self.stop_listening_over()
        threshold = 10.0 ** -(16.0 + 16.0 * min(1.0, max(0.0, sensitivity)))
        if self._wake != (phrase, threshold):
            words = phrase.lower().split()
            if not words or any(self._decoder.lookup_word(w) is None for w in words):
                return None
            keyfile = _cache_dir() / "wake.kws"
            keyfile.parent.mkdir(parents=True, exist_ok=True)
            keyfile.write_text(f"{' '.join(words)} /{threshold:.0e}/\n", encoding="utf-8")
            self._decoder.add_kws(WAKE, str(keyfile))
            self._searches = True
            self._wake = (phrase, threshold)
        speech = audio.for_speech()
        self._decoder.activate_search(WAKE)
        # Live normalisation starts from a guess; let it settle on this audio first,
        # or a wake phrase at the very start of a stream is missed.
        self._decoder.start_utt()
        self._decoder.process_raw(speech.audio, True, False)
        self._decoder.end_utt()
        self._decoder.start_utt()
        end: float | None = None
        for piece in speech.split(0.05):
            self._decoder.process_raw(piece.audio, False, False)
            if self._decoder.hyp() is not None:
                end = max(s.end_frame for s in self._decoder.seg()) * FRAME_S
                break
        self._decoder.end_utt()
        return end

    def listen_over(self, expected: Sequence[str], targets: Sequence[str]) -> bool:
        """A grammar of the reply's own words and the targets, decoded as it streams.

        The echo of the reply is best explained by the reply's words, so a target wins
        only where something else was said: the reply's words are the garbage model that
        keyword spotting lacks (which fired on every echo, see bench/bargein_bench.py).
        """
        lookup = self._decoder.lookup_word
        known_targets = {
            t: " ".join(t.split())
            for t in targets
            if t.split() and all(lookup(w) is not None for w in t.split())
        }
        filler = sorted({w for w in expected if lookup(w) is not None} - set(known_targets))
        if not known_targets:
            return False
        if self._over is not None:
            self.stop_listening_over()
        choices = " | ".join(sorted(set(filler) | set(known_targets.values())))
        grammar = f"#JSGF V1.0;\ngrammar over;\npublic <s> = ( {choices} )+ ;\n"
        self._decoder.add_jsgf_string(OVER, grammar)
        self._searches = True
        self._decoder.activate_search(OVER)
        self._decoder.start_utt()
        self._over = ({f" {v} ": k for k, v in known_targets.items()}, 0.0, -1.0)
        return True

    def heard_over(self, chunk: AudioChunk) -> str | None:
        """Feed the microphone; the target once it has stayed in the hypothesis ``HEARD_OVER_S``."""
        if self._over is None:
            return None
        found, fed, since = self._over
        speech = chunk.for_speech()
        self._decoder.process_raw(speech.audio, False, False)
        fed += speech.seconds
        hyp = self._decoder.hyp()
        text = f" {hyp.hypstr} " if hyp is not None else ""
        heard = next((target for words, target in found.items() if words in text), None)
        since = (since if since >= 0 else fed) if heard else -1.0
        self._over = (found, fed, since)
        if heard is not None and fed - since >= HEARD_OVER_S:
            return heard
        return None

    def stop_listening_over(self) -> None:
        """End the streaming utterance (a later ``start`` picks the domain search again)."""
        if self._over is not None:
            self._over = None
            self._decoder.end_utt()

    def _transcript(self, engine: str) -> Transcript:
        hyp = self._decoder.hyp()
        text = " ".join(w for w in (hyp.hypstr if hyp else "").split() if not w.startswith("<"))
        confidence = 0.0
        if hyp is not None and text:
            confidence = min(1.0, max(0.0, self._decoder.get_logmath().exp(hyp.prob)))
        return Transcript(text, confidence, self._elapsed * 1000.0, engine)
