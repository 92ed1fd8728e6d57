"""Where Vosk models live and how to get them.

Vosk's English model is on no package registry, so Hearth looks for an
unpacked model folder in three places, in order:

1. the explicit path (``--vosk-model PATH``),
2. ``$HEARTH_VOSK_MODEL``,
3. its cache, ``~/.cache/hearth/vosk/<name>`` (``$XDG_CACHE_HOME`` is respected),
   filled by ``hearth models download <name>``.

A folder is a model when it has ``am/final.mdl`` (or ``final.mdl``) and a
``conf/`` folder. A download is streamed with urllib, checked against the
catalogue's size and SHA-256, unpacked into a hidden temporary folder beside
the cache and renamed into place in one step, so a half-finished download
never looks like a model.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import shutil
import tempfile
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from voice.recognition.recognizer import RecognizerError

ENV_MODEL = "HEARTH_VOSK_MODEL"
"""Environment variable naming an unpacked model folder."""
ENV_BASE_URL = "HEARTH_MODEL_BASE_URL"
"""Environment variable replacing the download site (a mirror, or a test server)."""
DEFAULT_BASE_URL = "https://alphacephei.com/vosk/models/"
"""Where Alpha Cephei publishes the Vosk models as ``<folder>.zip``."""

Progress = Callable[[int, int], None]
"""Called with (bytes received so far, total bytes) while downloading."""

_BLOCK = 64 * 1024
_STALE_TMP_S = 24 * 3600.0
_MAX_UNPACK_RATIO = 20
"""An archive may unpack to at most this many times its own size (zip bombs)."""


@dataclass(frozen=True)
class CatalogueEntry:
    """A model that ``hearth models download`` can fetch."""

    name: str
    """Short name used on the command line and as the cache folder, e.g. ``en-us``."""
    folder: str
    """The model's own name; the archive is ``<folder>.zip``."""
    language: str
    """Human-readable language."""
    size: int
    """Size of the zip archive in bytes."""
    sha256: str
    """SHA-256 of the zip archive (hex); empty when unknown, then only the size is checked."""
    description: str = ""
    """One line for ``hearth models list``."""

    @property
    def archive(self) -> str:
        """File name of the archive on the download site."""
        return f"{self.folder}.zip"


CATALOGUE: dict[str, CatalogueEntry] = {
    "en-us": CatalogueEntry(
        name="en-us",
        folder="vosk-model-small-en-us-0.15",
        language="English (US)",
        size=41_205_931,
        sha256="30f26242c4eb449f948e42cb302dd7a686cb29a3423a8367f99ff41780942498",
        description="small US English model, 40 MB; accepts runtime phrase lists",
    ),
}
"""Downloadable models, the preferred one first (``auto`` picks the first installed)."""


def hint(name: str = "en-us") -> str:
    """What to do when no model is available."""
    return (
        f"On a machine with internet run `hearth models download {name}`, "
        f"or copy an unpacked Vosk model folder and set {ENV_MODEL}."
    )


def cache_dir() -> Path:
    """``~/.cache/hearth/vosk`` (or under ``$XDG_CACHE_HOME``)."""
    from platformdirs import user_cache_path

    return user_cache_path("hearth", appauthor=False) / "vosk"


def cached_path(name: str) -> Path:
    """Where the catalogue model ``name`` lives once downloaded."""
    return cache_dir() / name


def problems(path: Path) -> list[str]:
    """What ``path`` lacks to be a Vosk model folder (empty: it is one)."""
    if not path.is_dir():
        return ["it is not a folder"]
    missing = []
    if not ((path / "am" / "final.mdl").is_file() or (path / "final.mdl").is_file()):
        missing.append("am/final.mdl (or final.mdl)")
    if not (path / "conf").is_dir():
        missing.append("a conf/ folder")
    return [f"it has no {what}" for what in missing]


def is_model(path: Path) -> bool:
    """True when ``path`` is an unpacked Vosk model folder."""
    return not problems(path)


def check_model(path: Path, source: str = "the model folder") -> Path:
    """Return ``path`` if it is a model; else raise a RecognizerError saying what is missing."""
    if not path.exists():
        raise RecognizerError(f"Vosk model not found at {path} ({source}). {hint()}")
    found = problems(path)
    if not found:
        return path
    message = f"{path} ({source}) is not a Vosk model folder: {' and '.join(found)}."
    inner = [p for p in path.iterdir() if is_model(p)] if path.is_dir() else []
    if len(inner) == 1:
        message += f" Did you mean {inner[0]}?"
    else:
        message += " Point it at the unpacked model folder, the one holding am/ and conf/."
    raise RecognizerError(f"{message} {hint()}")


@dataclass(frozen=True)
class Located:
    """A model folder and how it was found."""

    path: Path
    """The unpacked model folder."""
    source: str
    """``--vosk-model``, ``$HEARTH_VOSK_MODEL`` or ``cache (<name>)``."""


def locate_model(explicit: str | None = None, *, name: str | None = None) -> Located | None:
    """The model ``auto`` uses: explicit path, then ``$HEARTH_VOSK_MODEL``, then the cache.

    A configured path that is missing or not a model raises RecognizerError
    rather than being skipped: the person asked for that folder. ``name``
    restricts the cache search to one catalogue entry (default: the first
    installed, in catalogue order). None when nothing is configured or cached.
    """
    if explicit:
        path = Path(explicit).expanduser()
        return Located(check_model(path, "--vosk-model"), "--vosk-model")
    env = os.environ.get(ENV_MODEL)
    if env:
        path = Path(env).expanduser()
        return Located(check_model(path, f"${ENV_MODEL}"), f"${ENV_MODEL}")
    for entry in [name] if name else list(CATALOGUE):
        path = cached_path(entry)
        if path.exists():
            return Located(check_model(path, f"cache ({entry})"), f"cache ({entry})")
    return None


def find_model(explicit: str | None = None, *, name: str | None = None) -> Path | None:
    """The model folder to use, or None; see ``locate_model`` for the search order."""
    found = locate_model(explicit, name=name)
    return found.path if found else None


def require_model(explicit: str | None = None) -> Path:
    """Like ``find_model`` but raise a RecognizerError with the fix when there is none."""
    path = find_model(explicit)
    if path is None:
        raise RecognizerError(f"No Vosk model found (looked in {cache_dir()}). {hint()}")
    return path


def resolve_base_url(explicit: str | None = None) -> str:
    """The download site: the argument, ``$HEARTH_MODEL_BASE_URL`` or Alpha Cephei's."""
    url = explicit or os.environ.get(ENV_BASE_URL) or DEFAULT_BASE_URL
    return url if url.endswith("/") else url + "/"


def catalogue_entry(name: str) -> CatalogueEntry:
    """The catalogue entry called ``name``."""
    try:
        return CATALOGUE[name]
    except KeyError:
        known = ", ".join(CATALOGUE)
        raise RecognizerError(f"No downloadable model called '{name}'; known: {known}") from None


def download(
    name: str,
    base_url: str | None = None,
    progress: Progress | None = None,
    *,
    timeout: float = 30.0,
) -> Path:
    """Fetch, check and unpack the catalogue model ``name`` into the cache; returns its folder.

    An already installed model is returned as it is. Nothing is left behind
    when the download fails, is damaged or holds unsafe paths.
    """
    entry = catalogue_entry(name)
    target = cached_path(name)
    if is_model(target):
        return target
    url = resolve_base_url(base_url) + entry.archive
    root = target.parent
    root.mkdir(parents=True, exist_ok=True)
    _remove_stale(root, name)
    with tempfile.TemporaryDirectory(prefix=f".{name}-", dir=root) as tmp:
        work = Path(tmp)
        archive = work / entry.archive
        _fetch(url, archive, entry, progress, timeout)
        unpacked = work / "unpacked"
        unpack(archive, unpacked)
        archive.unlink()
        model = _model_root(unpacked)
        if not is_model(model):
            found = " and ".join(problems(model))
            raise RecognizerError(
                f"The {name} archive from {url} holds no Vosk model ({found}); nothing was installed."
            )
        if target.exists():  # a damaged folder from an earlier attempt: replace it
            target.replace(work / "old")
        model.replace(target)
    return target


def _remove_stale(root: Path, name: str) -> None:
    """Delete temporary folders left by downloads that were killed a day or more ago."""
    for old in root.glob(f".{name}-*"):
        try:
            if time.time() - old.stat().st_mtime > _STALE_TMP_S:
                shutil.rmtree(old, ignore_errors=True)
        except OSError:
            pass


def _fetch(
    url: str, dest: Path, entry: CatalogueEntry, progress: Progress | None, timeout: float
) -> None:
    """Stream ``url`` into ``dest``, checking the size and the SHA-256."""
    digest = hashlib.sha256()
    received = 0
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response, dest.open("wb") as out:
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) != entry.size:
                raise RecognizerError(
                    f"The {entry.name} archive at {url} has {int(length):,} bytes, expected "
                    f"{entry.size:,}; it is not the right file. Nothing was installed."
                )
            total = entry.size
            if progress:
                progress(0, total)
            while block := response.read(_BLOCK):
                received += len(block)
                if received > entry.size:
                    raise RecognizerError(
                        f"The {entry.name} download from {url} is larger than the expected "
                        f"{entry.size:,} bytes; it is not the right file. Nothing was installed."
                    )
                digest.update(block)
                out.write(block)
                if progress:
                    progress(received, total)
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as err:
        if isinstance(err, urllib.error.HTTPError):
            reason: object = f"HTTP {err.code} {err.reason}"
        else:
            reason = getattr(err, "reason", None) or err
        raise RecognizerError(
            f"Could not download the {entry.name} model ({url}: {reason}). {hint(entry.name)}"
        ) from None
    if received != entry.size:
        raise RecognizerError(
            f"The {entry.name} download from {url} is incomplete or wrong: expected "
            f"{entry.size:,} bytes, got {received:,}. Nothing was installed; try again."
        )
    if entry.sha256 and digest.hexdigest() != entry.sha256:
        raise RecognizerError(
            f"The {entry.name} download from {url} does not match its checksum (SHA-256 "
            f"{digest.hexdigest()}, expected {entry.sha256}). Nothing was installed; try again, "
            f"or use another mirror with --base-url."
        )


def _unsafe(member: str) -> bool:
    """True for an archive entry that would land outside the folder it is unpacked into."""
    path = PurePosixPath(member.replace("\\", "/"))
    return path.is_absolute() or ".." in path.parts or bool(path.parts and ":" in path.parts[0])


def unpack(archive: Path, dest: Path) -> None:
    """Unpack a zip into ``dest``, refusing entries that escape it (``../x``, ``/x``, ``C:x``)."""
    try:
        with zipfile.ZipFile(archive) as zf:
            members = zf.infolist()
            bad = [m.filename for m in members if _unsafe(m.filename)]
            if bad:
                raise RecognizerError(
                    f"Refusing to unpack {archive.name}: entry '{bad[0]}' would be written "
                    f"outside the model folder. The archive is not a genuine Vosk model."
                )
            unpacked = sum(m.file_size for m in members)
            if unpacked > _MAX_UNPACK_RATIO * max(archive.stat().st_size, 1):
                raise RecognizerError(
                    f"Refusing to unpack {archive.name}: it claims to expand to {unpacked:,} bytes."
                )
            dest.mkdir(parents=True, exist_ok=True)
            zf.extractall(dest)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError) as err:
        raise RecognizerError(f"{archive.name} is not a readable zip archive ({err}).") from None


def _model_root(unpacked: Path) -> Path:
    """The model inside an unpacked archive: the folder itself or its single top folder."""
    if is_model(unpacked):
        return unpacked
    children = [p for p in unpacked.iterdir() if not p.name.startswith(("__MACOSX", "."))]
    if len(children) == 1 and children[0].is_dir():
        return children[0]
    return unpacked


def installed() -> Iterator[tuple[CatalogueEntry, Path | None]]:
    """Each catalogue entry with its cache folder when that holds a model."""
    for entry in CATALOGUE.values():
        path = cached_path(entry.name)
        yield entry, path if is_model(path) else None
