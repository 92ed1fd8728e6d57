"""Helpers of the web page's tests."""

from __future__ import annotations

import re
import socket


def csrf_of(html: str) -> str:
    """The CSRF token a page carries."""
    found = re.search(r'name="csrf" content="([^"]+)"', html)
    assert found, "the page has no CSRF token"
    return found.group(1)


def free_port() -> int:
    """A port nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port
