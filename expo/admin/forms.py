"""Administration forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, SubmitField

from expo.lib.form_fields import Form


class GrantOrganizerForm(Form):
    edition = SelectField(_l("Organizer of"), coerce=str)
    submit = SubmitField(_l("Grant organizer role"))

    def __init__(self, editions, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.edition.choices = [("all", _l("Every edition"))] + [(str(e.id), e.name) for e in editions]
