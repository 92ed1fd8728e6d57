"""The journal page (chart, table, export, forget), the settings page and Hearth's voice."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response

from voice.config import Settings, check_setting, load_settings, write_config
from voice.dialogue.journal import Journal, summary_sentence
from voice.errors import ConfigError, JournalError
from voice.speech.synthesizer import VoiceSettings
from voice.web import chart
from voice.web.context import WebError
from voice.web.security import Session

if TYPE_CHECKING:
    from voice.web.server import Site

FORM_SETTINGS = (
    "voice", "rate", "volume", "crisis_line", "violence_line", "maternal_line", "child_line",
    "sensitivity", "answer_timeout_s",
)  # fmt: skip
"""The settings the page changes, in the order shown."""
HEAR_IT = "Hello, I'm Hearth. This is how I sound."


def _journal(site: Site) -> Journal:
    settings = site.context.settings
    return Journal(site.context.journal_path, keep_transcripts=settings.keep_transcripts)


def journal(site: Site, request: Request, session: Session, form: dict[str, Any]) -> Response:
    """Feelings per day and per week, the check-ins, export and forget."""
    settings = site.context.settings
    try:
        with _journal(site) as book:
            notice = book.notice or ""
            checkins = book.checkins()
            week = book.summary(7, datetime.now(UTC))
    except JournalError as err:
        return site.render(request, "journal.html", session, problem=str(err), status=503)
    nouns = {
        v.value: v.noun
        for v in site.context.brain(fresh=False).scripts.lists.get("feeling", {}).values()
    }
    today = datetime.now(UTC).date()
    days = chart.buckets(checkins, today, days=14, week=False)
    weeks = chart.buckets(checkins, today, days=8, week=True)
    return site.render(
        request,
        "journal.html",
        session,
        problem="",
        notice=notice,
        sentence=summary_sentence(week, nouns),
        by_day=chart.svg(days, "Feelings named each day, the last 14 days"),
        by_week=chart.svg(weeks, "Feelings named each week, the last 8 weeks"),
        checkins=list(reversed(checkins)),
        transcripts=settings.keep_transcripts,
        path=site.context.journal_path,
    )


def export(site: Site, request: Request, session: Session, form: dict[str, Any]) -> Response:
    """The whole journal as a CSV or JSON download."""
    fmt = request.path_params["fmt"]
    with _journal(site) as book:
        text = book.export(fmt)
    kind = "text/csv" if fmt == "csv" else "application/json"
    name = f"hearth-journal-{date.today().isoformat()}.{fmt}"
    return Response(
        text, media_type=kind, headers={"content-disposition": f'attachment; filename="{name}"'}
    )


def forget(site: Site, request: Request, session: Session, form: dict[str, Any]) -> Response:
    """First say exactly what would be erased; erase only when that was confirmed."""
    before = _before(str(form.get("before", "")))
    with _journal(site) as book:
        doomed = book.checkins(until=before)
        if form.get("confirm") != "yes":
            return site.render(
                request,
                "forget.html",
                session,
                count=len(doomed),
                first=doomed[0].started if doomed else None,
                last=doomed[-1].started if doomed else None,
                before=form.get("before", ""),
                path=site.context.journal_path,
            )
        count = book.forget(before)
    return site.render(request, "forgot.html", session, count=count)


def _before(text: str) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.combine(date.fromisoformat(text), time.min, tzinfo=UTC)
    except ValueError:
        raise WebError(
            f"'{text}' is not a date; pick one from the calendar or leave it empty"
        ) from None


def settings_page(site: Site, request: Request, session: Session, form: dict[str, Any]) -> Response:
    """The settings the page changes, each with its current value."""
    loaded = load_settings(site.context.config_path)
    values = {name: getattr(loaded.settings, name) for name in FORM_SETTINGS}
    return site.render(
        request,
        "settings.html",
        session,
        values=values,
        errors={},
        problems=[str(p) for p in loaded.problems],
        saved=False,
        path=site.context.config_path,
    )


def save_settings(site: Site, request: Request, session: Session, form: dict[str, Any]) -> Response:
    """Check every value with the config file's rules; write config.toml (0600) when all pass."""
    path = site.context.config_path
    loaded = load_settings(path)
    values, errors = _checked(form)
    if not errors:
        try:
            write_config(path, dataclasses.replace(loaded.settings, **values), force=True)
        except ConfigError as err:
            errors["_file"] = str(err)
    shown = {name: form.get(name, "") for name in FORM_SETTINGS}
    return site.render(
        request,
        "settings.html",
        session,
        values=shown,
        errors=errors,
        problems=[str(p) for p in loaded.problems],
        saved=not errors,
        path=path,
        status=422 if errors else 200,
    )


def _checked(form: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Each form value as its setting holds it, or the check's message."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name in FORM_SETTINGS:
        try:
            values[name] = check_setting(name, _typed(name, str(form.get(name, ""))))
        except ConfigError as err:
            errors[name] = str(err)
    return values, errors


def _typed(name: str, text: str) -> object:
    """A form's text as the type the setting has, left as text when it is not a number."""
    kind = type(getattr(Settings(), name))
    if kind in (int, float):
        try:
            number = float(text.strip())
        except ValueError:
            return text
        return int(number) if kind is int and number.is_integer() else number
    return text


def speech(site: Site, request: Request, session: Session, form: dict[str, Any]) -> Response:
    """``text`` as a WAV in Hearth's voice; ``voice``, ``rate``, ``volume`` to hear a setting."""
    query = request.query_params
    text = query.get("text", "").strip() or HEAR_IT
    current = site.context.settings
    chosen: dict[str, Any] = {}
    for name in ("voice", "rate", "volume"):
        given = query.get(name)
        raw = getattr(current, name) if given is None else _typed(name, given)
        try:
            chosen[name] = check_setting(name, raw)
        except ConfigError as err:
            raise WebError(str(err)) from None
    wav = site.context.speak(text[:600], VoiceSettings(**chosen))
    return Response(wav, media_type="audio/wav", headers={"cache-control": "no-store"})


ROUTES = (
    ("/journal", "GET", journal),
    ("/journal/export.{fmt:str}", "GET", export),
    ("/journal/forget", "POST", forget),
    ("/settings", "GET", settings_page),
    ("/settings", "POST", save_settings),
    ("/speech", "GET", speech),
)
"""Path, method, handler."""
