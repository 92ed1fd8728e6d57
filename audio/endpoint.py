"""Where speech starts and ends in a 16 kHz mono int16 stream.

Each 30 ms frame is classified by pocketsphinx 5's ``Vad`` (WebRTC's detector).
Speech starts when most of the last ``min_speech_s`` is voiced, and ends after
``trailing_silence_s`` of (almost only) unvoiced frames. Start and end are
decided separately, so a short "yes" is caught even with a long trailing
silence (pocketsphinx's own ``Endpointer`` uses one window for both).

WebRTC's detector calls distant babble (a television, people talking in the next
room) speech, so in a noisy kitchen an utterance never ended: with kitchen noise
at 10 dB the end came only when the noise stopped (``bench/endpoint_bench.py``).
A frame therefore also has to stand ``noise_gate_db`` above the room's noise
floor, the quietest tenth of the last few seconds (minimum statistics, as noise
estimators in speech enhancement track it).
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from enum import IntEnum
from typing import TypeAlias

import numpy as np
from pocketsphinx import Vad

from audio.chunk import SPEECH_RATE, AudioChunk, AudioError

_START_RATIO = 0.8
"""Share of voiced frames in the start window that makes speech start."""
_END_RATIO = 0.9
"""Share of unvoiced frames in the trailing window that makes speech end."""
_FLOOR_S = 4.0
"""How much recent audio the noise floor is taken from."""
_FLOOR_SHARE = 10
"""The floor is this percentile of the recent frames' levels."""


class VadMode(IntEnum):
    """How readily a frame counts as speech: LOOSE catches soft voices, STRICT ignores more noise."""

    LOOSE = 0
    MEDIUM_LOOSE = 1
    MEDIUM_STRICT = 2
    STRICT = 3


@dataclass(frozen=True)
class SpeechStarted:
    """Speech began."""

    time: float
    """Stream time (seconds since the first chunk) of the first voiced frame."""
    audio: AudioChunk
    """The pre-roll before ``time`` and the speech heard so far."""
    audio_start: float
    """Stream time of the first sample of ``audio``."""


@dataclass(frozen=True)
class SpeechEnded:
    """Speech ended: the whole utterance."""

    start: float
    """Stream time of the first voiced frame."""
    end: float
    """Stream time just after the last voiced frame."""
    audio: AudioChunk
    """Pre-roll, speech and the trailing silence heard until the end was decided."""
    audio_start: float
    """Stream time of the first sample of ``audio``."""
    rest: AudioChunk
    """The end of ``audio`` that :meth:`SpeechDetector.take_speech` had not handed out yet
    (all of it after the frames ``SpeechStarted`` carried, when nothing was taken)."""
    cut: bool = False
    """True when the utterance reached ``max_utterance_s`` and was cut there."""


SpeechEvent: TypeAlias = SpeechStarted | SpeechEnded


class SpeechDetector:
    """Feed audio of any chunk size; get ``SpeechStarted`` / ``SpeechEnded`` events back.

    The default ``VadMode.MEDIUM_STRICT`` still finds speech 20 dB below full
    scale and ignores white noise up to about -40 dBFS (``LOOSE`` does not).
    """

    def __init__(
        self,
        trailing_silence_s: float = 0.4,
        vad_mode: VadMode = VadMode.MEDIUM_STRICT,
        min_speech_s: float = 0.15,
        pre_roll_s: float = 0.3,
        max_utterance_s: float = 30.0,
        noise_gate_db: float = 4.5,
    ) -> None:
        """``noise_gate_db``: how far above the noise floor a frame must be to count as
        speech (0 turns the gate off: the WebRTC detector alone decides)."""
        _check_range("trailing_silence_s", trailing_silence_s, 0.1, 5.0)
        _check_range("min_speech_s", min_speech_s, 0.03, 2.0)
        _check_range("pre_roll_s", pre_roll_s, 0.0, 5.0)
        _check_range("max_utterance_s", max_utterance_s, 1.0, 600.0)
        if not 0.0 <= noise_gate_db <= 30.0:
            raise AudioError(f"noise_gate_db must be between 0 and 30 dB, not {noise_gate_db}")
        self.noise_gate_db = noise_gate_db
        self._vad = Vad(int(vad_mode), SPEECH_RATE)
        self._frame_bytes: int = self._vad.frame_bytes
        self.frame_s = self._frame_bytes / 2 / SPEECH_RATE
        """Length of one VAD frame (30 ms)."""
        self._start_frames = max(1, round(min_speech_s / self.frame_s))
        self._start_needed = max(1, math.ceil(_START_RATIO * self._start_frames))
        self._end_frames = max(2, round(trailing_silence_s / self.frame_s))
        self._end_allowed = int((1.0 - _END_RATIO) * self._end_frames)
        self._pre_roll_frames = round(pre_roll_s / self.frame_s)
        self._max_frames = round(max_utterance_s / self.frame_s)
        self._floor_frames = round(_FLOOR_S / self.frame_s)
        self.reset()

    def reset(self) -> None:
        """Forget everything; the next chunk starts a new stream at time 0."""
        self._pending = bytearray()
        self._index = 0
        self._recent: deque[tuple[bytes, bool]] = deque(
            maxlen=self._pre_roll_frames + self._start_frames
        )
        self._utterance: list[bytes] | None = None
        self._taken = 0
        self._tail: deque[tuple[int, bool]] = deque(maxlen=self._end_frames)
        self._start_index = 0
        self._audio_start_index = 0
        self._end_index = 0
        self._levels: deque[float] = deque(maxlen=self._floor_frames)
        self._floor = -100.0

    @property
    def in_speech(self) -> bool:
        """Whether an utterance has started and not yet ended."""
        return self._utterance is not None

    def feed(self, chunk: AudioChunk) -> list[SpeechEvent]:
        """Process a chunk (any length) and return the events it completes, in order."""
        if (chunk.rate, chunk.width, chunk.channels) != (SPEECH_RATE, 2, 1):
            raise AudioError(
                f"speech detection needs 16 kHz mono 16-bit audio, not {chunk.rate} Hz "
                f"{8 * chunk.width}-bit x{chunk.channels}; convert with chunk.for_speech() "
                "or audio.convert.SpeechConverter"
            )
        self._pending += chunk.audio
        size = self._frame_bytes
        whole = len(self._pending) // size * size
        events: list[SpeechEvent] = []
        for pos in range(0, whole, size):
            event = self._frame(bytes(self._pending[pos : pos + size]))
            if event is not None:
                events.append(event)
        del self._pending[:whole]
        return events

    def take_speech(self) -> AudioChunk:
        """The open utterance's audio that neither ``SpeechStarted`` nor an earlier call
        handed out (empty between utterances): to decode an utterance while it is said."""
        if self._utterance is None:
            return _chunk([])
        frames = self._utterance[self._taken :]
        self._taken = len(self._utterance)
        return _chunk(frames)

    def flush(self) -> list[SpeechEvent]:
        """End of stream: end an open utterance, then reset for a new stream."""
        events: list[SpeechEvent] = []
        if self._utterance is not None:
            self._utterance.append(bytes(self._pending))
            voiced = [index + 1 for index, is_speech in self._tail if is_speech]
            self._end_index = max([self._end_index, *voiced])
            events.append(self._ended(self._utterance, cut=False))
        self.reset()
        return events

    def _voiced(self, frame: bytes) -> bool:
        """WebRTC says speech, and the frame stands out of the room's noise."""
        speech = bool(self._vad.is_speech(frame))
        if not self.noise_gate_db:
            return speech
        samples = np.frombuffer(frame, dtype="<i2").astype(np.float32) / 32768.0
        level = 10.0 * math.log10(float(np.mean(samples * samples)) + 1e-10)
        self._levels.append(level)
        if self._index % 10 == 0:  # the floor moves slowly; every 0.3 s is plenty
            self._floor = float(np.percentile(self._levels, _FLOOR_SHARE))
        return speech and level >= self._floor + self.noise_gate_db

    def _frame(self, frame: bytes) -> SpeechEvent | None:
        voiced = self._voiced(frame)
        index = self._index
        self._index += 1
        if self._utterance is None:
            self._recent.append((frame, voiced))
            return self._maybe_start(index)
        self._utterance.append(frame)
        self._push_tail(index, voiced)
        tail_voiced = sum(is_speech for _, is_speech in self._tail)
        if len(self._tail) == self._end_frames and tail_voiced <= self._end_allowed:
            return self._ended(self._utterance, cut=False)
        if len(self._utterance) >= self._max_frames:
            self._end_index = self._index
            return self._ended(self._utterance, cut=True)
        return None

    def _maybe_start(self, index: int) -> SpeechStarted | None:
        recent = list(self._recent)
        window = [is_speech for _, is_speech in recent[-self._start_frames :]]
        if sum(window) < self._start_needed:
            return None
        onset = index - len(window) + 1 + window.index(True)
        first = index - len(recent) + 1
        keep_from = max(first, onset - self._pre_roll_frames)
        kept = recent[keep_from - first :]
        self._utterance = [frame for frame, _ in kept]
        self._taken = len(self._utterance)
        self._start_index = onset
        self._audio_start_index = keep_from
        self._end_index = onset + 1
        self._tail.clear()
        for offset, (_, is_speech) in enumerate(kept):
            if keep_from + offset >= onset:
                self._push_tail(keep_from + offset, is_speech)
        self._recent.clear()
        return SpeechStarted(
            time=onset * self.frame_s,
            audio=_chunk(self._utterance),
            audio_start=keep_from * self.frame_s,
        )

    def _push_tail(self, index: int, voiced: bool) -> None:
        """Add a frame to the trailing window; a voiced frame leaving it moves the end forward."""
        if len(self._tail) == self._end_frames:
            old_index, old_voiced = self._tail[0]
            if old_voiced:
                self._end_index = max(self._end_index, old_index + 1)
        self._tail.append((index, voiced))

    def _ended(self, utterance: list[bytes], cut: bool) -> SpeechEnded:
        event = SpeechEnded(
            start=self._start_index * self.frame_s,
            end=self._end_index * self.frame_s,
            audio=_chunk(utterance),
            audio_start=self._audio_start_index * self.frame_s,
            cut=cut,
            rest=_chunk(utterance[self._taken :]),
        )
        self._utterance = None
        self._tail.clear()
        self._recent.clear()
        return event


def _chunk(frames: list[bytes]) -> AudioChunk:
    return AudioChunk(SPEECH_RATE, 2, 1, b"".join(frames))


def _check_range(name: str, value: float, low: float, high: float) -> None:
    if not low <= value <= high:
        raise AudioError(f"{name} must be between {low} and {high} seconds, not {value}")
