"""Booth editor and review forms: input validation only; the booth's rules live in booths.services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, EmailField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional

from expo import uploads
from expo.booths import hours
from expo.booths.services import BANNER_MIN_WIDTH, DOCUMENT_TITLE_MAX_LENGTH, TAGLINE_MAX_LENGTH, ContactDetails
from expo.i18n import timezone_choices
from expo.lib.form_fields import Form
from expo.lib.text import MAX_MARKDOWN_LENGTH

IMAGE_TYPES = "image/jpeg,image/png,image/webp"


def file_stream(field):
    """The uploaded file's stream, or None when the field was left empty."""
    upload = field.data
    return upload.stream if upload and getattr(upload, "filename", "") else None


def _file_field(label, description, accept: str, max_bytes: int) -> FileField:
    # data-max-bytes lets the editor's script refuse a too-large file before the upload starts.
    return FileField(label, description=description, render_kw={"accept": accept, "data-max-bytes": max_bytes})


class ProfileForm(Form):
    tagline = StringField(
        _l("Tagline"),
        validators=[Optional(), Length(max=TAGLINE_MAX_LENGTH)],
        description=_l(
            "One line buyers see under your name in every listing, for example "
            "“Surgical masks and gowns for hospitals across ASEAN”."
        ),
    )
    description = TextAreaField(
        _l("Description"),
        validators=[Optional(), Length(max=MAX_MARKDOWN_LENGTH)],
        render_kw={"rows": 12},
        description=_l(
            "What you make, for whom, your certificates and export markets. "
            "Markdown works: **bold**, *italics*, lists with “-”, [links](https://…), "
            "headings with “#”."
        ),
    )
    submit = SubmitField(_l("Save"))


class ImagesForm(Form):
    logo = _file_field(
        _l("Company logo"),
        _l("A JPEG, PNG or WebP image of at most 5 MB, ideally square."),
        IMAGE_TYPES,
        uploads.IMAGE_MAX_BYTES,
    )
    remove_logo = BooleanField(_l("Remove the current logo"))
    banner = _file_field(
        _l("Banner"),
        _l(
            "A wide JPEG, PNG or WebP image across the top of the booth: at least %(width)s pixels wide and twice as "
            "wide as it is tall (1920 × 480 suits best), at most 5 MB.",
            width=BANNER_MIN_WIDTH,
        ),
        IMAGE_TYPES,
        uploads.IMAGE_MAX_BYTES,
    )
    remove_banner = BooleanField(_l("Remove the current banner"))
    submit = SubmitField(_l("Save images"))


class VideoForm(Form):
    video_link = StringField(
        _l("Link to a video"),
        validators=[Optional(), Length(max=500)],
        render_kw={"inputmode": "url", "placeholder": "https://www.youtube.com/watch?v=…"},
        description=_l(
            "From YouTube, Vimeo, Bilibili, Youku or Tencent Video. Visitors' browsers "
            "contact that site only when they press Play."
        ),
    )
    # Its help text names the site's upload limit, so the template writes it.
    video = FileField(_l("Or upload a video file"), render_kw={"accept": "video/mp4,video/webm"})
    submit = SubmitField(_l("Save video"))

    def video_stream(self):
        return file_stream(self.video)


class DocumentForm(Form):
    title = StringField(
        _l("Title"),
        validators=[Optional(), Length(max=DOCUMENT_TITLE_MAX_LENGTH)],
        description=_l("For example “Product catalogue 2027”. Left empty, the file's name is used."),
    )
    document = _file_field(
        _l("PDF file"), _l("A PDF of at most 20 MB, without a password."), "application/pdf", uploads.PDF_MAX_BYTES
    )
    submit = SubmitField(_l("Add brochure"))


class ContactsForm(Form):
    contact_email = EmailField(
        _l("E-mail"), validators=[Optional(), Length(max=254)], render_kw={"autocomplete": "email"}
    )
    contact_phone = StringField(
        _l("Phone"),
        validators=[Optional(), Length(max=40)],
        render_kw={"inputmode": "tel", "autocomplete": "tel"},
        description=_l("With the country code, for example +86 771 555 0123."),
    )
    whatsapp = StringField(
        _l("WhatsApp"),
        validators=[Optional(), Length(max=40)],
        render_kw={"inputmode": "tel"},
        description=_l("The number WhatsApp runs on, with the country code."),
    )
    wechat = StringField(_l("WeChat ID"), validators=[Optional(), Length(max=60)])
    line_id = StringField(_l("LINE ID"), validators=[Optional(), Length(max=60)])
    submit = SubmitField(_l("Save contacts"))

    def details(self) -> ContactDetails:
        return ContactDetails(**{name: (getattr(self, name).data or "").strip() for name in vars(ContactDetails())})


class HoursForm(Form):
    """The booth's zone and, per weekday, up to two periods (opens, closes); an empty day is closed."""

    timezone = SelectField(
        _l("Time zone"),
        validators=[Optional()],
        description=_l("Your opening hours are read in this zone; visitors also see them in their own."),
    )
    submit = SubmitField(_l("Save opening hours"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.timezone.choices = timezone_choices(keep=self.timezone.data)

    def week(self) -> dict[str, list[tuple[str, str]]]:
        return {
            day: [
                (
                    self[hours.field_name(day, number, "opens")].data or "",
                    self[hours.field_name(day, number, "closes")].data or "",
                )
                for number in range(1, hours.MAX_INTERVALS + 1)
            ]
            for day in hours.WEEKDAYS
        }

    def fill_week(self, week: dict[str, list[list[str]]]) -> None:
        for day in hours.WEEKDAYS:
            for number, (opens, closes) in enumerate(week.get(day, []), start=1):
                self[hours.field_name(day, number, "opens")].data = opens
                self[hours.field_name(day, number, "closes")].data = closes


for _day in hours.WEEKDAYS:
    for _number in range(1, hours.MAX_INTERVALS + 1):
        for _end, _label in (("opens", _l("Opens")), ("closes", _l("Closes"))):
            setattr(
                HoursForm,
                hours.field_name(_day, _number, _end),
                StringField(_label, validators=[Optional(), Length(max=8)], render_kw={"type": "time"}),
            )
del _day, _number, _end, _label


class ReviewForm(Form):
    note = TextAreaField(
        _l("Note for the team"),
        validators=[Optional(), Length(max=2000)],
        render_kw={"rows": 4},
        description=_l(
            "Required to send the booth back or to suspend it. The team reads it in the e-mail and on their editor."
        ),
    )
    publish = SubmitField(_l("Publish"))
    send_back = SubmitField(_l("Send back to the team"))
    suspend = SubmitField(_l("Suspend"))
