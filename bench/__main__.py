"""``make bench``: Hearth's measurements. ``--quick`` for a short run."""

from __future__ import annotations

import argparse

from . import bargein_bench, matcher_bench, speech_bench


def main() -> int:
    """Run every benchmark and print its figures."""
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument(
        "--only", choices=("matcher", "speech", "bargein"), help="run one benchmark"
    )
    args = parser.parse_args()
    if args.only in (None, "matcher"):
        matcher_bench.run(quick=args.quick)
    if args.only in (None, "speech"):
        speech_bench.run(quick=args.quick)
    if args.only in (None, "bargein"):
        bargein_bench.run(quick=args.quick)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
