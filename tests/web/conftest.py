"""The web page's fixtures: a private folder set (config, scripts, journal), the app over the
real scripts, a real server on a free port, and headless Debian chromium."""

from __future__ import annotations

import argparse
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient
from web_kit import csrf_of, free_port

from voice.cli.web import make_context
from voice.understanding.library import ScriptLibrary
from voice.web.context import WebContext
from voice.web.security import Guard
from voice.web.server import Server, create_app

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")


@pytest.fixture
def web_args(tmp_path: Path) -> argparse.Namespace:
    """A config file, a scripts folder and a journal of the test's own."""
    config = tmp_path / "config.toml"
    config.write_text("", encoding="utf-8")
    folder = tmp_path / "mine"
    folder.mkdir()
    return argparse.Namespace(
        config=str(config), intents=str(folder), journal=str(tmp_path / "journal.db")
    )


@pytest.fixture
def context(web_args: argparse.Namespace, default_library: ScriptLibrary) -> WebContext:
    """The page over the default scripts (built once per session), not reloading them."""
    return make_context(web_args, default_library, owns_reload=False)


@pytest.fixture
def client(context: WebContext) -> TestClient:
    """A browser-like client of the app on the loopback, with no session yet."""
    return TestClient(create_app(context, Guard("127.0.0.1", 8470)), base_url="http://127.0.0.1")


@pytest.fixture
def session(client: TestClient) -> Callable[..., Any]:
    """``post(url, **fields)`` with the session cookie and its CSRF token."""
    token = csrf_of(client.get("/scripts").text)

    def post(url: str, **fields: str) -> Any:
        return client.post(url, data=fields, headers={"x-csrf-token": token})

    return post


@pytest.fixture
def live_server(web_args: argparse.Namespace) -> Iterator[tuple[str, WebContext]]:
    """``hearth web`` for real: uvicorn on a free port over a library that reloads edits."""
    from voice import app

    loaded = app.read_settings(web_args)
    library = app.open_library(loaded.settings)
    context = make_context(web_args, library, owns_reload=True)
    port = free_port()
    server = Server(context, "127.0.0.1", port)
    server.start()
    yield f"http://127.0.0.1:{port}", context
    server.stop()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Keep each phase's report on the test, so a fixture can tell that the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def browser(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    """Headless chromium through /usr/bin/chromedriver; a screenshot is kept on failure."""
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if missing or shutil.which("chromium") is None:
        pytest.fail(
            f"the browser tests need Debian's chromium and chromium-driver ({', '.join(missing)} "
            "missing); run `make system-deps`"
        )
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"):
        options.add_argument(flag)
    options.add_argument("--window-size=1100,1400")
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(120)
    yield driver
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        shot = tmp_path / "failure.png"
        driver.save_screenshot(str(shot))
        print(f"screenshot of the failure: {shot}")
    driver.quit()
