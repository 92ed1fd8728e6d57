"""``python -m tools.wake [--scale S] [--workers N]``: build the data, train, export the head."""

from __future__ import annotations

import argparse
import time
from multiprocessing import Pool

from tools.wake.dataset import Chunk, all_chunks, build
from tools.wake.train import export, train


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tools.wake", description=__doc__)
    parser.add_argument(
        "--scale", type=float, default=1.0, help="share of the full data (quick runs)"
    )
    parser.add_argument("--workers", type=int, default=2, help="processes building data")
    parser.add_argument("--data-only", action="store_true", help="build the data, do not train")
    args = parser.parse_args()
    started = time.monotonic()
    chunks = all_chunks(args.scale)
    todo = [c for c in chunks if not c.path.exists()]
    print(f"{len(chunks)} data chunks, {len(todo)} to build (cached in {chunks[0].path.parent})")
    with Pool(args.workers) as pool:
        for done, _path in enumerate(pool.imap_unordered(_build, todo), 1):
            print(f"  built {done}/{len(todo)} ({time.monotonic() - started:.0f} s)", flush=True)
    if args.data_only:
        return
    head = train(chunks)
    path = export(head)
    print(f"wrote {path} in {time.monotonic() - started:.0f} s")


def _build(chunk: Chunk) -> str:
    return str(build(chunk))


if __name__ == "__main__":
    main()
