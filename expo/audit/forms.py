"""The audit log's filters: a GET form whose address can be shared and exported as it stands."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError

from expo.audit.models import AuditAction, AuditObject
from expo.lib.form_fields import Form


class AuditFilterForm(Form):
    class Meta:
        csrf = False  # reading changes nothing; the filtered address is meant to be bookmarked

    action = SelectField(_l("Action"), validators=[Optional()])
    actor = StringField(
        _l("Who"), validators=[Optional(), Length(max=254)], description=_l("Part of a name or e-mail address.")
    )
    object_type = SelectField(_l("Object type"), validators=[Optional()])
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.action.choices = [("", _l("Every action"))] + [(action.value, action.label) for action in AuditAction]
        self.object_type.choices = [("", _l("Every kind"))] + [(kind.value, kind.label) for kind in AuditObject]

    def validate_date_to(self, field) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("The last day must not be before the first."))
