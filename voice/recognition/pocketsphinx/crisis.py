"""The crisis re-read: the last utterance decoded again with a model of the crisis sentences.

The domain model knows the crisis sentences too, but among thousands of others;
a crisis said by an unfamiliar voice loses words there ("i want to myself"). The
watch model can only hear crisis sentences, so its reading alone means nothing:
it counts only where the sound backs it as well as what was heard first.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Sequence

from voice.recognition.pocketsphinx.decoder import (
    SharedDecoder,
    acoustic_fit,
    decode_again,
    reading,
)
from voice.recognition.pocketsphinx.domain import Heard
from voice.recognition.recognizer import Transcript

WATCH = "watch"
"""The crisis model's search."""
ENGINE = "pocketsphinx+watch"
WATCH_MARGIN = 0.1
"""How much better (log acoustic score per frame) the watch reading must fit the sound
than the domain reading did. Measured on the dev crisis sentences and 240 others x six
voices, with the shared-words check of voice/understanding/understander.py: at 0.0,
clean, more missed crises were rescued but more other sentences turned into a crisis,
and two seconds of white noise became one; 0.1 keeps most of the rescues and few of the
false ones (bench/speech_bench.py measures the whole pipeline per condition)."""


class CrisisWatch:
    """The crisis model's search on the shared decoder, and the fit check of its reading."""

    def __init__(self, decoder: SharedDecoder) -> None:
        """``decoder``: the shared decoder the first reading was made with."""
        self._decoder = decoder
        self.ready = False
        """Whether a crisis model is in place (only then is a first reading's fit measured)."""

    def set_phrases(self, sentences: Sequence[str]) -> None:
        """Build (or load from the cache) the model of these sentences only."""
        if sentences:
            self._decoder.add_model(WATCH, sentences)
            self.ready = True

    def reread(self, heard: Heard) -> Transcript | None:
        """``heard`` decoded with the watch model: its reading when it fits the sound
        ``WATCH_MARGIN`` better than the first reading did, else an empty text; None
        when there is no model or nothing to compare with."""
        if not self.ready or heard.fit is None or not heard.audio:
            return None
        ps = self._decoder.ps
        begin = time.perf_counter()
        # Decoded from the same normalisation as the first reading: a second pass over the
        # same audio starts better adapted to it, and then fits any words better (other
        # sentences became a crisis that way). The next utterance starts from the mean
        # the first reading left; the live mean's history still moves a little.
        adapted = ps.get_cmn(False)
        ps.set_cmn(heard.cmn)
        ps.activate_search(WATCH)
        decode_again(ps, heard.audio, heard.whole)
        fit = acoustic_fit(ps)
        ps.set_cmn(adapted)
        watched = reading(ps, ENGINE, time.perf_counter() - begin)
        if fit is None or fit < heard.fit + WATCH_MARGIN:
            return dataclasses.replace(watched, text="", confidence=0.0)
        return watched
