"""Which page of a list a request asks for."""

from __future__ import annotations

from flask import request


def requested_page(name: str = "page") -> int:
    """The page number the link (or a form's hidden field) names: 1 when it is missing, not a
    number, or below 1, so an edited address shows the first page instead of an error."""
    return max(request.values.get(name, 1, type=int) or 1, 1)
