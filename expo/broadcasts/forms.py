"""Broadcast forms: input validation only; who receives what is decided in broadcasts.services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from expo.broadcasts.models import Broadcast
from expo.broadcasts.services import Draft
from expo.content_languages import localized
from expo.lib.form_fields import Form
from expo.lib.ranges import parse_id

EMAIL_AND_APP, EMAIL_ONLY, APP_ONLY = "both", "email", "in_app"
CHANNEL_CHOICES = [
    (EMAIL_AND_APP, _l("By e-mail and in the app")),
    (EMAIL_ONLY, _l("By e-mail only")),
    (APP_ONLY, _l("In the app only (the bell in the navigation)")),
]
REGISTRANT_CHOICES = [
    (Broadcast.CONFIRMED, _l("Confirmed participants only")),
    (Broadcast.ALL_ACTIVE, _l("Everyone registered, including the waiting list and those awaiting approval")),
]
AUDIENCE_CHOICES = [
    (
        Broadcast.EDITION_ATTENDEES,
        _l("All attendees of the edition: everyone registered for one of its sessions or courses"),
    ),
    (Broadcast.FORUM, _l("The participants of one forum")),
    (Broadcast.SESSION, _l("The participants of one session")),
    (
        Broadcast.EDITION_EXHIBITORS,
        _l("All exhibitors of the edition: the teams of companies with a booth placed in one of its pavilions"),
    ),
    (Broadcast.PAVILION_EXHIBITORS, _l("The exhibitors of one pavilion")),
]


class MessageFieldsMixin:
    subject = StringField(_l("Subject"), validators=[DataRequired(), Length(max=300)])
    body = TextAreaField(
        _l("Message"),
        validators=[DataRequired(), Length(max=20000)],
        render_kw={"rows": 10},
        description=_l("Plain text; line breaks are kept."),
    )
    channels = SelectField(
        _l("Send it"),
        choices=CHANNEL_CHOICES,
        default=EMAIL_AND_APP,
        description=_l(
            "People who turned off organizers' messages for a channel in their settings do not receive them that way."
        ),
    )

    def channel_flags(self) -> dict[str, bool]:
        return {
            "send_email": self.channels.data in (EMAIL_AND_APP, EMAIL_ONLY),
            "send_in_app": self.channels.data in (EMAIL_AND_APP, APP_ONLY),
        }


def _choice_id(value: str | None) -> int | None:
    return parse_id(value)


class BroadcastForm(MessageFieldsMixin, Form):
    audience = RadioField(_l("Send to"), choices=AUDIENCE_CHOICES, default=Broadcast.EDITION_ATTENDEES)
    forum_id = SelectField(_l("Forum"), validators=[Optional()], description=_l("For the participants of one forum."))
    session_id = SelectField(
        _l("Session"), validators=[Optional()], description=_l("For the participants of one session.")
    )
    pavilion_id = SelectField(
        _l("Pavilion"), validators=[Optional()], description=_l("For the exhibitors of one pavilion.")
    )
    registrants = SelectField(
        _l("Which registrations count"),
        choices=REGISTRANT_CHOICES,
        default=Broadcast.CONFIRMED,
        description=_l("For attendees and participants; exhibitors are the whole team of each company."),
    )
    preview = SubmitField(_l("Count the recipients"))
    send = SubmitField(_l("Send the broadcast"))

    def __init__(self, *args, forums, sessions, pavilions, **kwargs):
        super().__init__(*args, **kwargs)
        choose = [("", _l("— Choose —"))]
        self.forum_id.choices = choose + [(str(forum.id), forum.title) for forum in forums]
        self.session_id.choices = choose + [
            (str(session.id), f"{session.forum.title}: {session.title}") for session in sessions
        ]
        self.pavilion_id.choices = choose + [
            (str(pavilion.id), localized(pavilion, "name").text) for pavilion in pavilions
        ]

    def draft(self) -> Draft:
        return Draft(
            audience=self.audience.data,
            subject=self.subject.data or "",
            body=self.body.data or "",
            registrants=self.registrants.data,
            session_id=_choice_id(self.session_id.data),
            forum_id=_choice_id(self.forum_id.data),
            pavilion_id=_choice_id(self.pavilion_id.data),
            **self.channel_flags(),
        )


class AudienceMessageForm(MessageFieldsMixin, Form):
    """A broadcast to one session's or forum's participants, from that session's or forum's page."""

    audience = SelectField(_l("Send to"), choices=REGISTRANT_CHOICES, default=Broadcast.CONFIRMED)
    submit = SubmitField(_l("Send message"))
