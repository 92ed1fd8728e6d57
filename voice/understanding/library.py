"""The scripts in use and their matcher, reloaded when the files change.

A broken file never silences Hearth. At start-up it runs with the defaults and
every one of the parent's files that loads, leaving out those with errors (see
``voice.scripts.lenient``) and saying so in :attr:`ScriptLibrary.notice`. While
running, a broken edit keeps the last good scripts in use and is reported,
until the file is fixed.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from voice.config import DEFAULT_THRESHOLD
from voice.errors import ScriptError, ScriptProblem
from voice.scripts.lenient import load_leniently
from voice.scripts.loader import all_script_files, load_scripts
from voice.scripts.model import ScriptSet
from voice.understanding import brain_cache
from voice.understanding.matcher import Matcher

log = logging.getLogger(__name__)

Signature = tuple[tuple[str, int, int], ...]


@dataclass(frozen=True)
class Brain:
    """A ScriptSet with the matcher built from it; swapped whole on reload."""

    scripts: ScriptSet
    """The scripts in use."""
    matcher: Matcher
    """The matcher built from them."""
    left_out: tuple[ScriptProblem, ...] = ()
    """The errors of the parent's files left out of ``scripts`` (empty when all loaded)."""


@dataclass(frozen=True)
class ReloadResult:
    """What a reload did."""

    reloaded: bool
    """True when new scripts are now in use."""
    error: ScriptError | None = None
    """Why the new scripts were refused (the old ones stay in use)."""


def _signature(folders: Sequence[Path]) -> Signature:
    entries: list[tuple[str, int, int]] = []
    for path in all_script_files(folders):
        try:
            stat = path.stat()
        except OSError:
            continue
        entries.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(entries)


class ScriptLibrary:
    """Loads scripts from folders (defaults first) and keeps the last good set."""

    def __init__(
        self,
        folders: Sequence[Path],
        threshold: float = DEFAULT_THRESHOLD,
        cache_dir: Path | None = None,
    ) -> None:
        """Load the scripts, leaving out the parent's files that have errors.

        Raises ScriptError only when the defaults (the first folder) are broken.
        With ``cache_dir``, builds are kept there (see ``brain_cache``), so a start or
        reload with scripts seen before skips the expansion and indexing.
        """
        self.folders = tuple(Path(f) for f in folders)
        self.threshold = threshold
        self.cache_dir = cache_dir
        self._signature = _signature(self.folders)
        # What was left out is the caller's to report (``notice``): the CLI prints it once.
        self.brain = self._build(strict=False)
        self.last_error: ScriptError | None = None
        self._building: threading.Thread | None = None
        self._built: ReloadResult | None = None

    @property
    def left_out(self) -> tuple[ScriptProblem, ...]:
        """The errors of the files left out of the scripts in use (empty when all loaded)."""
        return self.brain.left_out

    @property
    def notice(self) -> str | None:
        """One sentence for the log naming the files left out and the first problem of each."""
        return left_out_notice(self.left_out)

    def _build(self, strict: bool) -> Brain:
        name = brain_cache.key(self.folders, self.threshold) if self.cache_dir else ""
        cached = brain_cache.load(self.cache_dir, name) if self.cache_dir else None
        if isinstance(cached, Brain):
            if strict and cached.left_out:  # built at a start that left files out
                raise ScriptError(list(cached.left_out))
            return cached
        left_out: tuple[ScriptProblem, ...] = ()
        if strict:
            scripts = load_scripts(self.folders)
        else:
            scripts, left_out = load_leniently(self.folders)
        brain = Brain(scripts, Matcher(scripts, threshold=self.threshold), left_out)
        if self.cache_dir is not None:
            brain_cache.save(self.cache_dir, name, brain)
        return brain

    def reload_if_changed(self) -> ReloadResult:
        """Reload when a script file was added, removed or edited since the last look."""
        signature = _signature(self.folders)
        if signature == self._signature:
            return ReloadResult(False)
        self._signature = signature
        return self.reload()

    def reload_in_background(self) -> ReloadResult:
        """Like :meth:`reload_if_changed`, without making the caller wait for the build.

        Loading and matching-model training take seconds; the voice loop calls this
        between audio chunks, so the build runs in a thread and the current scripts
        stay in use meanwhile. The result is returned by the first call after the
        build finished; until then (and when nothing changed) ``reloaded`` is False.
        """
        if self._building is not None:
            if self._building.is_alive():
                return ReloadResult(False)
            self._building = None
            done, self._built = self._built, None
            return done or ReloadResult(False)
        signature = _signature(self.folders)
        if signature == self._signature:
            return ReloadResult(False)
        self._signature = signature

        def build() -> None:
            self._built = self.reload()

        self._building = threading.Thread(target=build, name="hearth-reload", daemon=True)
        self._building.start()
        return ReloadResult(False)

    def wait_for_reload(self, timeout: float | None = None) -> None:
        """Block until a background reload has finished (tests, shutdown)."""
        if self._building is not None:
            self._building.join(timeout)

    def reload(self) -> ReloadResult:
        """Load the folders again; keep the current scripts if the new ones are broken."""
        try:
            self.brain = self._build(strict=True)
        except ScriptError as err:
            self.last_error = err
            log.warning("Keeping the last good scripts. %s", err)
            return ReloadResult(False, err)
        self.last_error = None
        log.info("Reloaded %d intents.", len(self.brain.scripts.intents))
        return ReloadResult(True)


def left_out_notice(left_out: Sequence[ScriptProblem]) -> str | None:
    """ "Hearth left out a.yaml (line 3: ...) and b.yaml (...); run ...", or None."""
    first: dict[Path, ScriptProblem] = {}
    for problem in left_out:
        first.setdefault(problem.file, problem)
    if not first:
        return None
    parts = [f"{file} (line {p.line}: {p.message})" for file, p in first.items()]
    named = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"Hearth started without {named}; run `hearth intents validate` to see every problem."
