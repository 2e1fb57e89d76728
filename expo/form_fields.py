"""Form fields several areas share."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import DataRequired, Length, Regexp

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


def web_address_field(example: str, *, max_length: int = 80) -> StringField:
    """The slug that names a thing in its links: lower-case letters, digits and single hyphens."""
    return StringField(
        _l("Web address"),
        validators=[DataRequired(), Length(max=max_length),
                    Regexp(SLUG_PATTERN, message=_l("Use lower-case letters, digits and hyphens only."))],
        description=_l("Appears in links, for example %(example)s.", example=example),
    )
