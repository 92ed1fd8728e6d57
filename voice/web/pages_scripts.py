"""The scripts pages (list, editor, check, save, make it mine, new) and the try-it page."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from voice.web import script_files as files
from voice.web.context import WebError
from voice.web.script_check import CheckResult, full_check, quick_check
from voice.web.security import Session
from voice.web.try_it import EXAMPLE_TESTS, converse, run_tests, try_sentence

if TYPE_CHECKING:
    from voice.web.server import Site


def scripts(site: Site, request: Request, session: Session, form: dict[str, Any]) -> Response:
    """Every intent in use, default or the parent's, with its description."""
    context = site.context
    rows = files.entries(context.brain(), context.user_folder)
    error = context.library.last_error
    return site.render(
        request,
        "scripts.html",
        session,
        rows=rows,
        folder=context.user_folder,
        error=str(error) if error else "",
    )


def default_script(
    site: Site, request: Request, session: Session, form: dict[str, Any]
) -> Response:
    """A default script, read only, with "Make it mine"."""
    stem = request.path_params["stem"]
    path = files.default_file(stem)
    mine = files.inside(site.context.user_folder, stem)
    return site.render(
        request,
        "default.html",
        session,
        stem=stem,
        text=files.read_text(path) or "",
        have_own=mine.is_file(),
    )


def make_mine(site: Site, request: Request, session: Session, form: dict[str, Any]) -> Response:
    """Copy a default into the parent's folder (an own copy already there is kept)."""
    stem = request.path_params["stem"]
    text = files.read_text(files.default_file(stem)) or ""
    target = files.inside(site.context.user_folder, stem)
    with site.context.save_lock:
        if not target.exists():
            files.write_text(target, text)
    return RedirectResponse(f"/scripts/yours/{stem}", status_code=303)


def own_script(site: Site, request: Request, session: Session, form: dict[str, Any]) -> Response:
    """The editor for one of the parent's scripts (or a new one, from the template)."""
    stem = request.path_params["stem"]
    path = files.inside(site.context.user_folder, stem)
    text = files.read_text(path)
    new = text is None
    if new:
        if request.query_params.get("new") != "1":
            raise WebError(
                f"you have no script '{stem}'; make a new one from the scripts page", 404
            )
        text = files.NEW_INTENT.format(
            name=stem.replace("-", "_"), words="a sentence you might say"
        )
    return site.render(
        request,
        "editor.html",
        session,
        stem=stem,
        text=text,
        base="" if new else files.digest(text),
        new=new,
    )


def new_script(site: Site, request: Request, session: Session, form: dict[str, Any]) -> Response:
    """Start a new intent from the template (nothing is written before a save)."""
    name = str(form.get("name", "")).strip().lower().replace(" ", "_")
    stem = files.stem_of(name)
    if files.inside(site.context.user_folder, stem).exists():
        raise WebError(f"you already have a script '{stem}'; open it from the list", 409)
    return RedirectResponse(f"/scripts/yours/{stem}?new=1", status_code=303)


def _result(result: CheckResult) -> dict[str, Any]:
    return {
        "ok": result.ok,
        "problems": [dataclasses.asdict(p) | {"text": str(p)} for p in result.problems],
        "intent": result.intent,
        "count": result.count,
        "sample": list(result.sample),
    }


def check_script(site: Site, request: Request, session: Session, form: dict[str, Any]) -> Response:
    """The problems of the text being typed, on their lines, and what its phrases expand to."""
    stem = request.path_params["stem"]
    path = files.inside(site.context.user_folder, stem)
    text = str(form.get("text", ""))
    result = quick_check(text, stem, site.context.brain(fresh=False).scripts, path)
    on_disk = files.digest(files.read_text(path))
    return JSONResponse(_result(result) | {"changed_on_disk": on_disk != form.get("base", "")})


def save_script(site: Site, request: Request, session: Session, form: dict[str, Any]) -> Response:
    """Save when the text is valid and the file is still the version the page opened."""
    stem = request.path_params["stem"]
    context = site.context
    path = files.inside(context.user_folder, stem)
    text = str(form.get("text", "")).replace("\r\n", "\n")
    result = quick_check(text, stem, context.brain(fresh=False).scripts, path)
    with context.save_lock:
        disk = files.read_text(path)
        if files.digest(disk) != form.get("base", ""):
            return JSONResponse(_conflict(disk), status_code=409)
        if result.ok:
            result = full_check(text, path)
        if not result.ok:
            return JSONResponse(_result(result) | {"saved": False}, status_code=422)
        files.write_text(path, text)
    context.saved()
    return JSONResponse(_result(result) | {"saved": True, "base": files.digest(text)})


def _conflict(disk: str | None) -> dict[str, Any]:
    said = (
        "This script was deleted since you opened it."
        if disk is None
        else "This script was changed since you opened it (another tab, or an editor). "
        "Both versions are below: keep yours or take the one on disk."
    )
    return {
        "saved": False,
        "conflict": True,
        "message": said,
        "disk": disk or "",
        "base": files.digest(disk),
    }


def try_page(site: Site, request: Request, session: Session, form: dict[str, Any]) -> Response:
    """The try-it page: a sentence, a conversation, the intent tests."""
    return site.render(request, "try.html", session, tests=EXAMPLE_TESTS)


def try_one(site: Site, request: Request, session: Session, form: dict[str, Any]) -> Response:
    """The top matches and the reply for one sentence."""
    sentence = str(form.get("sentence", "")).strip()
    if not sentence:
        raise WebError("type a sentence to try")
    tried = try_sentence(site.context.brain(), site.context.settings, sentence)
    return JSONResponse(dataclasses.asdict(tried))


def talk(site: Site, request: Request, session: Session, form: dict[str, Any]) -> Response:
    """One turn of the conversation view; ``reset`` starts again."""
    if form.get("reset"):
        session.state.pop("dialogue", None)
        return JSONResponse({"reset": True})
    text = str(form.get("text", "")).strip()
    if not text:
        raise WebError("type what you would say")
    context = site.context
    return JSONResponse(converse(session.state, context.brain(), context.settings, text))


def tests(site: Site, request: Request, session: Session, form: dict[str, Any]) -> Response:
    """Run intent tests; one result per sentence."""
    results = run_tests(site.context.brain(), str(form.get("tests", "")))
    passed = sum(1 for r in results if r["passed"])
    return JSONResponse({"results": results, "passed": passed, "failed": len(results) - passed})


ROUTES = (
    ("/scripts", "GET", scripts),
    ("/scripts/new", "POST", new_script),
    ("/scripts/default/{stem}", "GET", default_script),
    ("/scripts/default/{stem}/mine", "POST", make_mine),
    ("/scripts/yours/{stem}", "GET", own_script),
    ("/scripts/yours/{stem}/check", "POST", check_script),
    ("/scripts/yours/{stem}/save", "POST", save_script),
    ("/try", "GET", try_page),
    ("/try/sentence", "POST", try_one),
    ("/try/converse", "POST", talk),
    ("/try/tests", "POST", tests),
)
"""Path, method, handler."""
