"""`hearth run --web PORT`: the page beside the voice loop, and a save reaching it at once."""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from web_kit import csrf_of, free_port

from audio.chunk import silence
from audio.wav import write_wav

REPO = Path(__file__).resolve().parents[2]
START_S = 600
"""Starting the recogniser and building the matcher take minutes on a busy machine."""
NEW = 'intent: garden\nphrases:\n  - "tell me about the garden"\nreplies:\n  - "Here it is."\n'


def _wait_for_page(client: httpx.Client, process: subprocess.Popen[str], log: Path) -> None:
    deadline = time.monotonic() + START_S
    while time.monotonic() < deadline:
        assert process.poll() is None, f"hearth run ended: {log.read_text()}"
        try:
            client.get("/scripts")
            return
        except httpx.TransportError:
            time.sleep(0.5)
    raise AssertionError(f"the page never answered: {log.read_text()}")


@pytest.mark.slow
def test_a_save_on_the_page_reaches_the_running_loop(
    web_args: argparse.Namespace, tmp_path: Path
) -> None:
    quiet = tmp_path / "quiet.wav"
    write_wav(quiet, silence(900.0))
    port = free_port()
    command = [
        sys.executable, "-m", "voice", "run", "--input", str(quiet), "--realtime",
        "--output", str(tmp_path / "out.wav"), "--web", str(port), "--engine", "pocketsphinx",
        "--config", web_args.config, "--intents", web_args.intents, "--journal", web_args.journal,
    ]  # fmt: skip
    out, log = tmp_path / "stdout.txt", tmp_path / "stderr.txt"
    with out.open("w") as stdout, log.open("w") as stderr:
        process = subprocess.Popen(command, cwd=REPO, stdout=stdout, stderr=stderr, text=True)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=600) as client:
            _wait_for_page(client, process, log)
            token = csrf_of(client.get("/scripts", follow_redirects=True).text)
            headers = {"x-csrf-token": token}
            saved = client.post("/scripts/yours/garden/save", data={"text": NEW}, headers=headers)
            assert saved.status_code == 200, saved.text
            deadline = time.monotonic() + START_S
            while "scripts reloaded" not in out.read_text() and time.monotonic() < deadline:
                time.sleep(0.2)
            assert "scripts reloaded" in out.read_text(), log.read_text()
            tried = client.post(
                "/try/sentence", data={"sentence": "tell me about the garden"}, headers=headers
            )
            assert tried.json()["intent"] == "garden"
    finally:
        process.terminate()
        process.wait(20)
    assert re.search(r"Hearth's page: http://127\.0\.0\.1:\d+/", log.read_text())
