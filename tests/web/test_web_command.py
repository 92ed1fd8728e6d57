"""`hearth web` itself, as a parent starts it: off the loopback it prints a pairing code,
and the page wants that code before anything else."""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from web_kit import free_port

REPO = Path(__file__).resolve().parents[2]
START_S = 600
"""Building the matcher for a new scripts folder takes minutes on a busy machine."""


@pytest.mark.slow
def test_hearth_web_prints_the_pairing_code_and_requires_it(
    web_args: argparse.Namespace, tmp_path: Path
) -> None:
    port = free_port()
    command = [
        sys.executable, "-m", "voice", "web", "--host", "0.0.0.0", "--port", str(port),
        "--config", web_args.config, "--intents", web_args.intents, "--journal", web_args.journal,
    ]  # fmt: skip
    log = tmp_path / "stderr.txt"
    with log.open("w") as err:
        process = subprocess.Popen(command, cwd=REPO, stderr=err, env=os.environ.copy())
    try:
        code = None
        deadline = time.monotonic() + START_S
        while code is None and time.monotonic() < deadline and process.poll() is None:
            found = re.search(r"Pairing code for hearth web: (\d{6})", log.read_text())
            code = found.group(1) if found else None
            time.sleep(0.2)
        assert code, f"no pairing code printed: {log.read_text()}"
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            _until_listening(client)
            first = client.get("/journal")
            assert first.status_code == 303 and first.headers["location"] == "/pair"
            assert client.post("/pair", data={"code": "x"}).status_code == 403
            paired = client.post("/pair", data={"code": code})
            assert paired.status_code == 303
            assert client.get("/journal").status_code == 200
    finally:
        process.terminate()
        process.wait(10)


def _until_listening(client: httpx.Client) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            client.get("/pair")
            return
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
