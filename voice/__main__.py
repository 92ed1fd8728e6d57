"""The ``hearth`` command: one parser, small subcommands."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence

from audio.chunk import AudioError
from voice import __version__
from voice.config import HELP_LINES, Settings
from voice.errors import HearthError, UsageError
from voice.recognition.engines import ENGINES

Handler = Callable[[argparse.Namespace], int]


def _help_lines(parser: argparse.ArgumentParser) -> None:
    """The help lines replies give, each overriding config.toml's value."""
    for name, what in HELP_LINES.items():
        default = getattr(Settings(), name)
        parser.add_argument(
            f"--{name.replace('_', '-')}",
            help=f"the line replies give for {what} (default {default})",
        )


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config", metavar="FILE", help="config file (default ~/.config/hearth/config.toml)"
    )
    parser.add_argument(
        "--intents",
        metavar="DIR",
        help="your own intent scripts (default ~/.config/hearth/intents)",
    )
    parser.add_argument(
        "--journal", metavar="FILE", help="journal file (default ~/.local/share/hearth/journal.db)"
    )


def _engine(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--engine",
        choices=ENGINES,
        help="speech engine: auto = Vosk when a model is found, else PocketSphinx",
    )
    parser.add_argument("--vosk-model", metavar="PATH", help="an unpacked Vosk model folder")


def _config(args: argparse.Namespace) -> int:
    from pathlib import Path

    from voice.app import read_settings
    from voice.config import Settings, show, write_config
    from voice.paths import config_file

    path = Path(args.config).expanduser() if args.config else config_file()
    if args.action == "init":
        write_config(path, Settings(), force=args.force)
        print(f"Wrote {path} (readable by you only). Edit it, then `hearth config show`.")
        return 0
    loaded = read_settings(args)
    print(f"# {path}")
    for problem in loaded.problems:
        print(f"# problem: {problem}")
    print(show(loaded.settings))
    return 1 if loaded.problems else 0


def build_parser() -> argparse.ArgumentParser:
    """The whole command line, subcommand by subcommand."""
    from voice.cli import chat, demo, devices, intents, journal, models, run, understand, web

    parser = argparse.ArgumentParser(
        prog="hearth", description="Hearth: an offline voice companion for parents."
    )
    parser.add_argument("--version", action="version", version=f"hearth {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log what Hearth is doing")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("chat", help="talk to Hearth by typing")
    _common(p)
    _help_lines(p)
    p.set_defaults(handler=chat.run)

    p = sub.add_parser("run", help="the voice loop: microphone and speaker, or WAV files")
    _common(p)
    _engine(p)
    _help_lines(p)
    run.add_arguments(p)
    p.set_defaults(handler=run.run)

    p = sub.add_parser(
        "config", help="show the settings in use, or write a config file to edit (init)"
    )
    _common(p)
    p.add_argument("action", choices=("show", "init"))
    p.add_argument("--force", action="store_true", help="init: replace an existing file")
    p.set_defaults(handler=_config)

    p = sub.add_parser("devices", help="list microphones and speakers")
    p.set_defaults(handler=devices.run)

    p = sub.add_parser(
        "demo", help="a spoken check-in from bundled audio through the real pipeline"
    )
    _common(p)
    _engine(p)
    p.add_argument(
        "--out", metavar="DIR", help="where to write Hearth's reply WAVs (default: a temp folder)"
    )
    p.set_defaults(handler=demo.run)

    p = sub.add_parser("understand", help="what Hearth makes of recordings or sentences")
    _common(p)
    _engine(p)
    p.add_argument("files", nargs="*", metavar="FILE.wav", help="recordings, one utterance each")
    p.add_argument("--text", action="append", default=[], help="a sentence (repeat for several)")
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    p.set_defaults(handler=understand.run)

    p = sub.add_parser("web", help="a private web page to edit and try scripts, see the journal")
    _common(p)
    web.add_arguments(p)
    p.set_defaults(handler=web.run)

    intents.add_parser(sub, _common)
    journal.add_parser(sub, _common)
    models.add_parser(sub, _common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``hearth``; returns the exit code. A HearthError is a message, never a traceback."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="hearth: %(levelname)s: %(message)s",
    )
    handler: Handler = args.handler
    try:
        return handler(args)
    except UsageError as err:
        print(f"hearth: {err}", file=sys.stderr)
        return 2
    except (HearthError, AudioError) as err:
        print(f"hearth: {err}", file=sys.stderr)
        return 1
    except PermissionError as err:
        # A file or folder Hearth was pointed at but may not read: a message, not a traceback.
        print(
            f"hearth: {err.filename or 'a file'}: permission denied; "
            "check who owns it (ls -l) or point Hearth at another one",
            file=sys.stderr,
        )
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`hearth intents test ... | head`): not an error of Hearth's.
        # Point stdout at devnull so the interpreter's final flush does not complain again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
