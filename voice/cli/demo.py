"""``hearth demo``: a spoken check-in from bundled WAVs through the real pipeline.

Each bundled recording (rendered by tools/make_demo_audio.py with espeak-ng)
goes through the real recogniser, matcher, dialogue engine and synthesiser;
Hearth's replies are written as WAV files. The demo uses a journal in a
temporary folder, so it never writes into a parent's own journal. It needs no
sound card.
"""

from __future__ import annotations

import argparse
import random
import tempfile
from pathlib import Path

from audio.wav import read_wav, write_wav
from voice import app
from voice.errors import UsageError
from voice.understanding.understander import Understander

AUDIO_DIR = Path(__file__).resolve().parent / "demo_audio"

# (file name, espeak-ng voice, words): two check-ins, the second a look back.
SPOKEN: tuple[tuple[str, str, str], ...] = (
    ("01_guilty", "en-us", "i feel so guilty about missing bedtime"),
    ("02_yes", "en-us+f3", "yes please"),
    ("03_break", "en-us", "is it okay to take a break"),
    ("04_goodbye", "en-us+f3", "thank you goodbye"),
    ("05_tired", "en-us+f3", "i am so tired"),
    ("06_week", "en-us+f3", "how have i been feeling this week"),
    ("07_goodbye", "en-us", "thank you goodbye"),
)


def _out_folder(args: argparse.Namespace) -> Path:
    """The folder for the reply WAVs, made now; raises UsageError for one that cannot be."""
    if not args.out:
        return Path(tempfile.mkdtemp(prefix="hearth-demo-replies-"))
    out = Path(args.out).expanduser()
    if out.exists() and not out.is_dir():
        raise UsageError(
            f"--out {args.out} is a file; give a folder for the reply WAVs (it is created if needed)"
        )
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise UsageError(f"--out {args.out}: cannot create the folder ({err.strerror})") from None
    return out


def run(args: argparse.Namespace) -> int:
    """Play the demo and print the transcript."""
    out = _out_folder(args)
    loaded = app.read_settings(args)
    with tempfile.TemporaryDirectory(prefix="hearth-demo-") as tmp:
        hearth = app.assemble(
            loaded,
            journal=Path(tmp) / "journal.db",
            listen=True,
            speak=True,
            rng=random.Random(2026),
        )
        try:
            count = _talk(hearth, out)
        finally:
            hearth.close()
    print(f"{count} check-ins written to a temporary journal (your own journal was not touched).")
    return 0


def _talk(hearth: app.Hearth, out: Path) -> int:
    """Each bundled recording through the pipeline; returns the check-ins journaled."""
    library, dialogue, journal = hearth.library, hearth.dialogue, hearth.journal
    recognizer, synthesizer = hearth.recognizer, hearth.synthesizer
    assert recognizer is not None and synthesizer is not None and journal is not None
    app.print_notices(hearth)
    understander = Understander(recognizer, library, ("hey hearth",))
    print(
        f"Hearth demo: {recognizer.name} recogniser, {len(library.brain.scripts.intents)} intents."
    )
    print(f"Replies are written to {out}\n")
    for name, _voice, _words in SPOKEN:
        heard = understander.understand(read_wav(AUDIO_DIR / f"{name}.wav"))
        reply = dialogue.hear(heard.transcript.text, unsure=heard.second_reading)
        timings = ", ".join(f"{k} {v:.0f}" for k, v in heard.timings.items())
        print(f"  parent (audio {name}.wav): {heard.transcript.text!r}  [{timings} ms]")
        print(f"  hearth [{reply.intent or 'not understood'}]: {reply.text}")
        if reply.text:
            speech = synthesizer.synthesize(reply.text)
            write_wav(out / f"{name}_reply.wav", speech)
            print(f"         -> {name}_reply.wav ({speech.seconds:.1f} s)")
        if reply.ended:
            print("  (conversation closed)")
        print()
    dialogue.close()
    return len(journal.checkins())
