"""Take Hearth's own voice out of what the microphone hears (acoustic echo cancellation).

A kitchen device's loudspeaker sits next to its microphone, so while Hearth
talks the microphone hears mostly Hearth. Speex's echo canceller (speexdsp,
through the ``speexdsp`` Python bindings) learns the path from the speaker to
the microphone and subtracts the reply being played, so a parent's "stop" can
be heard over it. The reference is the reply itself, queued when playback
starts; between replies the canceller idles and keeps what it learned about
the room.

The bindings are compiled against libspeexdsp at install time; where they are
missing, ``EchoCanceller.available()`` is False and Hearth falls back to
ignoring its own words (see ``voice.loop``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from audio.chunk import SPEECH_RATE, AudioChunk, AudioError


class EchoCanceller:
    """Streams microphone audio through Speex AEC against the reply being played."""

    def __init__(self, frame_s: float = 0.016, tail_s: float = 0.4) -> None:
        """``tail_s``: how long an echo path (delay plus room reverberation) it can learn."""
        self.frame = round(frame_s * SPEECH_RATE)
        self._canceller: Any = _speexdsp().EchoCanceller.create(
            self.frame, round(tail_s * SPEECH_RATE), SPEECH_RATE
        )
        self._far = np.zeros(0, dtype="<i2")
        self._near = np.zeros(0, dtype="<i2")

    @staticmethod
    def available() -> bool:
        """Whether the speexdsp bindings are installed."""
        try:
            _speexdsp()
        except AudioError:
            return False
        return True

    def playing(self, reply: AudioChunk) -> None:
        """The speaker starts playing ``reply`` now (after whatever is still queued)."""
        samples = np.frombuffer(reply.for_speech().audio, dtype="<i2")
        if not len(self._far):
            # The microphone samples still waiting for a whole frame were heard before
            # the reply started: the reference begins after them.
            samples = np.concatenate([np.zeros(len(self._near), dtype=samples.dtype), samples])
        self._far = np.concatenate([self._far, samples])

    def stopped(self) -> None:
        """Playback was cut (barge-in): nothing more is coming out of the speaker."""
        self._far = np.zeros(0, dtype="<i2")

    @property
    def active(self) -> bool:
        """Whether a reply is still being played (and cancelled)."""
        return len(self._far) > 0

    def process(self, mic: AudioChunk) -> AudioChunk:
        """The microphone chunk (16 kHz mono) with the playing reply taken out.

        Samples are cancelled in whole frames; a partial frame waits for the next
        chunk, so the output may lag the input by less than one frame.
        """
        near = np.concatenate([self._near, np.frombuffer(mic.audio, dtype="<i2")])
        whole = len(near) - len(near) % self.frame
        out = np.empty(whole, dtype="<i2")
        for start in range(0, whole, self.frame):
            frame = near[start : start + self.frame]
            far = self._far[: self.frame]
            self._far = self._far[self.frame :]
            if len(far) == 0:
                out[start : start + self.frame] = frame  # silent speaker: nothing to take out
                continue
            if len(far) < self.frame:
                far = np.pad(far, (0, self.frame - len(far)))
            cleaned = self._canceller.process(frame.tobytes(), far.tobytes())
            out[start : start + self.frame] = np.frombuffer(cleaned, dtype="<i2")
        self._near = near[whole:]
        return AudioChunk(SPEECH_RATE, 2, 1, out.tobytes())


def _speexdsp() -> Any:
    try:
        import speexdsp
    except ImportError as e:
        raise AudioError(
            f"echo cancellation needs the speexdsp bindings ({e}); install them with "
            "`sudo apt-get install libspeexdsp-dev swig` then `pip install speexdsp`"
        ) from None
    return speexdsp
