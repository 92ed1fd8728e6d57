"""What every page of ``hearth web`` shares: the settings, the scripts in use, the voice."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from audio.wav import encode_wav
from voice import app, paths
from voice.config import LoadedSettings, Settings
from voice.errors import HearthError
from voice.speech.synthesizer import Synthesizer, VoiceSettings
from voice.understanding.library import Brain, ScriptLibrary


class WebError(HearthError):
    """A request the page cannot carry out; the message says why and what to do."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class WebContext:
    """The parts of Hearth the pages use, built once when the server starts."""

    read_settings: Callable[[], LoadedSettings]
    """The config file with the command line on top, read again after a settings save."""
    config_path: Path
    """The ``config.toml`` the settings page writes."""
    library: ScriptLibrary
    """The scripts in use (shared with ``hearth run`` when served beside it)."""
    owns_reload: bool = True
    """Whether the page reloads the library itself (``hearth web``) or the voice loop does."""
    on_saved: Callable[[], None] | None = None
    """Called after a script is saved (``hearth run`` uses it to reload at once)."""
    save_lock: threading.Lock = field(default_factory=threading.Lock)
    """Saves of scripts one at a time, so the second of two tabs is told."""
    _voice: Synthesizer | None = None
    _voice_lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def settings(self) -> Settings:
        """The settings in use now."""
        return self.read_settings().settings

    @property
    def user_folder(self) -> Path:
        """The parent's own scripts folder."""
        return user_folder(self.settings)

    @property
    def journal_path(self) -> Path:
        """The journal file."""
        return app.journal_path(self.settings)

    def brain(self, fresh: bool = True) -> Brain:
        """The scripts in use; ``fresh``: reloaded first when this page owns the reloading
        (the check while typing takes the scripts as they are, not to wait for a rebuild)."""
        if fresh and self.owns_reload:
            with self.save_lock:
                self.library.reload_if_changed()
        return self.library.brain

    def saved(self) -> None:
        """A script was saved: rebuild now, so the next sentence tried is answered with it."""
        if self.on_saved is not None:
            self.on_saved()
        if self.owns_reload:
            threading.Thread(target=self.brain, name="hearth-web-reload", daemon=True).start()

    def speak(self, text: str, voice: VoiceSettings) -> bytes:
        """``text`` in Hearth's voice as WAV bytes (one rendering at a time)."""
        with self._voice_lock:
            if self._voice is None:
                self._voice = Synthesizer(voice)
            self._voice.settings = voice
            return encode_wav(self._voice.synthesize(text))


def user_folder(settings: Settings) -> Path:
    """``intents`` from the settings, else ``$HEARTH_INTENTS`` or ``~/.config/hearth/intents``."""
    return Path(settings.intents).expanduser() if settings.intents else paths.user_intents_dir()


def prepare_user_folder(settings: Settings) -> Path:
    """Create the parent's scripts folder (0700) so the library watches it from the start."""
    folder = user_folder(settings)
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as err:
        raise WebError(
            f"cannot create your scripts folder {folder} ({err.strerror}); "
            "create it yourself or point --intents at another one"
        ) from None
    return folder
