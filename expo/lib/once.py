"""A secret shown once after the POST that made it (POST-redirect-GET): kept in the session, never in
an address, for the page the browser is redirected to, which takes it out as it shows it. Reloading
that page, or coming back to it, shows it no more; reloading after the POST makes nothing twice."""

from __future__ import annotations

from flask import Response, session

_KEY = "expo.shown_once"


def keep_for(page: str, secret: str, **about) -> None:
    """Keep ``secret`` (and what it belongs to) for the next request of ``page`` (a path)."""
    session[_KEY] = {"page": page, "secret": secret, **about}


def take_for(page: str) -> dict | None:
    """What was kept for ``page``, forgotten as it is taken; None if nothing (or another page's)."""
    kept = session.get(_KEY)
    if not isinstance(kept, dict) or kept.get("page") != page:
        return None
    session.pop(_KEY)
    return kept


def never_stored(response: Response) -> Response:
    """The answer that shows a secret: no browser or proxy keeps it (the back button asks again)."""
    response.headers["Cache-Control"] = "no-store"
    return response
