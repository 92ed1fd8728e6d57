"""Vosk: the primary engine, constrained to the intent scripts' words, with an open-vocabulary check.

One ``vosk.Model`` is loaded per model folder (and shared while in use); two
recognisers decode with it:

* **domain**: a runtime phrase list built from the scripts' sentences, cut
  down to the words the model knows, plus ``[unk]`` when the model has it, so
  that words outside the scripts come out as ``[unk]`` instead of being forced
  onto a phrase;
* **open**: the model's own graph and full vocabulary.

Vosk's grammar mode is known to answer grammar words for unrelated speech.
So ``finish()`` checks a domain result against the open vocabulary:

1. nothing heard: the empty result;
2. the domain result holds ``[unk]`` (the parent said words outside the
   scripts): the open-vocabulary result, which keeps free speech such as
   "I feel torn because..." (the domain result if the open one is empty);
3. the domain confidence is below ``LOW_CONFIDENCE`` (0.6), or the model has
   no ``[unk]`` word: the utterance is decoded again with the open
   vocabulary, and the domain result is kept only if at least half of its
   words are in the open-vocabulary text; otherwise the open-vocabulary
   result. (A model without ``[unk]`` cannot say "something else": it maps
   any sound, even noise, onto a phrase with a confidence near 1, so its
   domain results are always checked.)
4. otherwise the domain result.

Both results of the last utterance stay readable as ``last_domain`` and
``last_open`` (``None`` when not computed); ``open_vocabulary()`` decodes the
last utterance with the open vocabulary on request, as the PocketSphinx
engine does.

``watch()`` reads the last utterance again with a third recogniser, a phrase
list of the crisis sentences alone. Such a list maps any sound onto a crisis
phrase, so its reading counts only where the sound backs it: Vosk hands out no
acoustic score to compare (the PocketSphinx engine compares acoustic fit), so
the open-vocabulary reading of the same audio stands in for the sound, as it
does for the domain result: at least ``SUPPORT`` of the crisis reading's words
must be in it, and the crisis reading's mean word confidence must reach
``LOW_CONFIDENCE``.

Models with a static graph (``graph/HCLG.fst``, e.g. the big
``vosk-model-en-us-0.22``) cannot take a runtime phrase list: Vosk then logs
"Runtime graphs are not supported by this model" and decodes the whole
vocabulary. Vosk loads ``HCLG.fst`` whenever it exists and only builds runtime
graphs from ``HCLr.fst`` + ``Gr.fst`` otherwise, so the folder tells in
advance; this engine then logs a warning and recognises with the open
vocabulary (and has no crisis re-read: ``features`` says so).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import time
import weakref
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from audio.chunk import SPEECH_RATE, AudioChunk
from voice.recognition.recognizer import Feature, Recognizer, RecognizerError, Transcript
from voice.recognition.vosk_models import check_model, hint, require_model

log = logging.getLogger(__name__)

UNK = "[unk]"
"""Vosk's word for speech outside the phrase list (in models that have it)."""
LOW_CONFIDENCE = 0.6
"""Below this mean word confidence a domain result is checked against the open vocabulary."""
SUPPORT = 0.5
"""Share of a domain result's words that the open-vocabulary text must contain to keep it."""

Word = tuple[str, float]
"""A recognised word and its confidence."""

_models: weakref.WeakValueDictionary[str, Any] = weakref.WeakValueDictionary()


def _vosk() -> Any:
    try:
        import vosk  # type: ignore[import-untyped]
    except ImportError as err:  # pragma: no cover - dependency missing
        raise RecognizerError(f"Vosk is not installed ({err}); run `pip install vosk`") from None
    vosk.SetLogLevel(-1)
    return vosk


def _load_model(path: Path) -> Any:
    """The ``vosk.Model`` for ``path``, loaded once and shared while any recogniser uses it."""
    key = str(path.resolve())
    model = _models.get(key)
    if model is None:
        try:
            model = _vosk().Model(key)
        except Exception as err:  # vosk raises a bare Exception("Failed to create a model")
            raise RecognizerError(
                f"Vosk could not load the model at {path} ({err}); the folder may be damaged "
                f"or incomplete. {hint()}"
            ) from None
        _models[key] = model
    return model


def has_static_graph(path: Path) -> bool:
    """True for a model whose graph is fixed (``HCLG.fst``): no runtime phrase lists."""
    return (path / "graph" / "HCLG.fst").exists() or (path / "HCLG.fst").exists()


def phrase_list(sentences: Iterable[str], known: Callable[[str], bool]) -> list[str]:
    """The sentences cut down to runs of words the model knows, each run once, in order.

    The list's vocabulary is exactly the sentences' known words; keeping their
    order gives Vosk's bigram grammar the likely word sequences. An unknown
    word splits its sentence rather than joining its neighbours. ``[unk]`` in
    the input is ignored (it is added by the recogniser when the model has it).
    """
    seen: dict[str, None] = {}
    for sentence in sentences:
        run: list[str] = []
        for word in [*sentence.lower().split(), ""]:
            if word and word != UNK and known(word):
                run.append(word)
            elif run:
                seen.setdefault(" ".join(run))
                run = []
    return list(seen)


def _is_marker(word: str) -> bool:
    """``[unk]``, ``[noise]``, ``<unk>``...: not words a person said."""
    return (word.startswith("[") and word.endswith("]")) or (
        word.startswith("<") and word.endswith(">")
    )


def _words(result_json: str) -> list[Word]:
    result = json.loads(result_json)
    return [(str(w["word"]), float(w.get("conf", 0.0))) for w in result.get("result", [])]


def _text(words: Iterable[str]) -> str:
    return " ".join(w.lower() for w in words if not _is_marker(w))


def supported(domain_text: str, open_text: str) -> bool:
    """True when at least ``SUPPORT`` of the domain result's words are in the open-vocabulary text."""
    words = domain_text.split()
    if not words:
        return True
    heard = set(open_text.split())
    return sum(w in heard for w in words) >= SUPPORT * len(words)


class VoskRecognizer(Recognizer):
    """Vosk with a runtime phrase list from the intent scripts and an open-vocabulary check."""

    def __init__(
        self,
        model_path: str | os.PathLike[str] | None,
        sentences: Sequence[str] = (),
        *,
        grammar: bool = True,
    ) -> None:
        """``model_path``: an unpacked model folder (None: search as ``find_model`` does);
        ``sentences``: what parents say (expanded scripts); ``grammar=False``: open vocabulary only.
        """
        if model_path is None:
            self.model_path = require_model(None)
        else:
            self.model_path = check_model(Path(model_path).expanduser(), "the Vosk model path")
        self._vosk = _vosk()
        self._model = _load_model(self.model_path)
        self._open = self._recognizer(None)
        self._domain: Any = None
        self._use_grammar = grammar
        self._static = has_static_graph(self.model_path)
        self._warned_static = False
        self.has_unk = self._model.vosk_model_find_word(UNK) >= 0
        """Whether the model knows ``[unk]`` (without it, the domain cannot reject free speech)."""
        self.phrases: list[str] = []
        """The phrase list in force (empty: open vocabulary)."""
        self.last_domain: Transcript | None = None
        """The last utterance decoded with the phrase list, before the open-vocabulary check."""
        self.last_open: Transcript | None = None
        """The last utterance decoded with the open vocabulary, when that was done."""
        self._watch: Any = None
        self.features = frozenset(
            {Feature.OPEN_VOCABULARY} | (set() if self._static else {Feature.CRISIS_REREAD})
        )
        self._active: Any = self._open
        self._started = False
        self._dirty = False
        self._utterance: list[bytes] = []
        self._segments: list[list[Word]] = []
        self._elapsed = 0.0
        self.name = "vosk"
        if grammar and sentences:
            self.set_phrases(sentences)

    def _recognizer(self, grammar: str | None) -> Any:
        if grammar is None:
            rec = self._vosk.KaldiRecognizer(self._model, SPEECH_RATE)
        else:
            rec = self._vosk.KaldiRecognizer(self._model, SPEECH_RATE, grammar)
        rec.SetWords(True)
        return rec

    def knows(self, word: str) -> bool:
        """True when ``word`` is in the model's vocabulary."""
        return bool(self._model.vosk_model_find_word(word) >= 0)

    def set_phrases(self, sentences: Sequence[str]) -> None:
        """Build the runtime phrase list from these sentences and use it (when the model can)."""
        if not self._use_grammar:
            return
        if self._static:
            if not self._warned_static:
                log.warning(
                    "the Vosk model at %s has a static graph (HCLG.fst), which cannot take a "
                    "runtime phrase list; recognising with its open vocabulary",
                    self.model_path,
                )
                self._warned_static = True
            return
        phrases = phrase_list(sentences, self.knows)
        if not phrases:
            log.warning(
                "none of the script words are in the Vosk model's vocabulary; "
                "recognising with its open vocabulary"
            )
            self._domain, self.phrases, self.name = None, [], "vosk"
            return
        if self.has_unk:
            phrases.append(UNK)
        else:
            log.info(
                "the Vosk model at %s has no [unk] word, so every phrase-list result is "
                "checked against its open vocabulary",
                self.model_path,
            )
        self._domain = self._recognizer(json.dumps(phrases, ensure_ascii=False))
        self.phrases = phrases
        self.name = "vosk+domain"

    def set_watch_phrases(self, sentences: Sequence[str]) -> None:
        """A phrase list of these sentences only, for ``watch`` (when the model can take one)."""
        phrases = [] if self._static else phrase_list(sentences, self.knows)
        if not phrases:
            self._watch = None
            return
        if self.has_unk:
            phrases.append(UNK)
        self._watch = self._recognizer(json.dumps(phrases, ensure_ascii=False))

    def start(self) -> None:
        """Begin an utterance with the phrase list (or the open vocabulary)."""
        if self._dirty:
            self._active.Reset()
        self._active = self._domain if self._domain is not None else self._open
        self._dirty = False
        self._started = True
        self._utterance = []
        self._segments = []
        self._elapsed = 0.0
        self.last_domain = self.last_open = None

    def feed(self, chunk: AudioChunk) -> str:
        """Decode more audio; returns the partial text so far."""
        data = chunk.for_speech().audio
        self._utterance.append(data)
        self._dirty = True
        begin = time.perf_counter()
        if self._active.AcceptWaveform(data):  # an endpoint: keep this segment, go on
            self._segments.append(_words(self._active.Result()))
        partial = str(json.loads(self._active.PartialResult()).get("partial", ""))
        self._elapsed += time.perf_counter() - begin
        done = [w for segment in self._segments for w, _ in segment]
        return _text([*done, *partial.split()])

    def finish(self) -> Transcript:
        """End the utterance; a domain result is checked as the module docstring describes."""
        begin = time.perf_counter()
        words = [w for segment in self._segments for w in segment]
        words += _words(self._active.FinalResult())
        self._dirty = False
        self._elapsed += time.perf_counter() - begin
        result = self._transcript(words, self._elapsed, self.name)
        if self._active is self._open:
            self.last_open = result
            return result
        self.last_domain = result
        heard_unk = any(w == UNK for w, _ in words)
        if not heard_unk and not result.text:
            return result
        if not heard_unk and self.has_unk and result.confidence >= LOW_CONFIDENCE:
            return result
        open_ = self._read_open()
        total = result.asr_ms + open_.asr_ms
        if heard_unk:
            use_open = bool(open_.text) or not result.text
            why = "it heard words outside the scripts"
        else:
            use_open = not supported(result.text, open_.text)
            why = f"confidence {result.confidence:.2f}, and the open vocabulary heard otherwise"
        if use_open:
            log.info("domain result %r replaced by %r: %s", result.text, open_.text, why)
            return Transcript(open_.text, open_.confidence, total, open_.engine)
        return Transcript(result.text, result.confidence, total, result.engine)

    def open_vocabulary(self) -> Transcript | None:
        """Decode the last utterance again with the model's full vocabulary (no phrase list);
        None before the first utterance."""
        return self._read_open() if self._started else None

    def watch(self) -> Transcript | None:
        """The last utterance read with the crisis phrase list; an empty text when the
        open-vocabulary reading does not back it (see the module docstring), None when
        there is no crisis list or no audio."""
        audio = b"".join(self._utterance)
        if self._watch is None or not audio:
            return None
        begin = time.perf_counter()
        self._watch.AcceptWaveform(audio)
        words = _words(self._watch.FinalResult())
        open_ = self._read_open()
        watched = self._transcript(words, time.perf_counter() - begin, "vosk+watch")
        backed = watched.confidence >= LOW_CONFIDENCE and supported(watched.text, open_.text)
        if watched.text and backed:
            return watched
        return dataclasses.replace(watched, text="", confidence=0.0)

    def _read_open(self) -> Transcript:
        """The open-vocabulary reading of the utterance so far, decoded once per utterance."""
        if self.last_open is not None:
            return self.last_open
        begin = time.perf_counter()
        if self._active is self._open and self._dirty:
            self._open.Reset()  # called mid-utterance: start the open decoder afresh
            self._dirty = False
        self._open.AcceptWaveform(b"".join(self._utterance))
        words = _words(self._open.FinalResult())
        self.last_open = self._transcript(words, time.perf_counter() - begin, "vosk")
        return self.last_open

    @staticmethod
    def _transcript(words: list[Word], seconds: float, engine: str) -> Transcript:
        said = [(w, c) for w, c in words if not _is_marker(w)]
        text = _text(w for w, _ in said)
        confidence = sum(c for _, c in said) / len(said) if said else 0.0
        return Transcript(text, min(1.0, max(0.0, confidence)), seconds * 1000.0, engine)
