"""The Starlette application of ``hearth web`` and the uvicorn server that serves it."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from voice.errors import HearthError
from voice.web import pages_more, pages_scripts
from voice.web.context import WebContext, WebError
from voice.web.security import Guard, Session, check, csrf_ok, refused

HERE = Path(__file__).resolve().parent
Endpoint = Callable[..., Response]


@dataclass(frozen=True)
class Site:
    """What an endpoint gets besides the request."""

    context: WebContext
    guard: Guard
    templates: Jinja2Templates

    def render(self, request: Request, name: str, session: Session, **values: Any) -> Response:
        """A page, with the session's CSRF token for its forms and scripts."""
        values.setdefault("status", 200)
        status = values.pop("status")
        return self.templates.TemplateResponse(
            request, name, {"csrf": session.csrf, **values}, status_code=status
        )


def _guarded(site: Site, handler: Endpoint, *, change: bool) -> Callable[[Request], Any]:
    """Run ``handler(site, request, session, form)`` for a session; a change needs its token."""

    @functools.wraps(handler)
    async def endpoint(request: Request) -> Response:
        found = await check(site.guard, request)
        if isinstance(found, Response):
            return found
        form: dict[str, Any] = {}
        if change:
            form = dict(await request.form())
            if not csrf_ok(found, request, form):
                return refused("The form's security token is missing or old; reload the page.")
        try:
            return await run_in_threadpool(handler, site, request, found, form)
        except WebError as err:
            return _error(request, str(err), err.status)
        except HearthError as err:
            return _error(request, str(err), 400)

    return endpoint


def _error(request: Request, message: str, status: int) -> Response:
    if "application/json" in request.headers.get("accept", "") or request.method != "GET":
        return JSONResponse({"error": message}, status_code=status)
    return HTMLResponse(
        f"<!doctype html><title>Hearth</title><p role='alert'>{escape(message)}</p>"
        "<p><a href='/scripts'>Back to the scripts</a></p>",
        status_code=status,
    )


async def _pair_page(site: Site, request: Request) -> Response:
    if request.method == "GET":
        return site.templates.TemplateResponse(request, "pair.html", {"wrong": False})
    form = await request.form()
    if not site.guard.pair(str(form.get("code", ""))):
        return site.templates.TemplateResponse(
            request, "pair.html", {"wrong": True}, status_code=403
        )
    response = RedirectResponse("/scripts", status_code=303)
    site.guard.open_session(response)
    return response


def create_app(context: WebContext, guard: Guard) -> Starlette:
    """The page's routes over ``context``, guarded by ``guard``."""
    site = Site(context, guard, Jinja2Templates(directory=str(HERE / "templates")))
    routes: list[Route | Mount] = [
        Route("/", lambda request: RedirectResponse("/scripts", status_code=303)),
        Route("/pair", functools.partial(_pair_page, site), methods=["GET", "POST"]),
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    for table in (pages_scripts.ROUTES, pages_more.ROUTES):
        for path, method, handler in table:
            routes.append(
                Route(path, _guarded(site, handler, change=method == "POST"), methods=[method])
            )
    return Starlette(routes=routes)


class Server:
    """uvicorn in a thread, for ``hearth run`` beside its voice loop and for the tests."""

    def __init__(self, context: WebContext, host: str, port: int) -> None:
        self.guard = Guard(host, port)
        config = uvicorn.Config(
            create_app(context, self.guard), host=host, port=port, log_level="warning"
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="hearth-web", daemon=True)

    def start(self, timeout: float = 10.0) -> None:
        """Start serving; returns once the port is open (WebError if it did not open)."""
        self._thread.start()
        waited = 0.0
        while not self._server.started and self._thread.is_alive() and waited < timeout:
            threading.Event().wait(0.05)
            waited += 0.05
        if not self._server.started:
            raise WebError("the web page could not start; is the port already in use?")

    def stop(self) -> None:
        """Stop serving and wait for the thread."""
        self._server.should_exit = True
        self._thread.join(5.0)


def serve(context: WebContext, host: str, port: int) -> None:
    """Serve in this thread until Ctrl-C (``hearth web``)."""
    guard = Guard(host, port)
    uvicorn.run(create_app(context, guard), host=host, port=port, log_level="warning")
