"""Who may use the page, and what it may touch: plain HTTP against the real app."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient
from web_kit import csrf_of

from voice.paths import default_intents_dir
from voice.web import script_files
from voice.web.context import WebContext, WebError
from voice.web.security import COOKIE, MAX_TRIES, Guard
from voice.web.server import create_app

GOOD = """\
intent: bedtime_worry
description: Worrying about missed bedtimes.
phrases:
  - "i missed bedtime [again] tonight"
replies:
  - "Tomorrow's bedtime is a fresh start."
"""


def test_the_session_cookie_is_httponly_and_samesite_strict(client: TestClient) -> None:
    first = client.get("/scripts", follow_redirects=False)
    assert first.status_code == 303
    cookie = first.headers["set-cookie"].lower()
    assert cookie.startswith(f"{COOKIE}=")
    assert "httponly" in cookie and "samesite=strict" in cookie


def test_a_change_without_the_session_is_refused(client: TestClient) -> None:
    answer = client.post("/try/sentence", data={"sentence": "give me a mantra", "csrf": "x"})
    assert answer.status_code == 403
    assert "session" in answer.text


def test_a_change_without_the_csrf_token_is_refused(client: TestClient, web_args: Any) -> None:
    token = csrf_of(client.get("/scripts").text)
    assert client.post("/try/sentence", data={"sentence": "hi"}).status_code == 403
    wrong = client.post("/try/sentence", data={"sentence": "hi"}, headers={"x-csrf-token": "no"})
    assert wrong.status_code == 403
    save = client.post("/scripts/yours/bedtime/save", data={"text": GOOD, "base": ""})
    assert save.status_code == 403
    assert not (Path(web_args.intents) / "bedtime.yaml").exists()
    right = client.post(
        "/try/sentence", data={"sentence": "give me a mantra"}, headers={"x-csrf-token": token}
    )
    assert right.status_code == 200 and right.json()["intent"] == "mantra"
    form = client.post("/try/sentence", data={"sentence": "give me a mantra", "csrf": token})
    assert form.status_code == 200


def test_another_sites_host_name_is_refused_on_the_loopback(client: TestClient) -> None:
    answer = client.get("/journal", headers={"host": "evil.example:8470"})
    assert answer.status_code == 421


def test_off_the_loopback_the_pairing_code_is_needed(context: WebContext) -> None:
    said: list[str] = []
    guard = Guard("0.0.0.0", 8470, announce=said.append)
    assert said and guard.code in said[0], "the pairing code must be printed at start"
    client = TestClient(create_app(context, guard), base_url="http://192.168.1.20:8470")
    unpaired = client.get("/journal", follow_redirects=False)
    assert unpaired.status_code == 303 and unpaired.headers["location"] == "/pair"
    assert COOKIE not in unpaired.headers.get("set-cookie", "")
    assert client.post("/try/sentence", data={"sentence": "hi"}).status_code == 403
    wrong = "000000" if guard.code != "000000" else "111111"
    assert client.post("/pair", data={"code": wrong}).status_code == 403
    assert client.get("/journal", follow_redirects=False).status_code == 303
    paired = client.post("/pair", data={"code": guard.code})
    assert paired.status_code == 200 and "Scripts" in paired.text
    assert client.get("/journal").status_code == 200


def test_guessing_the_pairing_code_gets_a_new_one(context: WebContext) -> None:
    said: list[str] = []
    guard = Guard("0.0.0.0", 8470, announce=said.append)
    first = guard.code
    for _ in range(MAX_TRIES):
        assert not guard.pair("not a code")
    assert len(said) == 2 and guard.code in said[1]
    assert not guard.pair(first) or first == guard.code


@pytest.mark.parametrize(
    "name", ["../../etc/passwd", "/etc/passwd", "..", "a/b", "x.yaml", ".hidden", "Ünï"]
)
def test_script_names_that_could_leave_the_folder_are_refused(name: str, tmp_path: Path) -> None:
    with pytest.raises(WebError) as refused:
        script_files.inside(tmp_path, name)
    assert "not a script name" in str(refused.value)


@pytest.mark.parametrize(
    "path", ["..%2F..%2Fetc%2Fpasswd", "%2Fetc%2Fpasswd", "..%252F..%252Fetc%252Fpasswd"]
)
def test_traversal_in_urls_is_refused(
    session: Callable[..., Any], client: TestClient, path: str
) -> None:
    assert client.get(f"/scripts/yours/{path}").status_code == 404
    assert session(f"/scripts/yours/{path}/save", text=GOOD, base="").status_code in (404, 405)
    assert client.get(f"/scripts/default/{path}").status_code == 404


def test_a_link_out_of_the_folder_is_neither_read_nor_written(
    session: Callable[..., Any], client: TestClient, web_args: argparse.Namespace, tmp_path: Path
) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("private\n", encoding="utf-8")
    (Path(web_args.intents) / "evil.yaml").symlink_to(outside)
    opened = client.get("/scripts/yours/evil")
    assert opened.status_code == 403 and "private" not in opened.text
    saved = session("/scripts/yours/evil/save", text=GOOD, base=script_files.digest("private\n"))
    assert saved.status_code == 403
    assert outside.read_text(encoding="utf-8") == "private\n"


def test_make_it_mine_copies_and_the_defaults_are_never_written(
    session: Callable[..., Any], web_args: argparse.Namespace
) -> None:
    default = default_intents_dir() / "mantra.yaml"
    before = default.read_bytes()
    made = session("/scripts/default/mantra/mine")
    assert made.status_code == 200 and "mantra.yaml" in made.text
    mine = Path(web_args.intents) / "mantra.yaml"
    assert mine.read_bytes() == before
    assert session("/scripts/default/mantra/save", text="x", base="").status_code in (404, 405)
    with pytest.raises(WebError):
        script_files.write_text(default, "intent: mantra\n")
    assert default.read_bytes() == before


def test_the_check_puts_each_problem_on_its_line(session: Callable[..., Any]) -> None:
    broken = GOOD.replace('"i missed bedtime [again] tonight"', '"i missed (bedtime"')
    found = session("/scripts/yours/bedtime/check", text=broken, base="").json()
    assert not found["ok"]
    assert [(p["file"], p["line"]) for p in found["problems"]] == [("bedtime.yaml", 4)]
    assert "never closed" in found["problems"][0]["message"]
    fixed = session("/scripts/yours/bedtime/check", text=GOOD, base="").json()
    assert fixed["ok"] and fixed["count"] == 2
    assert set(fixed["sample"]) == {"i missed bedtime tonight", "i missed bedtime again tonight"}
