"""Meeting forms: input validation only; the rules live in expo.meetings.services."""

from __future__ import annotations

from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from expo.i18n import datetime_in_zone
from expo.lib.form_fields import DayField, Form, WholeNumberField
from expo.lib.ranges import parse_id, parse_whole_number
from expo.meetings.models import SLOT_LENGTHS, Mode, Outcome, Place
from expo.meetings.services import MAX_MESSAGE_LENGTH, Arrangement, Proposal, SettingsData, WindowData
from expo.meetings.slots import FreeSlot


def slot_value(slot: FreeSlot) -> str:
    return f"{slot.mode}@{int(slot.starts_at.timestamp())}"


def parse_slot(value: str | None) -> Proposal | None:
    mode, _, seconds = (value or "").partition("@")
    number = parse_whole_number(seconds, minimum=0, maximum=10**11)
    if mode not in (Mode.VENUE, Mode.ONLINE) or number is None:
        return None
    return Proposal(Mode(mode), datetime.fromtimestamp(number, UTC))


def slot_choices(free: list[FreeSlot], zone: str) -> dict:
    """Optgroups "At the venue" / "Online" of slots labelled in the viewer's zone."""
    groups: dict = {}
    for slot in free:
        label = (
            f"{datetime_in_zone(slot.starts_at, zone, 'day_time', named=False)} – "
            f"{datetime_in_zone(slot.ends_at, zone, 'time', named=False)}"
        )
        groups.setdefault(str(Mode(slot.mode).label), []).append((slot_value(slot), label))
    return groups


class SlotField(SelectField):
    def pre_validate(self, form) -> None:
        if parse_slot(self.data) is None:
            raise ValidationError(_l("Choose one of the slots offered."))
        super().pre_validate(form)


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def unique_ids(form, prefix: str):
    """Give the form's fields ids of their own (``accept-attendees``): a meeting's page holds several
    forms with fields of the same names, and a label must point at its own field. Names stay as they are."""
    for field in form:
        field.id = f"{prefix}-{field.id}"
        field.label.field_id = field.id
    return form


def _text(field) -> str:
    return (field.data or "").strip()


class RevisionMixin:
    revision = HiddenField()

    def seen_revision(self) -> int:
        return parse_whole_number(self.revision.data, minimum=0, maximum=2**31) or 0


class TeamArrangementMixin:
    attendees = MultiCheckboxField(_l("Who of your team attends"), coerce=int, validators=[Optional()])
    place = SelectField(_l("Where you meet at the venue"), validators=[Optional()])
    video_url = StringField(
        _l("Video link for an online meeting"),
        validators=[Optional(), Length(max=500)],
        description=_l(
            "An https:// link to your video room. Leave it empty to use your "
            "team's room, or a new room made for the meeting."
        ),
    )

    def fill_team_choices(self, members, tables, has_stand: bool) -> None:
        self.attendees.choices = [(user.id, user.name) for user in members]
        choices = [("stand", _l("Our stand"))] if has_stand else []
        choices += [
            (f"table:{table.id}", _l("Meeting table %(name)s (%(count)s seats)", name=table.name, count=table.capacity))
            for table in tables
        ]
        self.place.choices = [("", _l("— Choose —"))] + choices

    def arrangement(self) -> Arrangement:
        kind, _, table = (self.place.data or "").partition(":")
        place = Place.STAND if kind == "stand" else Place.TABLE if kind == "table" else None
        return Arrangement(
            tuple(self.attendees.data or ()), place, parse_id(table) if table else None, _text(self.video_url)
        )


class RequestForm(Form):
    slot = SlotField(_l("Time"), validators=[InputRequired()])
    products = SelectMultipleField(
        _l("Products to talk about"),
        coerce=int,
        validators=[Optional()],
        description=_l("Optional: from the booth's catalogue."),
    )
    message = TextAreaField(
        _l("Message"),
        validators=[Optional(), Length(max=MAX_MESSAGE_LENGTH)],
        render_kw={"rows": 4},
        description=_l("What you would like to discuss: quantities, markets, samples."),
    )
    submit = SubmitField(_l("Send the meeting request"))

    def __init__(self, *args, slots: dict, products=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.slot.choices = slots
        self.products.choices = list(products)

    def proposal(self) -> Proposal:
        return parse_slot(self.slot.data)


class InviteForm(TeamArrangementMixin, RequestForm):
    submit = SubmitField(_l("Invite to a meeting"))


class ChooseBuyerForm(Form):
    class Meta:
        csrf = False  # a GET that only chooses what the next form shows

    buyer = SelectField(_l("Buyer"), coerce=int, validators=[InputRequired()])


class TeamAcceptForm(RevisionMixin, TeamArrangementMixin, Form):
    submit = SubmitField(_l("Accept"))


class BuyerAcceptForm(RevisionMixin, Form):
    submit = SubmitField(_l("Accept"))


class DeclineForm(RevisionMixin, Form):
    reason = TextAreaField(
        _l("Reason"), validators=[DataRequired(), Length(max=MAX_MESSAGE_LENGTH)], render_kw={"rows": 2}
    )
    submit = SubmitField(_l("Decline"))


class CancelForm(RevisionMixin, Form):
    reason = TextAreaField(
        _l("Reason"), validators=[DataRequired(), Length(max=MAX_MESSAGE_LENGTH)], render_kw={"rows": 2}
    )
    submit = SubmitField(_l("Cancel the meeting"))


class CounterForm(RevisionMixin, TeamArrangementMixin, Form):
    slot = SlotField(_l("Another time"), validators=[InputRequired()])
    reason = TextAreaField(
        _l("Message"), validators=[Optional(), Length(max=MAX_MESSAGE_LENGTH)], render_kw={"rows": 2}
    )
    submit = SubmitField(_l("Propose this time"))

    def proposal(self) -> Proposal:
        return parse_slot(self.slot.data)


class RescheduleForm(CounterForm):
    reason = TextAreaField(
        _l("Reason"), validators=[DataRequired(), Length(max=MAX_MESSAGE_LENGTH)], render_kw={"rows": 2}
    )
    submit = SubmitField(_l("Move the meeting"))


class OutcomeForm(Form):
    outcome = RadioField(
        _l("How did it go?"),
        choices=[(Outcome.HELD.value, _l("We met")), (Outcome.MISSED.value, _l("It did not take place"))],
        validators=[InputRequired()],
    )
    note = TextAreaField(
        _l("Note"),
        validators=[Optional(), Length(max=MAX_MESSAGE_LENGTH)],
        render_kw={"rows": 3},
        description=_l("For your side only: what was agreed, what comes next."),
    )
    submit = SubmitField(_l("Save"))


class AvailabilityForm(Form):
    mode = RadioField(
        _l("Where"),
        default=Mode.VENUE.value,
        choices=[(Mode.VENUE.value, _l("At the venue")), (Mode.ONLINE.value, _l("Online"))],
        validators=[InputRequired()],
    )
    edition = SelectField(_l("Edition (for the venue)"), coerce=int, validators=[Optional()])
    day = DayField(_l("Day"), validators=[InputRequired()])
    starts = TimeField(_l("From"), validators=[InputRequired()])
    ends = TimeField(_l("To"), validators=[InputRequired()])
    submit = SubmitField(_l("Add"))

    def __init__(self, *args, editions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.edition.choices = [(edition.id, edition.name) for edition in editions]

    def window(self) -> WindowData:
        return WindowData(
            Mode(self.mode.data),
            self.day.data,
            self.starts.data,
            self.ends.data,
            self.edition.data if self.mode.data == Mode.VENUE else None,
        )


class TeamSettingsForm(Form):
    requests_paused = BooleanField(_l("Pause incoming meeting requests"))
    video_url = StringField(
        _l("Your team's video room"),
        validators=[Optional(), Length(max=500)],
        description=_l("An https:// link used for online meetings. Without one, each online meeting gets a new room."),
    )
    submit = SubmitField(_l("Save"))


class SettingsForm(Form):
    slot_minutes = SelectField(
        _l("Slot length"),
        coerce=int,
        choices=[(minutes, _l("%(minutes)s minutes", minutes=minutes)) for minutes in SLOT_LENGTHS],
    )
    day_starts = TimeField(_l("Meeting hours start (venue time)"), validators=[InputRequired()])
    day_ends = TimeField(_l("Meeting hours end (venue time)"), validators=[InputRequired()])
    max_pending_per_buyer = WholeNumberField(
        _l("Pending requests a buyer may have"), validators=[InputRequired(), NumberRange(min=1, max=1000)]
    )
    max_pending_per_team = WholeNumberField(
        _l("Pending requests a team may have"), validators=[InputRequired(), NumberRange(min=1, max=10000)]
    )
    submit = SubmitField(_l("Save the rules"))

    def settings_data(self) -> SettingsData:
        return SettingsData(
            self.slot_minutes.data,
            self.day_starts.data,
            self.day_ends.data,
            self.max_pending_per_buyer.data,
            self.max_pending_per_team.data,
        )


class TableForm(Form):
    name = StringField(_l("Table name"), validators=[DataRequired(), Length(max=60)])
    capacity = WholeNumberField(_l("Seats"), default=4, validators=[InputRequired(), NumberRange(min=2, max=50)])
    submit = SubmitField(_l("Add the table"))
