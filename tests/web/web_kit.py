"""Helpers of the web page's tests."""

from __future__ import annotations

import re


def csrf_of(html: str) -> str:
    """The CSRF token a page carries."""
    found = re.search(r'name="csrf" content="([^"]+)"', html)
    assert found, "the page has no CSRF token"
    return found.group(1)
