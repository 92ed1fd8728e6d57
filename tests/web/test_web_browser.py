"""The issue's walk through the page in real headless chromium, on a real server."""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from voice.dialogue.checkin import CheckIn
from voice.dialogue.journal import Journal
from voice.paths import default_intents_dir
from voice.web.context import WebContext

REBUILD_S = 300
"""A save rebuilds the matcher; on a shared machine that can take minutes."""
NEW_PHRASE = "sing me the kettle song"


def _wait(driver: Any, seconds: float = 60) -> WebDriverWait:
    return WebDriverWait(driver, seconds)


def _set_text(driver: Any, text: str) -> None:
    """Replace the editor's text as a paste would (typing a whole file key by key is slow)."""
    area = driver.find_element(By.ID, "yaml")
    driver.execute_script(
        "arguments[0].value = arguments[1];"
        "arguments[0].dispatchEvent(new Event('input', {bubbles: true}));",
        area,
        text,
    )


def _fill_journal(path: Path) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    with Journal(path) as journal:
        for days, feeling in ((0, "guilty"), (1, "tired"), (9, "guilty")):
            start = now - timedelta(days=days, hours=1)
            journal.record(
                CheckIn(start, start + timedelta(minutes=1), ("name_feeling",), (feeling,))
            )


def _edit_a_default(driver: Any, base: str) -> None:
    driver.get(f"{base}/scripts")
    driver.find_element(By.LINK_TEXT, "mantra").click()
    _wait(driver).until(ec.element_to_be_clickable((By.ID, "make-mine"))).click()
    _wait(driver).until(ec.url_contains("/scripts/yours/mantra"))
    text = (default_intents_dir() / "mantra.yaml").read_text(encoding="utf-8")
    lines = text.split("\n")
    where = next(i for i, line in enumerate(lines) if line.startswith("  - ")) + 1
    broken = [*lines[:where], '  - "(sing me the kettle song"', *lines[where:]]
    _set_text(driver, "\n".join(broken))
    bad_line = where + 1
    gutter = (By.CSS_SELECTOR, f"#gutter #line-{bad_line}.bad")
    _wait(driver).until(ec.presence_of_element_located(gutter))
    problems = driver.find_element(By.ID, "problems").text
    assert f"mantra.yaml:{bad_line}:" in problems and "never closed" in problems
    fixed = [*lines[:where], f'  - "{NEW_PHRASE}"', *lines[where:]]
    _set_text(driver, "\n".join(fixed))
    _wait(driver).until(ec.text_to_be_present_in_element((By.ID, "problems"), "No problems."))
    assert not driver.find_elements(By.CSS_SELECTOR, "#gutter span.bad")
    driver.find_element(By.ID, "save").click()
    _wait(driver, 120).until(ec.text_to_be_present_in_element((By.ID, "status"), "Saved."))


def _try_sentences(driver: Any, base: str) -> None:
    driver.get(f"{base}/try")
    box = driver.find_element(By.ID, "sentence")
    box.send_keys(NEW_PHRASE, Keys.ENTER)  # the keyboard alone
    reply = _wait(driver, REBUILD_S).until(ec.visibility_of_element_located((By.ID, "reply")))
    assert reply.text.startswith("Hearth: ") and len(reply.text) > 12
    first = driver.find_element(By.CSS_SELECTOR, "#matches tr:nth-of-type(2) td")
    assert first.text == "mantra"
    wav = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "const src = document.querySelector('#tried audio').src;"
        "fetch(src).then(r => r.arrayBuffer().then(b => done([r.headers.get('content-type'),"
        " String.fromCharCode(...new Uint8Array(b.slice(0, 4))), b.byteLength])));"
    )
    assert wav[0] == "audio/wav" and wav[1] == "RIFF" and wav[2] > 10_000, wav
    say = driver.find_element(By.ID, "say")
    say.send_keys("i feel so guilty", Keys.ENTER)
    _wait(driver).until(
        ec.text_to_be_present_in_element((By.ID, "turns"), "waiting for your answer")
    )
    driver.find_element(By.ID, "say").send_keys("yes", Keys.ENTER)
    _wait(driver).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#turns li.hearth")) == 2)
    driver.find_element(By.CSS_SELECTOR, "#tests-form button").click()
    _wait(driver).until(ec.text_to_be_present_in_element((By.ID, "test-results"), "3 passed"))
    assert len(driver.find_elements(By.CSS_SELECTOR, "#test-table tr")) == 3


def _journal(driver: Any, base: str, downloads: Path) -> None:
    driver.get(f"{base}/journal")
    titles = [
        t.get_attribute("textContent")
        for t in driver.find_elements(By.CSS_SELECTOR, "svg.chart rect title")
    ]
    assert any("guilty 1" in t for t in titles) and any("tired 1" in t for t in titles), titles
    assert len(driver.find_elements(By.CSS_SELECTOR, "#checkins tbody tr")) == 3
    driver.find_element(By.ID, "export-csv").click()
    deadline = time.monotonic() + 30
    while not list(downloads.glob("*.csv")) and time.monotonic() < deadline:
        time.sleep(0.2)
    exported = next(downloads.glob("*.csv")).read_text(encoding="utf-8")
    assert exported.count("name_feeling") == 3 and "guilty" in exported
    driver.find_element(By.ID, "forget").click()
    what = _wait(driver).until(ec.visibility_of_element_located((By.ID, "what"))).text
    assert "3 check-in(s)" in what and "every check-in" in what and "for good" in what
    driver.find_element(By.ID, "confirm-forget").click()
    done = _wait(driver).until(ec.visibility_of_element_located((By.ID, "done")))
    assert "Erased 3 check-in(s)" in done.text


@pytest.mark.slow
def test_the_whole_walk(
    browser: Any,
    live_server: tuple[str, WebContext],
    web_args: argparse.Namespace,
    tmp_path: Path,
) -> None:
    base, _ = live_server
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    browser.execute_cdp_cmd(
        "Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
    )
    _fill_journal(Path(web_args.journal))
    _edit_a_default(browser, base)
    assert (Path(web_args.intents) / "mantra.yaml").read_text(encoding="utf-8").count(NEW_PHRASE)
    _try_sentences(browser, base)
    _journal(browser, base, downloads)
    with Journal(Path(web_args.journal)) as journal:
        assert journal.checkins() == []


UNLABELLED = """
return [...document.querySelectorAll('input:not([type=hidden]), textarea, select')]
  .filter(e => !e.labels.length && !e.getAttribute('aria-label')).map(e => e.outerHTML);
"""


@pytest.mark.slow
def test_every_page_fits_a_phone_and_labels_its_fields(
    browser: Any, live_server: tuple[str, WebContext]
) -> None:
    base, _ = live_server
    browser.set_window_size(390, 844)
    for page in ("/scripts", "/scripts/default/mantra", "/try", "/journal", "/settings"):
        browser.get(f"{base}{page}")
        wide = browser.execute_script(
            "return document.documentElement.scrollWidth - window.innerWidth"
        )
        assert wide <= 0, f"{page} is {wide} px wider than a phone"
        assert browser.execute_script(UNLABELLED) == [], page
    browser.get(f"{base}/scripts")
    body = browser.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    assert browser.switch_to.active_element.text == "Skip to the page"
