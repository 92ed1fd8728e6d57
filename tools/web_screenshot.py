"""Take docs/img/web.png: `hearth web`'s script editor with a problem shown on its line.

Runs the real page over a temporary home (the parent's own scripts folder, config and
journal are throwaway) and photographs it with headless Debian chromium.
Run: ``.venv/bin/python -m tools.web_screenshot`` (needs `make system-deps`).
"""

from __future__ import annotations

import argparse
import socket
import tempfile
import time
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from voice import app, paths
from voice.cli.web import make_context
from voice.web.server import Server

OUT = Path(__file__).resolve().parent.parent / "docs" / "img" / "web.png"


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _browser() -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,760"):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def main() -> int:
    """Serve the page, open a script of the parent's with a typo, save the picture."""
    with tempfile.TemporaryDirectory(prefix="hearth-shot-") as tmp:
        folder = Path(tmp) / "intents"
        folder.mkdir()
        text = (paths.default_intents_dir() / "permission.yaml").read_text(encoding="utf-8")
        (folder / "permission.yaml").write_text(text, encoding="utf-8")
        config = Path(tmp) / "config.toml"
        config.write_text("", encoding="utf-8")
        args = argparse.Namespace(
            config=str(config), intents=str(folder), journal=str(Path(tmp) / "journal.db")
        )
        library = app.open_library(app.read_settings(args).settings)
        port = _port()
        server = Server(make_context(args, library, owns_reload=True), "127.0.0.1", port)
        server.start()
        driver = _browser()
        try:
            driver.get(f"http://127.0.0.1:{port}/scripts/yours/permission")
            area = driver.find_element(By.ID, "yaml")
            typo = text.replace("description:", "descripton:", 1)
            driver.execute_script(
                "arguments[0].value = arguments[1];"
                "arguments[0].dispatchEvent(new Event('input', {bubbles: true}));",
                area,
                typo,
            )
            WebDriverWait(driver, 60).until(
                ec.presence_of_element_located((By.CSS_SELECTOR, "#gutter span.bad"))
            )
            time.sleep(0.5)
            OUT.parent.mkdir(parents=True, exist_ok=True)
            driver.save_screenshot(str(OUT))
        finally:
            driver.quit()
            server.stop()
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
