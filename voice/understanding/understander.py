"""From an utterance's audio to meaning: recognise, match, and fall back to open vocabulary.

The recogniser first decodes with the domain model built from the scripts.
When that text means nothing to the matcher, the same audio is decoded again
with the engine's open-vocabulary model, so free speech still gets through.
A sentence not understood surely is also read once more with a model of the
crisis sentences alone, so that a crisis is not lost to a misheard word.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from audio.chunk import AudioChunk
from voice.recognition.language_model import crisis_sentences, training_sentences
from voice.recognition.recognizer import Recognizer, Transcript
from voice.scripts.model import CRISIS_INTENT, ScriptSet
from voice.text import normalize
from voice.understanding.library import ScriptLibrary
from voice.understanding.result import MatchResult

FALLBACK_MARGIN = 0.1
"""How much surer the matcher must be of open-vocabulary text than of domain text."""
WATCH_SHARED = 0.2
"""Share of the crisis reading's words that the first reading must have heard too.
Measured with the fit check (``voice.recognition.pocketsphinx.crisis.WATCH_MARGIN``, there
at 0.0) on the dev crisis sentences and 240 others x six voices: clean, 17 missed crises
rescued and 4 others turned into a crisis without it, 13 and 3 with it; at 10 dB, 38 and
13 without, 33 and 6 with it. Word salad from noise is where a crisis-only model finds a
crisis nobody said ("thinking of dying" for "okay thanks, bye")."""

SURE_ENOUGH = 0.95
"""A first reading understood at least this surely is not read again as a crisis. On the
dev crisis sentences x six voices, no crisis the second reading rescued had been taken for
something else above 0.88 (clean and 10 dB), while about a fifth of all utterances are
understood above 0.95: the everyday check-ins, whose reply waits for the second reading
(it added 180 ms to the median reply latency)."""


@dataclass(frozen=True)
class Understanding:
    """What Hearth heard and what it means."""

    transcript: Transcript
    """The text used (domain or open vocabulary)."""
    result: MatchResult
    """The matcher's view of that text."""
    timings: dict[str, float] = field(default_factory=dict)
    """Milliseconds per stage: ``asr_ms``, ``match_ms`` (and ``fallback_ms``, ``watch_ms``
    when used)."""
    first_reading: MatchResult | None = None
    """What the first reading meant, when the crisis-only second reading replaced it
    (so that the benchmark measures what the second reading changes, in the same pass)."""

    @property
    def second_reading(self) -> bool:
        """Whether the meaning came from reading the sound again as a crisis sentence (the
        first reading missed it): Hearth is less sure it heard right, and says so."""
        return self.first_reading is not None

    def as_json(self) -> dict[str, Any]:
        """The line ``hearth understand --json`` prints (without ``file``)."""
        return self.result.as_json(self.transcript.text, self.timings)


class Understander:
    """A recogniser kept in step with the scripts, and the matcher."""

    def __init__(
        self,
        recognizer: Recognizer,
        library: ScriptLibrary,
        extra: tuple[str, ...] = (),
    ) -> None:
        """``extra``: sentences the recogniser should also expect (the wake phrase)."""
        self.recognizer = recognizer
        self.library = library
        self._extra = extra
        self._scripts: ScriptSet | None = None
        self.refresh()

    def refresh(self) -> None:
        """Rebuild the recogniser's domain model if the scripts changed (after a reload)."""
        scripts = self.library.brain.scripts
        if scripts is not self._scripts:
            self.recognizer.set_phrases(training_sentences(scripts, self._extra))
            self.recognizer.set_watch_phrases(crisis_sentences(scripts))
            self._scripts = scripts

    def understand(self, audio: AudioChunk) -> Understanding:
        """Recognise one utterance and match it."""
        return self.understand_transcript(self.transcribe(audio))

    def transcribe(self, audio: AudioChunk) -> Transcript:
        """Recognise one utterance with the domain model only (no matching, no fallback)."""
        self.refresh()
        return self.recognizer.recognize(audio.split(0.1))

    def understand_transcript(self, transcript: Transcript) -> Understanding:
        """Match what ``transcribe`` just gave, decoding the same utterance again with the
        open-vocabulary model when the domain text means nothing."""
        timings = {"asr_ms": transcript.asr_ms}
        result = self._match(transcript.text, timings)
        other = None
        if result.best is None and result.reason != "not for hearth":
            other = self.recognizer.open_vocabulary()
        if other is not None:
            timings["fallback_ms"] = other.asr_ms
            other_result = self._match(other.text, timings)
            # Open-vocabulary text of unexpected speech is often a few stray words; only
            # a clearly better reading replaces the domain one.
            trusted = (
                other_result.best is not None
                and other_result.best.confidence
                >= self.library.brain.matcher.threshold + FALLBACK_MARGIN
            )
            if trusted or not transcript.text:
                transcript, result = other, other_result
        sure = result.best is not None and result.best.confidence >= SURE_ENOUGH
        if result.intent != CRISIS_INTENT and not sure:
            # A crisis must not be lost to a misheard word: the utterance is read once
            # more as a crisis sentence, which counts if the sound backs it as well.
            watched = self.recognizer.watch()
            if watched is not None:
                timings["watch_ms"] = watched.asr_ms
            if (
                watched is not None
                and watched.text
                and _shared(watched.text, transcript.text) >= WATCH_SHARED
            ):
                watched_result = self._match(watched.text, timings)
                if watched_result.intent == CRISIS_INTENT:
                    return Understanding(watched, watched_result, timings, first_reading=result)
        return Understanding(transcript, result, timings)

    def _match(self, text: str, timings: dict[str, float]) -> MatchResult:
        begin = time.perf_counter()
        result = self.library.brain.matcher.match(text)
        timings["match_ms"] = timings.get("match_ms", 0.0) + (time.perf_counter() - begin) * 1000.0
        return result


def _shared(reading: str, heard: str) -> float:
    """Share of ``reading``'s words that are also in ``heard``."""
    words = normalize(reading).split()
    known = set(normalize(heard).split())
    return sum(w in known for w in words) / len(words) if words else 0.0
