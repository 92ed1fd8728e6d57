"""Who may use the page: a session cookie, a CSRF token on every change, a pairing code
off the loopback, and a Host check against pages of other sites reaching a local server."""

from __future__ import annotations

import hmac
import secrets
import sys
import threading
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

COOKIE = "hearth_session"
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"
SESSION_S = 12 * 3600.0
"""A session lasts half a day; pairing again after that is cheap."""
MAX_TRIES = 5
"""Wrong pairing codes before the code is replaced (guessing six digits then takes ages)."""
LOOPBACK = ("127.0.0.1", "::1", "localhost")


@dataclass
class Session:
    """One browser that paired (or opened the page on this machine)."""

    csrf: str
    """The token every change from this browser must carry."""
    expires: float
    """``time.monotonic()`` after which the session is gone."""
    state: dict[str, Any] = field(default_factory=dict)
    """Per-browser state of the pages (the conversation being tried)."""


class Guard:
    """Sessions and the pairing code of one server."""

    def __init__(self, host: str, port: int, announce: Callable[[str], None] | None = None) -> None:
        self.public = host not in LOOPBACK
        """True when the page is served beyond this machine: pairing needed."""
        self.port = port
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()
        self._tries = 0
        self._announce = announce or (lambda text: print(text, file=sys.stderr, flush=True))
        self.code = self._new_code() if self.public else ""

    def _new_code(self) -> str:
        code = f"{secrets.randbelow(10**6):06d}"
        self._announce(f"Pairing code for hearth web: {code} (type it on the phone's page)")
        return code

    def session(self, request: Request) -> Session | None:
        """The request's live session, or None."""
        token = request.cookies.get(COOKIE, "")
        with self._lock:
            found = self._sessions.get(token)
            if found is not None and found.expires < time.monotonic():
                del self._sessions[token]
                return None
            return found

    def open_session(self, response: Response) -> Session:
        """A new session, its cookie set on ``response`` (HttpOnly, SameSite=Strict)."""
        token = secrets.token_urlsafe(32)
        made = Session(secrets.token_urlsafe(32), time.monotonic() + SESSION_S)
        with self._lock:
            self._sessions[token] = made
        response.set_cookie(
            COOKIE, token, max_age=int(SESSION_S), httponly=True, samesite="strict", path="/"
        )
        return made

    def pair(self, code: str) -> bool:
        """Whether ``code`` is the pairing code; too many wrong ones replace it."""
        with self._lock:
            if self.public and hmac.compare_digest(code.strip(), self.code):
                self._tries = 0
                return True
            self._tries += 1
            if self._tries >= MAX_TRIES:
                self._tries = 0
                self.code = self._new_code()
            return False

    def host_allowed(self, request: Request) -> bool:
        """On the loopback only a loopback Host: a page of another site cannot use a name
        that resolves here (DNS rebinding) to read the journal."""
        if self.public:
            return True
        host = request.headers.get("host", "")
        name = host.rsplit(":", 1)[0] if not host.startswith("[") else host[1:].split("]")[0]
        return name in LOOPBACK


def csrf_ok(session: Session, request: Request, form: Mapping[str, Any]) -> bool:
    """Whether the request carries the session's CSRF token (header or form field)."""
    sent = request.headers.get(CSRF_HEADER) or str(form.get(CSRF_FIELD, ""))
    return bool(sent) and hmac.compare_digest(sent, session.csrf)


Handler = Callable[[Request], Awaitable[Response]]


def refused(message: str, status: int = 403) -> Response:
    """A plain refusal that says what to do."""
    return PlainTextResponse(message, status_code=status)


async def check(guard: Guard, request: Request) -> Response | Session:
    """The request's session, or the response that refuses it (or sends it to pairing)."""
    if not guard.host_allowed(request):
        return refused("This page answers only at http://127.0.0.1; open that address.", 421)
    session = guard.session(request)
    if session is not None:
        return session
    if request.method != "GET":
        return refused("No session: open the page first (and pair, on another device).")
    if guard.public:
        return RedirectResponse("/pair", status_code=303)
    query = f"?{request.url.query}" if request.url.query else ""
    response = RedirectResponse(f"{request.url.path}{query}", status_code=303)
    guard.open_session(response)
    return response
