"""Text-to-speech: reply text in, an ``AudioChunk`` out, through pyttsx3 (espeak-ng on Linux).

pyttsx3 can speak aloud, but its own playback can be neither stopped nor timed,
so Hearth only asks it to *render*: ``engine.save_to_file`` + ``runAndWait``
write a WAV file in a temporary folder, which is read back into an
``AudioChunk`` (espeak writes 22 050 Hz mono 16-bit) and played by ``audio``
later. Rendered replies are kept in an LRU cache keyed by (text, settings), so
the common ones start at once.

pyttsx3's espeak driver needs care, and this module takes it:

* espeak-ng is one synthesiser per process with a single audio callback, and
  every new pyttsx3 espeak engine takes that callback from the others (whose
  next ``runAndWait`` then never finishes; a discarded engine even clears it).
  Every ``Synthesizer`` therefore keeps the process's engine from
  ``pyttsx3.init()`` and reuses it, points the callback back at that engine's
  driver before each rendering, and applies voice, rate and volume every time,
  all under a process-wide lock.
* The callback runs on espeak's own thread, and ``runAndWait`` can return
  before the file is written (it does on an engine's first run). Completion is
  taken from the engine's ``finished-utterance`` event instead, with a
  deadline; a watchdog ends a driver loop that would otherwise never stop.
* Errors inside the driver (a voice it cannot set, say) are swallowed by
  pyttsx3's command queue; they are collected from its ``error`` event.
* A rendering that leaves no file, an empty one or an error is retried once,
  then reported as ``TtsError``.
"""

from __future__ import annotations

import logging
import sys
import tempfile
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from audio.chunk import AudioChunk, AudioError
from audio.wav import read_wav
from voice.errors import HearthError

__all__ = [
    "DEFAULT_SETTINGS",
    "INSTALL_HINT",
    "Synthesizer",
    "TtsError",
    "VoiceSettings",
]

INSTALL_HINT = "Install espeak-ng: sudo apt-get install espeak-ng"
"""The fix for a machine on which no speech engine starts."""

OUTPUT_RATE = 22_050
"""Sample rate espeak-ng renders at (used for the empty chunk of empty text)."""

MIN_RATE, MAX_RATE, RATE_STEP = 100, 260, 20
"""Words per minute reachable by ``slower()`` / ``faster()``, and their step."""

MIN_VOLUME, MAX_VOLUME, VOLUME_STEP = 0.2, 1.0, 0.1
"""Volumes reachable by ``softer()`` / ``louder()``, and their step."""

_PREFERRED_DEFAULT_VOICES = ("gmw/en-us", "gmw/en", "en-us", "en")
"""Voice ids tried, in order, for the default English voice (espeak-ng's ids first)."""

_ENGINE_LOCK = threading.RLock()
"""espeak-ng has one synthesiser per process: one rendering at a time."""

log = logging.getLogger(__name__)


class TtsError(HearthError):
    """Speech that cannot be synthesised; the message says what to do."""


@dataclass(frozen=True)
class VoiceSettings:
    """How Hearth's voice sounds. Immutable: adjusting returns a new value."""

    voice: str = ""
    """pyttsx3 voice id or a substring of its name ("" = the default English voice)."""
    rate: int = 165
    """Speaking rate in words per minute."""
    volume: float = 0.9
    """Loudness from 0 (silent) to 1 (full)."""

    def __post_init__(self) -> None:
        if isinstance(self.rate, bool) or not isinstance(self.rate, int) or self.rate <= 0:
            raise TtsError(
                f"voice rate must be a whole number of words per minute such as 165, got {self.rate!r}"
            )
        if not 0.0 <= self.volume <= 1.0:
            raise TtsError(
                f"voice volume must be between 0 and 1 (such as 0.9), got {self.volume!r}"
            )

    def slower(self) -> VoiceSettings:
        """Twenty words per minute slower, not below 100 (never faster than now)."""
        return replace(self, rate=max(min(self.rate, MIN_RATE), self.rate - RATE_STEP))

    def faster(self) -> VoiceSettings:
        """Twenty words per minute faster, not above 260 (never slower than now)."""
        return replace(self, rate=min(max(self.rate, MAX_RATE), self.rate + RATE_STEP))

    def louder(self) -> VoiceSettings:
        """A tenth louder, at most full volume."""
        return replace(self, volume=round(min(MAX_VOLUME, self.volume + VOLUME_STEP), 2))

    def softer(self) -> VoiceSettings:
        """A tenth softer, not below 0.2 (never louder than now)."""
        floor = min(self.volume, MIN_VOLUME)
        return replace(self, volume=round(max(floor, self.volume - VOLUME_STEP), 2))


DEFAULT_SETTINGS = VoiceSettings()
"""The voice Hearth starts with."""


class Synthesizer:
    """Renders text to audio with pyttsx3, caching recent replies.

    Safe to share between threads; renderings are serialised because the
    underlying engine is one per process.
    """

    settings: VoiceSettings
    """The voice used from the next ``synthesize`` call on; may be replaced at any time."""

    def __init__(
        self,
        settings: VoiceSettings = DEFAULT_SETTINGS,
        cache_size: int = 64,
        *,
        driver: str | None = None,
        timeout: float = 20.0,
    ) -> None:
        """Start the engine and check the voice.

        ``driver`` names a pyttsx3 driver (``None``: the platform's default,
        espeak on Linux); ``timeout`` bounds one rendering in seconds. Raises
        ``TtsError`` when no engine starts or ``settings.voice`` matches no voice.
        """
        if cache_size < 0:
            raise TtsError(f"the speech cache size must be 0 or more, got {cache_size}")
        if timeout <= 0:
            raise TtsError(f"the speech timeout must be positive, got {timeout}")
        self.settings = settings
        self.cache_size = cache_size
        self.timeout = timeout
        self._engine = _start_engine(driver)
        self._cache: OrderedDict[tuple[str, VoiceSettings], AudioChunk] = OrderedDict()
        self._cache_lock = threading.Lock()
        self._voices: list[tuple[str, str]] | None = None
        self._voice_ids: dict[str, str | None] = {}
        self._voice_id(settings.voice)

    @staticmethod
    def available() -> bool:
        """True when a speech engine can start on this machine."""
        try:
            _start_engine(None)
        except TtsError:
            return False
        return True

    def voices(self) -> list[tuple[str, str]]:
        """The engine's voices as (id, name) pairs."""
        if self._voices is None:
            with _ENGINE_LOCK:
                try:
                    found = self._engine.getProperty("voices")
                except Exception as exc:
                    raise TtsError(
                        f"the speech engine cannot list its voices ({exc}). {INSTALL_HINT}"
                    ) from exc
            self._voices = [(str(v.id), str(v.name or v.id)) for v in found or []]
        return list(self._voices)

    def synthesize(self, text: str) -> AudioChunk:
        """``text`` spoken with the current settings (empty audio for blank text).

        Repeated (text, settings) pairs return the cached chunk itself.
        """
        spoken = text.strip()
        if not spoken:
            return AudioChunk(OUTPUT_RATE, 2, 1, b"")
        settings = self.settings
        key = (spoken, settings)
        with self._cache_lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
                return cached
        chunk = self._render(spoken, settings)
        if self.cache_size:
            with self._cache_lock:
                self._cache[key] = chunk
                self._cache.move_to_end(key)
                while len(self._cache) > self.cache_size:
                    self._cache.popitem(last=False)
        return chunk

    # -- voices ---------------------------------------------------------------

    def _voice_id(self, wanted: str) -> str | None:
        """The engine's id for ``wanted`` (None: leave the engine's default); raises TtsError."""
        if wanted not in self._voice_ids:
            self._voice_ids[wanted] = _match_voice(wanted, self.voices())
        return self._voice_ids[wanted]

    # -- rendering ------------------------------------------------------------

    def _render(self, text: str, settings: VoiceSettings) -> AudioChunk:
        """Render through a WAV file, retrying once when the file comes out missing or empty."""
        voice_id = self._voice_id(settings.voice)
        problem = ""
        with _ENGINE_LOCK, tempfile.TemporaryDirectory(prefix="hearth-tts-") as folder:
            for attempt in (1, 2):
                path = Path(folder) / f"speech-{attempt}.wav"
                problem = self._render_once(text, settings, voice_id, path)
                if not problem:
                    chunk = _read_wav(path)
                    if chunk is not None and chunk.frames:
                        return chunk
                    problem = "the engine wrote no audio"
                log.warning("text-to-speech attempt %d failed: %s", attempt, problem)
        raise TtsError(
            f"could not synthesise {_preview(text)}: {problem}. "
            f"Check that `espeak-ng hello` speaks; if the command is missing: {INSTALL_HINT}"
        )

    def _render_once(
        self, text: str, settings: VoiceSettings, voice_id: str | None, path: Path
    ) -> str:
        """One save_to_file + runAndWait; returns what went wrong ("" when it finished)."""
        engine = self._engine
        finished = threading.Event()
        errors: list[str] = []

        def on_finished(**_: object) -> None:
            finished.set()

        def on_error(**event: object) -> None:
            errors.append(str(event.get("exception") or "unknown error"))

        tokens = [
            engine.connect("finished-utterance", on_finished),
            engine.connect("error", on_error),
        ]
        deadline = time.monotonic() + self.timeout
        watchdog = threading.Timer(self.timeout, self._end_loop)
        watchdog.daemon = True
        try:
            _reclaim_callback(engine)
            if voice_id is not None:
                engine.setProperty("voice", voice_id)
            engine.setProperty("rate", settings.rate)
            engine.setProperty("volume", settings.volume)
            engine.save_to_file(text, str(path))
            watchdog.start()
            try:
                engine.runAndWait()
            finally:
                watchdog.cancel()
            # The driver renders on espeak's thread; runAndWait may return first.
            if not finished.wait(max(0.0, deadline - time.monotonic())):
                return f"the speech engine did not finish within {self.timeout:g} s"
        except Exception as exc:
            return f"the speech engine failed ({type(exc).__name__}: {exc})"
        finally:
            for token in tokens:
                engine.disconnect(token)
        if errors:
            return "the speech engine reported: " + "; ".join(errors)
        return ""

    def _end_loop(self) -> None:
        """Watchdog: stop a run loop that is waiting for a callback that will not come.

        ``Engine.endLoop`` cannot do it: pyttsx3 marks the engine's loop as ended
        before the espeak driver starts polling, so the driver is stopped directly.
        """
        driver = _driver_of(self._engine)
        if driver is not None and callable(getattr(driver, "endLoop", None)):
            driver.endLoop()
        else:
            try:
                self._engine.endLoop()
            except RuntimeError:
                return  # the loop ended on its own meanwhile
        log.warning("text-to-speech run loop stopped after %g s", self.timeout)


def _start_engine(driver: str | None) -> Any:
    """The process's pyttsx3 engine for ``driver``; raises TtsError with the fix."""
    try:
        import pyttsx3
    except ImportError as exc:
        raise TtsError(
            f"the pyttsx3 package is missing ({exc}). Install it: pip install pyttsx3; {INSTALL_HINT}"
        ) from exc
    try:
        # pyttsx3.init returns the engine already running for this driver, if any:
        # a second espeak engine would take the audio callback away from the first.
        engine = pyttsx3.init(driver)
    except Exception as exc:
        name = driver or "the default"
        raise TtsError(
            f"no text-to-speech engine could start ({name} pyttsx3 driver: {type(exc).__name__}: {exc}). {INSTALL_HINT}"
        ) from exc
    _quiet_driver(str(getattr(engine, "driver_name", driver or "")))
    return engine


def _driver_of(engine: Any) -> Any:
    """The driver object behind a pyttsx3 engine (None if pyttsx3 changes its layout)."""
    return getattr(getattr(engine, "proxy", None), "_driver", None)


def _reclaim_callback(engine: Any) -> None:
    """Point espeak-ng's single, process-wide audio callback at ``engine``'s driver.

    Any other espeak engine created in the process (or one being discarded)
    takes it over, and this engine's renderings would then never finish.
    """
    if getattr(engine, "driver_name", None) != "espeak":
        return
    espeak_lib = sys.modules.get("pyttsx3.drivers._espeak")
    on_synth = getattr(_driver_of(engine), "_onSynth", None)
    set_callback = getattr(espeak_lib, "SetSynthCallback", None)
    if callable(on_synth) and callable(set_callback):
        set_callback(on_synth)


def _quiet_driver(driver_name: str) -> None:
    """Route the espeak driver's ``print("Audio saved to ...")`` to the debug log, not stdout."""
    if driver_name != "espeak":
        return
    module = sys.modules.get("pyttsx3.drivers.espeak")
    if module is not None and getattr(module, "print", None) is not _driver_print:
        module.print = _driver_print  # type: ignore[attr-defined]


def _driver_print(*args: object, **_: object) -> None:
    log.debug("pyttsx3: %s", " ".join(str(a) for a in args))


def _match_voice(wanted: str, voices: list[tuple[str, str]]) -> str | None:
    """Resolve a voice id or name substring (case-insensitive) to a voice id."""
    ids = {vid.casefold(): vid for vid, _ in voices}
    if not wanted.strip():
        for preferred in _PREFERRED_DEFAULT_VOICES:
            if preferred in ids:
                return ids[preferred]
        english = [vid for vid, name in voices if name.casefold().startswith("english")]
        return english[0] if english else None
    key = wanted.strip().casefold()
    if key in ids:
        return ids[key]
    for vid, name in voices:
        if name.casefold() == key:
            return vid
    matches = [
        (len(name), vid) for vid, name in voices if key in name.casefold() or key in vid.casefold()
    ]
    if matches:
        return min(matches, key=lambda m: m[0])[1]
    english_first = sorted(voices, key=lambda v: not v[1].casefold().startswith("english"))
    sample = english_first[:8]
    listed = ", ".join(f"{name} ({vid})" for vid, name in sample) or "none at all"
    raise TtsError(
        f"no voice matches {wanted!r}; set the voice to one of the {len(voices)} installed voices, "
        f"such as: {listed}"
    )


def _read_wav(path: Path) -> AudioChunk | None:
    """The audio in a WAV file the engine wrote, or None when it is missing or unreadable."""
    if not path.exists():
        return None
    try:
        return read_wav(path)
    except AudioError as exc:
        log.warning("unreadable speech file %s: %s", path, exc)
        return None


def _preview(text: str, limit: int = 60) -> str:
    """``text`` quoted and shortened for a message."""
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")
