"""``make bench``: Hearth's measurements. ``--quick`` for a short run."""

from __future__ import annotations

import argparse
import pickle
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import (
    bargein_bench,
    corpus,
    endpoint_bench,
    frontend_bench,
    matcher_bench,
    report,
    soak_bench,
    speech_bench,
)

BENCHES: dict[str, Callable[..., dict[str, Any]]] = {
    "matcher": matcher_bench.run,
    "speech": speech_bench.run,
    "endpoint": endpoint_bench.run,
    "frontend": frontend_bench.run,
    "bargein": bargein_bench.run,
    "soak": soak_bench.run,
}


def main() -> int:
    """Run every benchmark, print its figures and write docs/benchmarks.md."""
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("--only", choices=tuple(BENCHES), help="run one benchmark")
    parser.add_argument(
        "--report",
        action="store_true",
        help="write docs/benchmarks.md again from the last full run's figures (no measuring)",
    )
    parser.add_argument("--figures-to", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    saved = corpus.cache_dir().parent / "bench-figures.pickle"
    if args.report:
        with saved.open("rb") as f:
            figures: report.Figures = pickle.load(f)
        print(f"wrote {report.write(figures)}")
    elif args.only:
        result = BENCHES[args.only](quick=args.quick)
        if args.figures_to:
            args.figures_to.write_bytes(pickle.dumps(result))
    else:
        figures = _run_all(args.quick)
        saved.parent.mkdir(parents=True, exist_ok=True)
        with saved.open("wb") as f:
            pickle.dump(figures, f)
        print(f"wrote {report.write(figures)}")
    return 0


def _run_all(quick: bool) -> report.Figures:
    """Every benchmark; the soak runs beside the others on the second core.

    The soak measures memory and descriptors over hours of audio, not speed, so it
    shares the run's time instead of adding its own (a third of a full run).
    """
    began = time.perf_counter()

    def timed(run: Callable[..., dict[str, Any]]) -> dict[str, Any]:
        start = time.perf_counter()
        figures = run(quick=quick)
        print(f"  [{run.__module__.split('.')[-1]}: {time.perf_counter() - start:.0f} s]")
        return figures

    # The matcher's per-call times are the most sensitive to a busy neighbour: it runs
    # before the soak starts.
    matcher = timed(matcher_bench.run)
    with tempfile.TemporaryDirectory(prefix="hearth-bench-") as tmp:
        soak_figures, soak_log = Path(tmp) / "soak.pickle", Path(tmp) / "soak.log"
        command = [sys.executable, "-m", "bench", "--only", "soak"]
        command += ["--figures-to", str(soak_figures)] + (["--quick"] if quick else [])
        with soak_log.open("w") as log:
            soak = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
            print("(the soak runs beside the other benchmarks; its figures come last)")
            speech = timed(speech_bench.run)
            endpoint = timed(endpoint_bench.run)
            bargein = timed(bargein_bench.run)
            frontend = timed(frontend_bench.run)
            code = soak.wait()
        print(soak_log.read_text(), end="")
        if code != 0:
            raise SystemExit(f"the soak benchmark failed (exit {code}); its output is above")
        soak_result = pickle.loads(soak_figures.read_bytes())
    print(f"  [soak_bench: beside the others; all: {time.perf_counter() - began:.0f} s]")
    return report.Figures(matcher, speech, bargein, soak_result, frontend, quick, endpoint)


if __name__ == "__main__":
    raise SystemExit(main())
