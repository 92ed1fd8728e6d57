"""``hearth web``: the local page to edit and try the scripts, read the journal, change settings."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from voice import app
from voice.config import LoadedSettings
from voice.paths import config_file
from voice.understanding.library import ScriptLibrary
from voice.web.context import WebContext, prepare_user_folder
from voice.web.security import LOOPBACK

DEFAULT_PORT = 8470


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``hearth web``."""
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="where to listen (default 127.0.0.1, this machine only); 0.0.0.0 serves the "
        "home network, and a phone then needs the pairing code printed at start",
    )
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"default {DEFAULT_PORT}")


def make_context(
    args: argparse.Namespace,
    library: ScriptLibrary,
    *,
    owns_reload: bool,
    on_saved: Callable[[], None] | None = None,
) -> WebContext:
    """The page's parts over ``library``, with the command line's settings on top of the file's."""
    explicit = getattr(args, "config", None)

    def read() -> LoadedSettings:
        return app.read_settings(args)

    return WebContext(
        read_settings=read,
        config_path=config_file() if not explicit else Path(explicit).expanduser(),
        library=library,
        owns_reload=owns_reload,
        on_saved=on_saved,
    )


def address(host: str, port: int) -> str:
    """What to type in the browser."""
    shown = "127.0.0.1" if host in LOOPBACK else host
    return f"http://{shown}:{port}/"


def run(args: argparse.Namespace) -> int:
    """Serve the page until Ctrl-C."""
    from voice.web.server import serve

    loaded = app.read_settings(args)
    prepare_user_folder(loaded.settings)
    hearth = app.assemble(loaded, journal=None)
    app.print_notices(hearth)
    context = make_context(args, hearth.library, owns_reload=True)
    print(f"Hearth's page: {address(args.host, args.port)} (Ctrl-C to stop)", file=sys.stderr)
    if args.host not in LOOPBACK:
        print(
            "Serving beyond this machine: open the address with this machine's name or IP "
            "on the phone, and type the pairing code below.",
            file=sys.stderr,
        )
    serve(context, args.host, args.port)
    return 0
