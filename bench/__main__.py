"""``make bench``: Hearth's measurements. ``--quick`` for a short run."""

from __future__ import annotations

import argparse

from . import bargein_bench, matcher_bench, report, soak_bench, speech_bench


def main() -> int:
    """Run every benchmark, print its figures and write docs/benchmarks.md."""
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument(
        "--only", choices=("matcher", "speech", "bargein", "soak"), help="run one benchmark"
    )
    args = parser.parse_args()
    if args.only == "matcher":
        matcher_bench.run(quick=args.quick)
    elif args.only == "speech":
        speech_bench.run(quick=args.quick)
    elif args.only == "bargein":
        bargein_bench.run(quick=args.quick)
    elif args.only == "soak":
        soak_bench.run(quick=args.quick)
    else:
        figures = (
            matcher_bench.run(quick=args.quick),
            speech_bench.run(quick=args.quick),
            bargein_bench.run(quick=args.quick),
            soak_bench.run(quick=args.quick),
        )
        print(f"wrote {report.write(*figures, quick=args.quick)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
