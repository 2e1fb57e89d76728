"""Which page of a list a request asks for."""

from __future__ import annotations

from flask import abort, request
from flask_babel import gettext as _

from expo.lib.ranges import MAX_PAGE, WHOLE_NUMBER


def requested_page(name: str = "page", default: int = 1) -> int:
    """The page number the link (or a form's hidden field) names: ``default`` when it is missing or
    not a number, 1 when below 1, so an edited address shows a page instead of an error. A number
    no list reaches is a page that does not exist (404): its offset would overflow the database."""
    text = request.values.get(name, "").strip()
    if not WHOLE_NUMBER.fullmatch(text):
        return default
    if text.startswith("-"):
        return 1
    if len(text) > len(str(MAX_PAGE)) or int(text) > MAX_PAGE:
        abort(404, _("This list has no page %(page)s.", page=text[:40]))
    return max(int(text), 1)
