"""Edit to answer: from a script saved on the page to a running Hearth answering with it.

A running ``hearth run --web`` is stood in for by its parts, each the real one: the
page on a real uvicorn server, the scripts library the voice loop reloads, PocketSphinx
behind the understander that rebuilds its language model from the scripts, and a
stand-in for the loop's thread doing what ``hearth run`` does with them (after a save
on the page: reload at once; otherwise: look for edits every ``RELOAD_EVERY_S``).

Each repetition adds a new intent whose one phrase the scripts never had, so no cache
can answer it: through the page (POST to the editor's own save endpoint), and as the
baseline, written directly into the folder as a text editor would. The time ends when
the sentence, spoken by espeak-ng, is understood as the new intent: the save's checks,
the reload (loading and checking every script, training the matcher), the language
model's rebuild, and recognising the sentence.
"""

from __future__ import annotations

import argparse
import re
import socket
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from voice import app
from voice.cli.web import make_context
from voice.files import atomic_write
from voice.loop.voice_loop import RELOAD_EVERY_S
from voice.recognition.engines import make_recognizer
from voice.understanding.library import ScriptLibrary
from voice.understanding.understander import Understander
from voice.web.server import Server

from .corpus import speak

PHRASES = (
    "tell me about the garden",
    "show me the river again",
    "tell me about the sea",
    "show me the big tree",
    "tell me about the moon",
    "show me the little boat",
)
"""Sentences no default script has, in words PocketSphinx's dictionary knows."""
SCRIPT = 'intent: {name}\nphrases:\n  - "{phrase}"\nreplies:\n  - "Here it is."\n'
TARGET_S = 2.0
POLL_S = 0.005


class _LoopThread:
    """What ``hearth run`` does with the library between audio chunks, in one thread."""

    def __init__(self, library: ScriptLibrary, saved: threading.Event) -> None:
        self.library, self.saved = library, saved
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        next_look = time.monotonic() + RELOAD_EVERY_S
        while not self._stop.wait(0.1):  # one audio chunk
            if self.saved.is_set():  # run.py's _feed: a save on the page
                self.saved.clear()
                self.library.reload_in_background()
            if time.monotonic() >= next_look:  # VoiceLoop._tick
                next_look = time.monotonic() + RELOAD_EVERY_S
                self.library.reload_in_background()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def _answered(
    understander: Understander, intent: str, audio: Any, began: float, saved: float
) -> dict[str, float]:
    """Wait for the new intent to be in use, then time the rebuild and the answer."""
    library = understander.library
    while intent not in library.brain.scripts.intents:
        time.sleep(POLL_S)
    reloaded = time.perf_counter()
    understander.refresh()
    rebuilt = time.perf_counter()
    heard = understander.understand(audio)
    done = time.perf_counter()
    if heard.result.intent != intent:
        print(f"  (web: {heard.transcript.text!r} was not understood as {intent})")
    return {
        "understood": float(heard.result.intent == intent),
        "save_s": saved - began,
        "reload_s": reloaded - saved,
        "lm_s": rebuilt - reloaded,
        "answer_s": done - rebuilt,
        "total_s": done - began,
    }


def _page_save(client: httpx.Client, token: str, stem: str, text: str) -> tuple[float, float]:
    began = time.perf_counter()
    answer = client.post(
        f"/scripts/yours/{stem}/save",
        data={"text": text, "base": ""},
        headers={"x-csrf-token": token},
        timeout=300,
    )
    if answer.status_code != 200:
        raise SystemExit(f"web bench: the page refused the save: {answer.text}")
    return began, time.perf_counter()


def _repetitions(
    save: Callable[[str, str], tuple[float, float]],
    understander: Understander,
    offset: int,
    count: int,
) -> list[dict[str, float]]:
    rows = []
    for i, phrase in enumerate(PHRASES[offset : offset + count]):
        name = f"bench_{offset + i}"
        audio = speak(phrase, "en-us")
        began, saved = save(name, SCRIPT.format(name=name, phrase=phrase))
        rows.append(_answered(understander, name, audio, began, saved))
    return rows


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _summary(rows: list[dict[str, float]]) -> dict[str, float]:
    out = {f"median_{k}": statistics.median(r[k] for r in rows) for k in rows[0]}
    return out | {
        "max_total_s": max(r["total_s"] for r in rows),
        "runs": float(len(rows)),
        "understood": sum(r["understood"] for r in rows),
    }


def run(quick: bool = False) -> dict[str, Any]:
    """Median and max seconds from a save to the answer, page and direct write."""
    reps = 2 if quick else 3
    with tempfile.TemporaryDirectory(prefix="hearth-web-bench-") as tmp:
        folder = Path(tmp) / "mine"
        folder.mkdir()
        (Path(tmp) / "config.toml").write_text("", encoding="utf-8")
        args = argparse.Namespace(
            config=str(Path(tmp) / "config.toml"), intents=str(folder), journal=None
        )
        library = app.open_library(app.read_settings(args).settings)
        understander = Understander(make_recognizer("pocketsphinx", None), library, ())
        saved = threading.Event()
        context = make_context(args, library, owns_reload=False, on_saved=saved.set)
        port = _free_port()
        server = Server(context, "127.0.0.1", port)
        server.start()
        loop = _LoopThread(library, saved)
        try:
            with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
                page = client.get("/scripts", follow_redirects=True)
                token = re.search(r'name="csrf" content="([^"]+)"', page.text)
                assert token is not None

                def through_page(stem: str, text: str) -> tuple[float, float]:
                    return _page_save(client, token.group(1), stem, text)

                def directly(stem: str, text: str) -> tuple[float, float]:
                    began = time.perf_counter()
                    atomic_write(folder / f"{stem}.yaml", text)
                    return began, time.perf_counter()

                web = _repetitions(through_page, understander, 0, reps)
                direct = _repetitions(directly, understander, reps, reps)
        finally:
            loop.stop()
            server.stop()
    figures = {"page": _summary(web), "direct": _summary(direct), "target_s": TARGET_S}
    _print(figures)
    return figures


def _print(figures: dict[str, Any]) -> None:
    print("== web: a saved edit to the running Hearth answering with it (seconds)")
    for name in ("page", "direct"):
        f = figures[name]
        print(
            f"  {name:7} median {f['median_total_s']:.2f} (save {f['median_save_s']:.2f}, "
            f"reload {f['median_reload_s']:.2f}, "
            f"language model {f['median_lm_s']:.2f}, answer {f['median_answer_s']:.2f}), "
            f"max {f['max_total_s']:.2f}, {f['understood']:.0f} of {f['runs']:.0f} understood"
        )
