"""``hearth models list|download|path``: the speech models Hearth can use and fetch."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from typing import Any, TextIO

from voice.recognition import vosk_models
from voice.recognition.recognizer import RecognizerError


def add_parser(sub: Any, common: Callable[[argparse.ArgumentParser], None]) -> None:
    """Register ``hearth models ...``."""
    models = sub.add_parser("models", help="list, download or locate Vosk speech models")
    msub = models.add_subparsers(dest="models_command", metavar="ACTION", required=True)

    p = msub.add_parser("list", help="downloadable models, what is installed, what Hearth uses")
    common(p)
    _model_option(p)
    p.set_defaults(handler=list_models)

    p = msub.add_parser("download", help="fetch a model into the cache (needs the internet)")
    common(p)
    p.add_argument("name", choices=list(vosk_models.CATALOGUE), help="which model")
    p.add_argument(
        "--base-url",
        metavar="URL",
        help=f"download site or mirror (default ${vosk_models.ENV_BASE_URL} or "
        f"{vosk_models.DEFAULT_BASE_URL})",
    )
    p.set_defaults(handler=download)

    p = msub.add_parser("path", help="print the folder of a model (default: the one Hearth uses)")
    common(p)
    p.add_argument("name", nargs="?", choices=list(vosk_models.CATALOGUE), help="a cached model")
    _model_option(p)
    p.set_defaults(handler=path)


def _model_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--vosk-model",
        metavar="PATH",
        help=f"an unpacked Vosk model folder (default ${vosk_models.ENV_MODEL}, then the cache)",
    )


def list_models(args: argparse.Namespace) -> int:
    """Print the catalogue, what is installed and which model ``auto`` would use."""
    print(f"Cache: {vosk_models.cache_dir()}")
    for entry, where in vosk_models.installed():
        state = f"installed at {where}" if where else "not installed"
        print(f"  {entry.name:8} {entry.folder}  {entry.size / 1e6:.0f} MB  {state}")
        if entry.description:
            print(f"  {'':8} {entry.language}: {entry.description}")
    try:
        found = vosk_models.locate_model(args.vosk_model)
    except RecognizerError as err:
        print(f"auto: cannot use the configured model: {err}")
        return 1
    if found is None:
        print(f"auto: no Vosk model. {vosk_models.hint()}")
    else:
        print(f"auto: {found.path} (from {found.source})")
    return 0


def download(args: argparse.Namespace) -> int:
    """Fetch a model with a progress bar on standard error; print where it went."""
    if vosk_models.is_model(vosk_models.cached_path(args.name)):
        print(f"{args.name} is already installed at {vosk_models.cached_path(args.name)}")
        return 0
    bar = ProgressBar(args.name, sys.stderr)
    try:
        target = vosk_models.download(args.name, args.base_url, progress=bar)
    finally:
        bar.close()
    print(f"Installed {args.name} at {target}")
    return 0


def path(args: argparse.Namespace) -> int:
    """Print a model folder: the named cached one, or the one ``auto`` would use."""
    if args.name:
        where = vosk_models.cached_path(args.name)
        print(where)
        if not vosk_models.is_model(where):
            print(f"{args.name} is not installed. {vosk_models.hint(args.name)}", file=sys.stderr)
            return 1
        return 0
    print(vosk_models.require_model(args.vosk_model))
    return 0


class ProgressBar:
    """A one-line text progress bar, redrawn at most ten times a second."""

    def __init__(self, label: str, out: TextIO, width: int = 30) -> None:
        self.label = label
        self.out = out
        self.width = width
        self._last = 0.0
        self._drawn = False

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self._last < 0.1:
            return
        self._last = now
        share = min(1.0, done / total) if total else 0.0
        filled = int(share * self.width)
        bar = "#" * filled + "." * (self.width - filled)
        self.out.write(f"\r{self.label} [{bar}] {share:4.0%} {done / 1e6:.1f}/{total / 1e6:.1f} MB")
        self.out.flush()
        self._drawn = True

    def close(self) -> None:
        """End the line the bar was drawn on."""
        if self._drawn:
            self.out.write("\n")
            self.out.flush()
