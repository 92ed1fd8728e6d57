"""``make bench``: Hearth's measurements. ``--quick`` for a short run."""

from __future__ import annotations

import argparse
import datetime as dt
import pickle
import shlex
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
    understanding_bench,
    web_bench,
)

BENCHES: dict[str, Callable[..., dict[str, Any]]] = {
    "matcher": matcher_bench.run,
    "understanding": understanding_bench.run,
    "speech": speech_bench.run,
    "wake": speech_bench.run_wake,
    "endpoint": endpoint_bench.run,
    "frontend": frontend_bench.run,
    "bargein": bargein_bench.run,
    "soak": soak_bench.run,
    "web": web_bench.run,
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
        start = time.perf_counter()
        result = BENCHES[args.only](quick=args.quick)
        print(f"  [{args.only}: {time.perf_counter() - start:.0f} s]")
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
    """Every benchmark, on both cores.

    The soak (memory and descriptors over hours of audio), the wake phrase (misses and
    false wakes), the barge-in bench (stream-time delays), the trailing-silence bench
    (stream-time ends) and the front end (accuracy) measure nothing that a busy
    neighbour changes, so they run one after the other in a second process; the benchmarks that time things (matcher,
    recognition, latency, start-up) run in this one.
    """
    began = time.perf_counter()

    def timed(run: Callable[..., dict[str, Any]]) -> dict[str, Any]:
        start = time.perf_counter()
        figures = run(quick=quick)
        print(f"  [{run.__module__.split('.')[-1]}: {time.perf_counter() - start:.0f} s]")
        return figures

    # The matcher's per-call times are the most sensitive to a busy neighbour: it runs
    # before the second process starts.
    matcher = timed(matcher_bench.run)
    understanding = timed(understanding_bench.run)
    with tempfile.TemporaryDirectory(prefix="hearth-bench-") as tmp:
        names = ("soak", "wake", "bargein", "endpoint", "frontend")
        behind = _Behind(Path(tmp), names, quick)
        print(f"({', '.join(names)}: beside the others, in a second process)")
        speech = timed(speech_bench.run)
        web = timed(web_bench.run)
        soak_result, wake, bargein, endpoint, frontend = behind.results()
        speech |= wake
    print(f"  [all: {time.perf_counter() - began:.0f} s]")
    finished = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return report.Figures(
        matcher,
        speech,
        bargein,
        soak_result,
        frontend,
        quick,
        endpoint,
        measured=finished,
        understanding=understanding,
        web=web,
    )


class _Behind:
    """Benchmarks run one after another in a second process, each saving its figures."""

    def __init__(self, folder: Path, names: tuple[str, ...], quick: bool) -> None:
        self.folder, self.names = folder, names
        self.log = folder / "behind.log"
        script = " && ".join(
            f"{shlex.quote(sys.executable)} -m bench --only {name} "
            f"--figures-to {shlex.quote(str(folder / name))}.pickle" + (" --quick" if quick else "")
            for name in names
        )
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                ["bash", "-c", script], stdout=log, stderr=subprocess.STDOUT
            )

    def results(self) -> list[dict[str, Any]]:
        """Wait for them; print what they printed; their figures, in order."""
        code = self.process.wait()
        print(self.log.read_text(), end="")
        if code != 0:
            raise SystemExit(f"a benchmark in the second process failed (exit {code}); see above")
        return [pickle.loads((self.folder / f"{n}.pickle").read_bytes()) for n in self.names]


if __name__ == "__main__":
    raise SystemExit(main())
