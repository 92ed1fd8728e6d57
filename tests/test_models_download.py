"""Finding and downloading Vosk models, against a real HTTP server on 127.0.0.1.

The archives are small zips built here: a fake model folder with am/final.mdl
and conf/model.conf, enough for ``find_model`` (Vosk itself is not loaded).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import re
import socket
import subprocess
import sys
import threading
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from voice.__main__ import _common, build_parser
from voice.cli import models
from voice.errors import HearthError
from voice.recognition import vosk_models
from voice.recognition.recognizer import RecognizerError
from voice.recognition.vosk_models import CatalogueEntry

ROOT = Path(__file__).resolve().parent.parent
FOLDER = "vosk-model-small-en-us-0.15"
ARCHIVE = f"{FOLDER}.zip"


def make_zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(zipfile.ZipInfo(name), data)
    return buffer.getvalue()


MODEL_FILES = {
    f"{FOLDER}/am/final.mdl": b"\0" * 50_000,
    f"{FOLDER}/conf/model.conf": b"--beam=10.0\n",
    f"{FOLDER}/README": b"a fake model for the tests\n",
}


@dataclass
class Server:
    """Serves ``files`` (URL path -> bytes); ``/nolength/...`` omits Content-Length."""

    url: str
    files: dict[str, bytes]
    requests: list[str] = field(default_factory=list)


@pytest.fixture
def server() -> Iterator[Server]:
    files: dict[str, bytes] = {}
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"

        def do_GET(self) -> None:
            seen.append(self.path)
            path = self.path.removeprefix("/nolength")
            if path not in files:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/zip")
            if not self.path.startswith("/nolength/"):
                self.send_header("Content-Length", str(len(files[path])))
            self.end_headers()
            self.wfile.write(files[path])

        def log_message(self, format: str, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield Server(f"http://127.0.0.1:{httpd.server_address[1]}/", files, seen)
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache under tmp_path; no model or mirror configured."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    monkeypatch.delenv(vosk_models.ENV_MODEL, raising=False)
    monkeypatch.delenv(vosk_models.ENV_BASE_URL, raising=False)
    root = vosk_models.cache_dir()
    assert root == tmp_path / "xdg-cache" / "hearth" / "vosk"
    return root


def serve_model(
    server: Server,
    monkeypatch: pytest.MonkeyPatch,
    files: dict[str, bytes] = MODEL_FILES,
    *,
    size_delta: int = 0,
    sha256: str | None = None,
) -> bytes:
    """Serve a zip as the en-us archive and make the catalogue expect it (or not)."""
    data = make_zip(files)
    server.files[f"/{ARCHIVE}"] = data
    entry = CatalogueEntry(
        name="en-us",
        folder=FOLDER,
        language="English (US)",
        size=len(data) + size_delta,
        sha256=hashlib.sha256(data).hexdigest() if sha256 is None else sha256,
    )
    monkeypatch.setitem(vosk_models.CATALOGUE, "en-us", entry)
    return data


def leftovers(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir()) if root.exists() else []


def test_download_with_progress_then_found(
    cache: Path, server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = serve_model(server, monkeypatch)
    calls: list[tuple[int, int]] = []
    assert vosk_models.find_model(None) is None

    path = vosk_models.download("en-us", server.url, progress=lambda d, t: calls.append((d, t)))

    assert path == cache / "en-us"
    assert (path / "am" / "final.mdl").read_bytes() == MODEL_FILES[f"{FOLDER}/am/final.mdl"]
    assert vosk_models.find_model(None) == path
    assert vosk_models.locate_model(None) == vosk_models.Located(path, "cache (en-us)")
    assert leftovers(cache) == ["en-us"]  # no temporary folder, no zip
    assert calls[0] == (0, len(data))
    assert calls[-1] == (len(data), len(data))
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


def test_installed_model_is_not_downloaded_again(
    cache: Path, server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    serve_model(server, monkeypatch)
    first = vosk_models.download("en-us", server.url)
    assert vosk_models.download("en-us", server.url) == first
    assert len(server.requests) == 1


def test_base_url_from_the_environment(
    cache: Path, server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    serve_model(server, monkeypatch)
    monkeypatch.setenv(vosk_models.ENV_BASE_URL, server.url.rstrip("/"))
    assert vosk_models.download("en-us") == cache / "en-us"
    assert server.requests == [f"/{ARCHIVE}"]


def test_default_site_is_alphacephei(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(vosk_models.ENV_BASE_URL, raising=False)
    entry = vosk_models.CATALOGUE["en-us"]
    url = vosk_models.resolve_base_url() + entry.archive
    assert url == "https://alphacephei.com/vosk/models/vosk-model-small-en-us-0.15.zip"
    assert entry.size == 41_205_931
    assert len(entry.sha256) == 64


def test_wrong_checksum_installs_nothing(
    cache: Path, server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    serve_model(server, monkeypatch, sha256="0" * 64)
    with pytest.raises(RecognizerError, match="does not match its checksum"):
        vosk_models.download("en-us", server.url)
    assert leftovers(cache) == []
    assert vosk_models.find_model(None) is None


@pytest.mark.parametrize("prefix", ["", "nolength/"], ids=["content-length", "no-length"])
@pytest.mark.parametrize("delta", [-100, 100], ids=["shorter", "longer"])
def test_wrong_size_installs_nothing(
    cache: Path, server: Server, monkeypatch: pytest.MonkeyPatch, prefix: str, delta: int
) -> None:
    """Checked from Content-Length when the server sends it, and on the bytes received."""
    serve_model(server, monkeypatch, size_delta=delta)
    with pytest.raises(RecognizerError, match="bytes"):
        vosk_models.download("en-us", server.url + prefix)
    assert leftovers(cache) == []


def test_server_down_says_what_to_do(cache: Path) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(RecognizerError) as err:
        vosk_models.download("en-us", f"http://127.0.0.1:{port}/", timeout=5)
    message = str(err.value)
    assert message.startswith("Could not download the en-us model (")
    assert "On a machine with internet run `hearth models download en-us`" in message
    assert "copy an unpacked Vosk model folder and set HEARTH_VOSK_MODEL" in message
    assert leftovers(cache) == []


def test_missing_archive_says_what_to_do(cache: Path, server: Server) -> None:
    with pytest.raises(RecognizerError, match=r"Could not download the en-us model .*404"):
        vosk_models.download("en-us", server.url)
    assert leftovers(cache) == []


@pytest.mark.parametrize("evil", ["../evil", f"{FOLDER}/../../evil", "/tmp/evil", "C:evil"])
def test_archive_escaping_its_folder_is_refused(
    cache: Path, server: Server, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, evil: str
) -> None:
    serve_model(server, monkeypatch, {**MODEL_FILES, evil: b"gotcha"})
    with pytest.raises(RecognizerError, match="outside the model folder"):
        vosk_models.download("en-us", server.url)
    assert leftovers(cache) == []
    assert not list(tmp_path.rglob("evil"))


def test_archive_without_a_model_installs_nothing(
    cache: Path, server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    serve_model(server, monkeypatch, {f"{FOLDER}/README": b"empty\n"})
    with pytest.raises(RecognizerError, match="holds no Vosk model"):
        vosk_models.download("en-us", server.url)
    assert leftovers(cache) == []


def test_not_a_zip_installs_nothing(
    cache: Path, server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    serve_model(server, monkeypatch)
    server.files[f"/{ARCHIVE}"] = b"<html>not found</html>".ljust(
        vosk_models.CATALOGUE["en-us"].size, b" "
    )
    monkeypatch.setitem(
        vosk_models.CATALOGUE,
        "en-us",
        CatalogueEntry("en-us", FOLDER, "English (US)", len(server.files[f"/{ARCHIVE}"]), ""),
    )
    with pytest.raises(RecognizerError, match="not a readable zip"):
        vosk_models.download("en-us", server.url)
    assert leftovers(cache) == []


def test_unknown_model_name(cache: Path) -> None:
    with pytest.raises(RecognizerError, match="known: en-us"):
        vosk_models.download("xx-yy")


def fake_model(path: Path) -> Path:
    (path / "am").mkdir(parents=True)
    (path / "am" / "final.mdl").write_bytes(b"\0")
    (path / "conf").mkdir()
    return path


def test_search_order(cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cached = fake_model(cache / "en-us")
    assert vosk_models.find_model(None) == cached
    env = fake_model(tmp_path / "env-model")
    monkeypatch.setenv(vosk_models.ENV_MODEL, str(env))
    assert vosk_models.find_model(None) == env
    explicit = fake_model(tmp_path / "explicit-model")
    assert vosk_models.locate_model(str(explicit)) == vosk_models.Located(explicit, "--vosk-model")


def test_old_layout_with_final_mdl_at_the_top(cache: Path, tmp_path: Path) -> None:
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "final.mdl").write_bytes(b"\0")
    (tmp_path / "old" / "conf").mkdir()
    assert vosk_models.find_model(str(tmp_path / "old")) == tmp_path / "old"


def test_env_pointing_at_a_non_model_folder(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "downloads").mkdir()
    monkeypatch.setenv(vosk_models.ENV_MODEL, str(tmp_path / "downloads"))
    with pytest.raises(RecognizerError) as err:
        vosk_models.find_model(None)
    message = str(err.value)
    assert "$HEARTH_VOSK_MODEL" in message
    assert "is not a Vosk model folder" in message
    assert "am/final.mdl (or final.mdl)" in message
    assert "conf/ folder" in message


def test_folder_holding_the_model_suggests_it(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inner = fake_model(tmp_path / "downloads" / FOLDER)
    monkeypatch.setenv(vosk_models.ENV_MODEL, str(tmp_path / "downloads"))
    with pytest.raises(RecognizerError, match=re.escape(f"Did you mean {inner}")):
        vosk_models.find_model(None)


def test_configured_path_that_does_not_exist(cache: Path, tmp_path: Path) -> None:
    with pytest.raises(RecognizerError, match=r"not found .*hearth models download en-us"):
        vosk_models.find_model(str(tmp_path / "typo"))
    with pytest.raises(RecognizerError, match="No Vosk model found"):
        vosk_models.require_model(None)


# --- the command line ----------------------------------------------------------------------


def hearth(argv: list[str]) -> int:
    """``hearth models ...`` in this process: the real parser and handlers, as main() runs them."""
    parser = argparse.ArgumentParser(prog="hearth")
    sub = parser.add_subparsers(dest="command", required=True)
    models.add_parser(sub, _common)
    args = parser.parse_args(argv)
    try:
        code: int = args.handler(args)
    except HearthError as err:
        print(f"hearth: {err}", file=sys.stderr)
        return 1
    return code


def test_cli_download_list_and_path(
    cache: Path,
    server: Server,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    serve_model(server, monkeypatch)
    assert hearth(["models", "path", "en-us"]) == 1
    assert "not installed" in capsys.readouterr().err

    assert hearth(["models", "download", "en-us", "--base-url", server.url]) == 0
    out, err = capsys.readouterr()
    assert f"Installed en-us at {cache / 'en-us'}" in out
    assert "en-us [" in err and "100%" in err and err.endswith("\n")

    assert hearth(["models", "download", "en-us", "--base-url", server.url]) == 0
    assert "already installed" in capsys.readouterr().out

    assert hearth(["models", "list"]) == 0
    out = capsys.readouterr().out
    assert f"installed at {cache / 'en-us'}" in out
    assert f"auto: {cache / 'en-us'} (from cache (en-us))" in out

    assert hearth(["models", "path"]) == 0
    assert capsys.readouterr().out.strip() == str(cache / "en-us")
    assert hearth(["models", "path", "en-us"]) == 0


def test_cli_without_internet(cache: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    assert hearth(["models", "download", "en-us", "--base-url", f"http://127.0.0.1:{port}/"]) == 1
    err = capsys.readouterr().err
    assert "hearth: Could not download the en-us model" in err
    assert "HEARTH_VOSK_MODEL" in err


def test_cli_list_and_path_without_a_model(
    cache: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert hearth(["models", "list"]) == 0
    out = capsys.readouterr().out
    assert "en-us" in out and "not installed" in out
    assert "auto: no Vosk model" in out
    assert hearth(["models", "path"]) == 1
    assert "hearth models download en-us" in capsys.readouterr().err
    assert hearth(["models", "list", "--vosk-model", str(tmp_path)]) == 1
    assert "is not a Vosk model folder" in capsys.readouterr().out


def test_progress_bar_draws_one_line() -> None:
    out = io.StringIO()
    bar = models.ProgressBar("en-us", out, width=10)
    bar(0, 2_000_000)
    bar(2_000_000, 2_000_000)
    bar.close()
    assert out.getvalue().endswith("\ren-us [##########] 100% 2.0/2.0 MB\n")


def _wired() -> bool:
    parser = build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return "models" in commands.choices


def test_models_command_is_registered() -> None:
    assert _wired()


def test_python_m_voice_models_download(server: Server, tmp_path: Path) -> None:
    """The installed command line, in a new process, against the real catalogue.

    The local server offers a small zip under the real archive name, so the real
    size check must refuse it and leave nothing behind.
    """
    server.files[f"/{ARCHIVE}"] = make_zip(MODEL_FILES)
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "xdg-cache")}
    env.pop(vosk_models.ENV_MODEL, None)
    run = subprocess.run(
        [sys.executable, "-m", "voice", "models", "download", "en-us", "--base-url", server.url],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
    )
    assert run.returncode == 1, run.stderr
    assert "expected 41,205,931" in run.stderr
    assert "Nothing was installed" in run.stderr
    assert leftovers(tmp_path / "xdg-cache" / "hearth" / "vosk") == []

    model = fake_model(tmp_path / "my-model")
    run = subprocess.run(
        [sys.executable, "-m", "voice", "models", "path"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**env, vosk_models.ENV_MODEL: str(model)},
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == str(model)
