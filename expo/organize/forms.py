"""Organizer forms: input validation only; the programme's rules live in organize.services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    EmailField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, ValidationError

from expo.editions.models import Edition
from expo.forums.models import Forum, ForumQuestion, ProgrammeSession, Speaker
from expo.i18n import country_choices
from expo.lib.form_fields import Form, LocalTimeField, WholeNumberField, web_address_field
from expo.lib.text import one_line
from expo.organize.services import (
    ForumData,
    QuestionData,
    SessionData,
    SpeakerData,
    is_web_address,
    local_to_utc,
    parse_choices,
    utc_to_local,
)

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
# Seats in one forum or session: far more than any hall, far less than the 32-bit column holds.
MAX_CAPACITY = 1_000_000

FORUM_KIND_CHOICES = [
    (Forum.MAIN, _l("Main forum")),
    (Forum.SUB, _l("Sub-forum")),
    (Forum.TRAINING, _l("Training course")),
    (Forum.PROMOTION, _l("Promotion conference")),
]
REGISTRATION_MODE_CHOICES = [
    (Forum.OPEN, _l("Open: seats are given on registration")),
    (Forum.APPROVAL, _l("Approval: an organizer accepts each registration")),
]
QUESTION_KIND_CHOICES = [
    (ForumQuestion.TEXT, _l("Text answer")),
    (ForumQuestion.CHOICE, _l("Choice from a list")),
    (ForumQuestion.CHECKBOX, _l("Tick box")),
]


def _local_time_field(label, *, required: bool = False) -> LocalTimeField:
    return LocalTimeField(label, format=DATETIME_FORMAT, validators=[DataRequired() if required else Optional()])


def _in_zone_note(zone: str):
    return _l("Local time at the venue (%(zone)s).", zone=zone)


def _text(value: str | None) -> str:
    return (value or "").strip()


class RegistrationWindowMixin:
    """Registration opening and closing times, typed in the edition's time zone."""

    registration_opens_at = _local_time_field(_l("Registration opens"))
    registration_closes_at = _local_time_field(_l("Registration closes"))

    def localise_times(self, zone: str) -> None:
        """Times from the edited object are aware UTC: show them as the venue's wall-clock time."""
        for f in self:
            if isinstance(f, DateTimeLocalField) and f.data is not None and f.data.tzinfo is not None:
                f.data = utc_to_local(f.data, zone)

    def describe_window(self, zone: str) -> None:
        self.registration_opens_at.description = _l(
            "Local time at the venue (%(zone)s). Leave blank to open at once.", zone=zone
        )
        self.registration_closes_at.description = _l(
            "Local time at the venue (%(zone)s). Leave blank to keep it open.", zone=zone
        )

    def validate_registration_closes_at(self, field) -> None:
        opens = self.registration_opens_at.data
        if opens and field.data and field.data <= opens:
            raise ValidationError(_l("Registration must close after it opens."))


class ForumForm(RegistrationWindowMixin, Form):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    slug = web_address_field("digital-economy", max_length=120)
    kind = SelectField(_l("Kind"), choices=FORUM_KIND_CHOICES, default=Forum.MAIN)
    parent_id = SelectField(_l("Part of main forum"), validators=[Optional()], description=_l("Only for sub-forums."))
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=20000)], render_kw={"rows": 5})
    position = WholeNumberField(
        _l("Position in the programme"),
        default=0,
        validators=[Optional(), NumberRange(min=0, max=10000)],
        description=_l("Lower numbers come first."),
    )
    registration_mode = SelectField(_l("Registration"), choices=REGISTRATION_MODE_CHOICES, default=Forum.OPEN)
    enrols_whole_course = BooleanField(_l("Attendees enrol in the whole course (training courses only)"))
    capacity = WholeNumberField(
        _l("Course capacity"),
        validators=[Optional(), NumberRange(min=0, max=MAX_CAPACITY)],
        description=_l("Only for whole-course enrolment. Leave blank for no limit."),
    )
    submit = SubmitField(_l("Save forum"))

    def __init__(self, *args, edition: Edition, main_forums: list[Forum], **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = edition.timezone
        self.parent_id.choices = [("", _l("— None —"))] + [(str(forum.id), forum.title) for forum in main_forums]
        if not self.parent_id.data or self.parent_id.data == "None":
            self.parent_id.data = ""
        self.localise_times(self.zone)
        self.describe_window(self.zone)

    def forum_data(self) -> ForumData:
        return ForumData(
            title=_text(self.title.data),
            slug=_text(self.slug.data),
            kind=self.kind.data,
            parent_id=int(self.parent_id.data) if self.parent_id.data else None,
            description=self.description.data or "",
            position=self.position.data or 0,
            registration_mode=self.registration_mode.data,
            enrols_whole_course=bool(self.enrols_whole_course.data),
            capacity=self.capacity.data,
            registration_opens_at=local_to_utc(self.registration_opens_at.data, self.zone),
            registration_closes_at=local_to_utc(self.registration_closes_at.data, self.zone),
        )


class SessionForm(RegistrationWindowMixin, Form):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    abstract = TextAreaField(_l("Abstract"), validators=[Optional(), Length(max=20000)], render_kw={"rows": 5})
    starts_at = _local_time_field(_l("Starts"), required=True)
    ends_at = _local_time_field(_l("Ends"), required=True)
    room = StringField(_l("Room"), validators=[Optional(), Length(max=200)])
    stream_url = StringField(
        _l("Live stream address"),
        validators=[Optional(), Length(max=500)],
        description=_l("A web address starting with https:// (or http://)."),
    )
    language = StringField(
        _l("Language"),
        validators=[Optional(), Length(max=40)],
        description=_l("For example “Chinese, with English interpretation”."),
    )
    capacity = WholeNumberField(
        _l("Capacity"),
        validators=[Optional(), NumberRange(min=0, max=MAX_CAPACITY)],
        description=_l("Leave blank for no limit."),
    )
    tags = StringField(
        _l("Tags"),
        validators=[Optional(), Length(max=300)],
        description=_l("Separated by commas, for example “AI, logistics”."),
    )
    speakers = SelectMultipleField(
        _l("Speakers"), coerce=int, validators=[Optional()], description=_l("Hold Ctrl (or Cmd) to choose several.")
    )
    submit = SubmitField(_l("Save session"))

    def __init__(self, *args, edition: Edition, speakers: list[Speaker], **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = edition.timezone
        self.speakers.choices = [
            (speaker.id, f"{speaker.name} — {speaker.organisation}" if speaker.organisation else speaker.name)
            for speaker in speakers
        ]
        self.starts_at.description = _in_zone_note(self.zone)
        self.ends_at.description = _in_zone_note(self.zone)
        self.localise_times(self.zone)
        self.describe_window(self.zone)

    def load(self, session: ProgrammeSession) -> None:
        """Fill an unsubmitted form with the session's speakers (the field holds ids)."""
        self.speakers.data = [speaker.id for speaker in session.speakers]

    def validate_ends_at(self, field) -> None:
        if self.starts_at.data and field.data and field.data <= self.starts_at.data:
            raise ValidationError(_l("The session must end after it starts."))

    def validate_stream_url(self, field) -> None:
        if field.data and not is_web_address(field.data.strip()):
            raise ValidationError(_l("Enter a web address starting with http:// or https://."))

    def session_data(self) -> SessionData:
        return SessionData(
            title=_text(self.title.data),
            abstract=self.abstract.data or "",
            starts_at=local_to_utc(self.starts_at.data, self.zone),
            ends_at=local_to_utc(self.ends_at.data, self.zone),
            room=_text(self.room.data),
            stream_url=_text(self.stream_url.data),
            language=_text(self.language.data),
            capacity=self.capacity.data,
            registration_opens_at=local_to_utc(self.registration_opens_at.data, self.zone),
            registration_closes_at=local_to_utc(self.registration_closes_at.data, self.zone),
            tags=self.tags.data or "",
            speaker_ids=tuple(self.speakers.data or ()),
        )


class SpeakerForm(Form):
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)], filters=[one_line])
    title = StringField(_l("Job title"), validators=[Optional(), Length(max=200)], filters=[one_line])
    organisation = StringField(_l("Organisation"), validators=[Optional(), Length(max=200)], filters=[one_line])
    country = SelectField(_l("Country or region"), validators=[Optional()])
    biography = TextAreaField(_l("Biography"), validators=[Optional(), Length(max=20000)], render_kw={"rows": 6})
    account_email = EmailField(
        _l("E-mail address of their Expo account"),
        validators=[Optional(), Email(), Length(max=254)],
        description=_l("Optional. Their venue badge is issued to this account; a speaker without one gets no badge."),
    )
    photo = FileField(
        _l("Photo"),
        description=_l("A JPEG, PNG or WebP image of at most 5 MB. Metadata such as location is removed."),
        render_kw={"accept": "image/jpeg,image/png,image/webp"},
    )
    remove_photo = BooleanField(_l("Remove the current photo"))
    submit = SubmitField(_l("Save speaker"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = [("", _l("— Choose —"))] + country_choices()

    def speaker_data(self) -> SpeakerData:
        return SpeakerData(
            name=_text(self.name.data),
            title=_text(self.title.data),
            organisation=_text(self.organisation.data),
            country=self.country.data or None,
            biography=self.biography.data or "",
            account_email=(self.account_email.data or "").strip(),
        )


class QuestionForm(Form):
    label = StringField(_l("Question"), validators=[DataRequired(), Length(max=300)])
    kind = SelectField(_l("Kind of answer"), choices=QUESTION_KIND_CHOICES, default=ForumQuestion.TEXT)
    choices = TextAreaField(
        _l("Options"),
        validators=[Optional(), Length(max=10000)],
        render_kw={"rows": 4},
        description=_l("For a choice from a list: one option per line."),
    )
    required = BooleanField(_l("An answer is required"))
    submit = SubmitField(_l("Save question"))

    def load(self, question: ForumQuestion) -> None:
        self.choices.data = "\n".join(question.choices or [])

    def question_data(self) -> QuestionData:
        return QuestionData(
            label=_text(self.label.data),
            kind=self.kind.data,
            choices=parse_choices(self.choices.data or ""),
            required=bool(self.required.data),
        )
