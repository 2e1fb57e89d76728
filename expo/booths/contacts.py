"""A booth's contact channels: checking what the team typed, and the links visitors follow."""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

# WeChat IDs: 6–20 characters, a letter first, then letters, digits, "_" or "-".
WECHAT_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{5,19}$")
# LINE IDs: up to 20 lower-case letters, digits, ".", "-" or "_"; official accounts start with "@".
LINE_ID = re.compile(r"^@?[a-z0-9._-]{1,20}$")

CHANNEL_LABELS = {
    "contact_email": _l("E-mail"),
    "contact_phone": _l("Phone"),
    "whatsapp": _l("WhatsApp"),
    "wechat": _l("WeChat ID"),
    "line_id": _l("LINE ID"),
}


class InvalidContact(ValueError):
    """``field`` names the input at fault; the message is safe to show."""

    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field


def clean_email(value: str, field: str = "contact_email") -> str:
    value = value.strip()
    if not value:
        return ""
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError:
        raise InvalidContact(_("Enter an e-mail address such as sales@example.com."), field) from None


def clean_phone(value: str, country: str | None, field: str) -> str:
    """The number in international format ('+86 771 555 0123'); a number without '+' is read as
    one of the booth's country."""
    value = value.strip()
    if not value:
        return ""
    hint = _("Enter the number with its country code, for example +86 771 555 0123.")
    try:
        number = phonenumbers.parse(value, None if value.startswith("+") else (country or None))
    except phonenumbers.NumberParseException:
        raise InvalidContact(hint, field) from None
    if not phonenumbers.is_valid_number(number):
        raise InvalidContact(_("This is not a valid phone number. %(hint)s", hint=hint), field)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def clean_wechat(value: str, field: str = "wechat") -> str:
    value = value.strip()
    if value and not WECHAT_ID.match(value):
        raise InvalidContact(
            _("A WeChat ID has 6 to 20 characters: a letter first, then letters, digits, “_” or “-”."), field
        )
    return value


def clean_line_id(value: str, field: str = "line_id") -> str:
    value = value.strip().lower()
    if value and not LINE_ID.match(value):
        raise InvalidContact(
            _("A LINE ID has up to 20 letters, digits, “.”, “-” or “_” (official accounts start with “@”)."), field
        )
    return value


@dataclass(frozen=True)
class ContactChannel:
    kind: str
    label: str
    text: str
    href: str | None


def _e164(international: str) -> str:
    return "+" + re.sub(r"\D", "", international)


def contact_channels(booth) -> list[ContactChannel]:
    """The channels the booth gives, in a fixed order, each with the link that opens it (WeChat has none
    that adds a contact, so its ID is shown to copy)."""
    channels = []
    if booth.contact_email:
        channels.append(
            ContactChannel(
                "contact_email",
                str(CHANNEL_LABELS["contact_email"]),
                booth.contact_email,
                f"mailto:{booth.contact_email}",
            )
        )
    if booth.contact_phone:
        channels.append(
            ContactChannel(
                "contact_phone",
                str(CHANNEL_LABELS["contact_phone"]),
                booth.contact_phone,
                f"tel:{_e164(booth.contact_phone)}",
            )
        )
    if booth.whatsapp:
        channels.append(
            ContactChannel(
                "whatsapp",
                str(CHANNEL_LABELS["whatsapp"]),
                booth.whatsapp,
                f"https://wa.me/{_e164(booth.whatsapp)[1:]}",
            )
        )
    if booth.wechat:
        channels.append(ContactChannel("wechat", str(CHANNEL_LABELS["wechat"]), booth.wechat, None))
    if booth.line_id:
        account = booth.line_id if booth.line_id.startswith("@") else f"~{booth.line_id}"
        channels.append(
            ContactChannel(
                "line_id", str(CHANNEL_LABELS["line_id"]), booth.line_id, f"https://line.me/R/ti/p/{account}"
            )
        )
    return channels
