"""``make bench``: Hearth's measurements. ``--quick`` for a short run."""

from __future__ import annotations

import argparse
import pickle

from . import (
    bargein_bench,
    corpus,
    frontend_bench,
    matcher_bench,
    report,
    soak_bench,
    speech_bench,
)


def main() -> int:
    """Run every benchmark, print its figures and write docs/benchmarks.md."""
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument(
        "--only",
        choices=("matcher", "speech", "frontend", "bargein", "soak"),
        help="run one benchmark",
    )
    parser.add_argument(
        "--report",
        action="store_true",
        help="write docs/benchmarks.md again from the last full run's figures (no measuring)",
    )
    args = parser.parse_args()
    saved = corpus.cache_dir().parent / "bench-figures.pickle"
    if args.report:
        with saved.open("rb") as f:
            figures: report.Figures = pickle.load(f)
        print(f"wrote {report.write(figures)}")
    elif args.only == "matcher":
        matcher_bench.run(quick=args.quick)
    elif args.only == "speech":
        speech_bench.run(quick=args.quick)
    elif args.only == "frontend":
        frontend_bench.run(quick=args.quick)
    elif args.only == "bargein":
        bargein_bench.run(quick=args.quick)
    elif args.only == "soak":
        soak_bench.run(quick=args.quick)
    else:
        figures = report.Figures(
            matcher_bench.run(quick=args.quick),
            speech_bench.run(quick=args.quick),
            bargein_bench.run(quick=args.quick),
            soak_bench.run(quick=args.quick),
            frontend_bench.run(quick=args.quick),
            args.quick,
        )
        saved.parent.mkdir(parents=True, exist_ok=True)
        with saved.open("wb") as f:
            pickle.dump(figures, f)
        print(f"wrote {report.write(figures)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
