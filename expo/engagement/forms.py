"""Input for engagement: events the browser reports and the favourite buttons."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from expo.engagement.services import BROWSER_KINDS
from expo.lib.form_fields import Form, WholeNumberField
from expo.lib.ranges import MAX_ID


class TrackEventForm(Form):
    """What the page's script reports: {"kind": "video_play", "booth": slug, "product": id, "document": id}."""

    class Meta:
        # The JSON body carries no token; CSRFProtect checks the X-CSRFToken header before the view runs.
        csrf = False

    kind = SelectField(
        choices=[(kind, kind) for kind in BROWSER_KINDS], validators=[DataRequired(_l("Say what happened."))]
    )
    booth = StringField(validators=[DataRequired(_l("Name the booth.")), Length(max=120)])
    product = WholeNumberField(validators=[Optional(), NumberRange(min=1, max=MAX_ID)])
    document = WholeNumberField(validators=[Optional(), NumberRange(min=1, max=MAX_ID)])


class FavouriteForm(Form):
    """A save or remove button; ``next`` is the page to return to."""

    next = HiddenField()
