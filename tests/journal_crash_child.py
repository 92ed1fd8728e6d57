"""Child process for test_kill_during_checkins.py: check-ins, one after another, until killed.

Opens the journal (reporting any notice), then runs check-ins through the real
dialogue engine and prints ``done N`` once each goodbye reply is back, which
is when a parent would have heard it: that check-in must be in the journal,
finished. The one a kill cuts short must be there too, with its feeling.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

from voice.config import Settings
from voice.dialogue.engine import Dialogue
from voice.dialogue.journal import Journal
from voice.understanding.library import ScriptLibrary

FEELINGS = ("guilty", "sad", "tired")


def main(scripts: Path, journal_path: Path) -> None:
    library = ScriptLibrary([scripts])
    with Journal(journal_path) as journal:
        print(f"open {journal.notice or 'clean'}", flush=True)
        dialogue = Dialogue(lambda: library.brain, Settings(), journal, rng=random.Random())
        n = 0
        while True:
            dialogue.hear(f"i feel so {FEELINGS[n % 3]}")
            reply = dialogue.hear("goodbye")
            if reply.notice:
                print(f"notice {reply.notice}", flush=True)
            n += 1
            print(f"done {n}", flush=True)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
