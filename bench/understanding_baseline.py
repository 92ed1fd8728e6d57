"""The understanding bench's baseline: Hearth as it was when issue 15 was filed.

That matcher and its scripts are taken from git (``git archive`` of one commit, kept in
the cache) and run in a child process, so that its code and its scripts are exactly
what a parent had then, measured on the same blind sets in the same run as today's.
"""

from __future__ import annotations

import atexit
import json
import subprocess
import sys
import tarfile
from collections.abc import Callable
from io import BytesIO
from pathlib import Path
from types import MappingProxyType

from voice.errors import HearthError
from voice.files import atomic_write
from voice.paths import cache_dir
from voice.understanding.result import Match, MatchResult

REVISION = "cbdb35d"
"""main when issue 15 was filed: the phrase matcher with its learned second opinion."""
REPO = Path(__file__).resolve().parents[1]

_CHILD = """
import json, sys
from voice.library import ScriptLibrary
from voice.paths import default_intents_dir
match = ScriptLibrary([default_intents_dir()]).brain.matcher.match
for line in sys.stdin:
    result = match(json.loads(line))
    best = result.best
    print(json.dumps([best.intent if best else None, dict(result.slots)]), flush=True)
"""


def checkout(revision: str = REVISION) -> Path:
    """The revision's ``voice`` and ``intents`` folders, unpacked once into the cache."""
    where = cache_dir("bench", f"baseline-{revision}")
    done = where / ".unpacked"
    if done.exists():
        return where
    try:
        archive = subprocess.run(
            ["git", "-C", str(REPO), "archive", "--format=tar", revision, "voice", "intents"],
            check=True,
            capture_output=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError) as error:
        raise HearthError(
            f"The understanding baseline needs git history with commit {revision} "
            f"(a clone, not an exported tree): {error}"
        ) from error
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(where, filter="data")
    atomic_write(done, b"")
    return where


def matcher(revision: str = REVISION) -> Callable[[str], MatchResult]:
    """A match function answered by the revision's own matcher in a child process."""
    root = checkout(revision)
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD],
        cwd=root,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin", **_home()},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    atexit.register(child.kill)

    def match(text: str) -> MatchResult:
        assert child.stdin is not None and child.stdout is not None
        child.stdin.write(json.dumps(text) + "\n")
        child.stdin.flush()
        intent, slots = json.loads(child.stdout.readline())
        frozen = MappingProxyType(dict(slots))
        if intent is None:
            return MatchResult(text, None, (), "refused", frozen)
        best = Match(intent, 1.0, frozen)
        return MatchResult(text, best, (best,))

    return match


def _home() -> dict[str, str]:
    """The child's caches go under the bench's cache, never the real home's."""
    home = cache_dir("bench", "baseline-home")
    return {"HOME": str(home), "XDG_CACHE_HOME": str(home / "cache")}
