"""The API's shapes, declared once: they validate what comes in, serialise what goes out and make
the OpenAPI document."""

from __future__ import annotations

from datetime import UTC

import pycountry
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from expo.api.core import DEFAULT_LIMIT, MAX_LIMIT
from expo.broadcasts.models import Broadcast
from expo.catalog.models import Product
from expo.exhibition import services as exhibition
from expo.exhibition.forms import MAX_ORDER_QUANTITY
from expo.exhibition.search_index import MAX_QUERY_LENGTH
from expo.leads.forms import CURRENCIES
from expo.leads.models import Incoterm, LeadReport, Quotation, TradeInquiry
from expo.leads.scoring import WINDOWS
from expo.leads.services import MAX_MESSAGE_LENGTH, MAX_PRODUCTS_PER_INQUIRY
from expo.lib.ranges import MAX_ID
from expo.meetings import services as meetings
from expo.meetings.models import MeetingStatus, Mode, Origin, Outcome, Place, Side
from expo.registrations.models import Registration

COUNTRY_CODES = tuple(sorted(country.alpha_2 for country in pycountry.countries))


def Id(**kw):
    return fields.Integer(validate=validate.Range(1, MAX_ID), **kw)


def Money(**kw):
    return fields.Decimal(as_string=True, places=2, **kw)


class ProblemSchema(Schema):
    """RFC 9457 problem details."""

    type = fields.String(required=True, metadata={"description": "A URI naming the kind of problem."})
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True)
    instance = fields.String()
    errors = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        metadata={"description": "For invalid input: the messages for each field at fault."},
    )


# --- query strings -------------------------------------------------------------------------------


class LanguageArgs(Schema):
    lang = fields.String(
        validate=validate.Regexp(r"^[a-z]{2,3}$"),
        metadata={
            "description": "The language of translated fields (else Accept-Language, else English); a field "
            "not written in it comes in the record's source language."
        },
    )


class ListArgs(LanguageArgs):
    cursor = fields.String(
        validate=validate.Length(max=500), metadata={"description": "`next_cursor` of the previous page."}
    )
    limit = fields.Integer(load_default=DEFAULT_LIMIT, validate=validate.Range(1, MAX_LIMIT))


class PrivateListArgs(Schema):
    cursor = fields.String(validate=validate.Length(max=500))
    limit = fields.Integer(load_default=DEFAULT_LIMIT, validate=validate.Range(1, MAX_LIMIT))


class BoothListArgs(ListArgs):
    country = fields.String(validate=validate.Regexp(r"^[A-Z]{2}$"))


class SessionListArgs(ListArgs):
    forum = fields.String(validate=validate.Length(max=120), metadata={"description": "A forum's slug."})


class CatalogueArgs(LanguageArgs):
    """The search page's filters, under the same names."""

    cursor = fields.String(validate=validate.Length(max=500))
    country = fields.String(validate=validate.Regexp(r"^[A-Z]{2}$"))
    edition = fields.String(validate=validate.Length(max=80), metadata={"description": "An edition's slug."})
    pavilion = Id(metadata={"description": "A pavilion's id."})
    category = fields.String(validate=validate.Length(max=80), metadata={"description": "A category's slug."})
    moq = fields.Integer(
        validate=validate.Range(1, MAX_ORDER_QUANTITY),
        metadata={"description": "Products whose minimum order is at most this."},
    )
    sort = fields.String(validate=validate.OneOf(exhibition.SORTS[exhibition.PRODUCTS]))


class SearchArgs(CatalogueArgs):
    q = fields.String(validate=validate.Length(max=MAX_QUERY_LENGTH * 2), load_default="")
    type = fields.String(validate=validate.OneOf(exhibition.KINDS), load_default=exhibition.PRODUCTS)


class InboxArgs(PrivateListArgs):
    status = fields.String(validate=validate.OneOf(tuple(TradeInquiry.Status)))


class LeadsArgs(PrivateListArgs):
    days = fields.String(validate=validate.OneOf([str(days) for days in WINDOWS] + ["all"]), load_default="90")


class RegistrantsArgs(PrivateListArgs):
    session_id = Id()
    forum_id = Id()


# --- translated records --------------------------------------------------------------------------


class Translated(Schema):
    source_language = fields.String(required=True)
    language = fields.String(required=True, metadata={"description": "The language asked for."})
    translations = fields.Dict(
        keys=fields.String(),
        values=fields.Dict(keys=fields.String(), values=fields.Raw()),
        metadata={"description": "Every language's texts: {language: {field: text}}."},
    )


def page_of(item: type[Schema], name: str) -> type[Schema]:
    return type(
        name,
        (Schema,),
        {
            "items": fields.List(fields.Nested(item), required=True),
            "next_cursor": fields.String(
                allow_none=True,
                required=True,
                metadata={"description": "Pass as `cursor` for the next page; null at the end."},
            ),
        },
    )


class EditionSchema(Translated):
    slug = fields.String(required=True)
    name = fields.String(required=True)
    tagline = fields.String()
    description = fields.String()
    venue = fields.String()
    city = fields.String()
    country = fields.String(allow_none=True)
    timezone = fields.String()
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    status = fields.String()


class PavilionSchema(Translated):
    id = fields.Integer(required=True)
    slug = fields.String(required=True)
    name = fields.String(required=True)
    kind = fields.String()
    country = fields.String(allow_none=True)
    description = fields.String()


class ForumSchema(Translated):
    id = fields.Integer(required=True)
    slug = fields.String(required=True)
    title = fields.String(required=True)
    kind = fields.String()
    description = fields.String()
    parent_slug = fields.String(allow_none=True)
    registration_mode = fields.String()
    enrols_whole_course = fields.Boolean()
    capacity = fields.Integer(allow_none=True)
    seats_left = fields.Integer(allow_none=True)


class SpeakerRefSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)


class SessionSchema(Translated):
    id = fields.Integer(required=True)
    forum_slug = fields.String(required=True)
    title = fields.String(required=True)
    abstract = fields.String()
    room = fields.String()
    starts_at = fields.DateTime(required=True)
    ends_at = fields.DateTime(required=True)
    language = fields.String()
    tags = fields.List(fields.String())
    capacity = fields.Integer(allow_none=True)
    seats_left = fields.Integer(allow_none=True)
    speakers = fields.List(fields.Nested(SpeakerRefSchema))


class SpeakerSchema(Translated):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    title = fields.String()
    organisation = fields.String()
    country = fields.String(allow_none=True)
    biography = fields.String()


class ExhibitorSchema(Translated):
    slug = fields.String(required=True)
    name = fields.String(required=True)
    country = fields.String(allow_none=True)
    sector = fields.String()
    website = fields.String()
    description = fields.String()
    booth_slug = fields.String(allow_none=True)


class PlacementSchema(Schema):
    edition = fields.String(required=True)
    pavilion = fields.String(required=True)
    pavilion_id = fields.Integer(required=True)
    stand = fields.String()


class BoothSummarySchema(Translated):
    slug = fields.String(required=True)
    company_name = fields.String(required=True)
    country = fields.String(allow_none=True)
    tagline = fields.String()


class BoothSchema(BoothSummarySchema):
    company_slug = fields.String(required=True)
    website = fields.String()
    description = fields.String(metadata={"description": "Markdown as the exhibitor wrote it."})
    timezone = fields.String()
    opening_hours = fields.Dict(keys=fields.String(), values=fields.List(fields.List(fields.String())))
    response_time_hours = fields.Float(
        allow_none=True,
        metadata={"description": "How fast the team usually answers inquiries (median), once there is enough to say."},
    )
    published_at = fields.DateTime(allow_none=True)
    placements = fields.List(fields.Nested(PlacementSchema))


class ImageSchema(Schema):
    id = fields.Integer(required=True)
    alt_text = fields.String()
    url = fields.String(required=True)


class SupplierSchema(Schema):
    name = fields.String(required=True)
    country = fields.String(allow_none=True)


class ProductCardSchema(Translated):
    id = fields.Integer(required=True)
    slug = fields.String(required=True)
    booth_slug = fields.String(required=True)
    name = fields.String(required=True)
    category = fields.String(allow_none=True, metadata={"description": "The category's slug."})
    min_order_quantity = fields.Integer(allow_none=True)
    order_unit = fields.String()
    price_min = Money(allow_none=True)
    price_max = Money(allow_none=True)
    currency = fields.String()
    availability = fields.String(validate=validate.OneOf(tuple(Product.Availability)))
    images = fields.List(fields.Nested(ImageSchema))
    supplier = fields.Nested(SupplierSchema)


class ProductSchema(ProductCardSchema):
    description = fields.String(metadata={"description": "Markdown as the exhibitor wrote it."})
    specifications = fields.List(fields.Raw(), metadata={"description": "[[name, value], ...]"})
    hs_code = fields.String()
    updated_at = fields.DateTime()


class CountSchema(Schema):
    value = fields.Integer(required=True)
    more = fields.Boolean(required=True, metadata={"description": "More exist than are counted (or paged through)."})


class SearchPageSchema(Schema):
    type = fields.String(required=True)
    sort = fields.String(required=True)
    counts = fields.Dict(keys=fields.String(), values=fields.Nested(CountSchema))
    products = fields.List(fields.Nested(ProductCardSchema), metadata={"description": "When type is products."})
    booths = fields.List(fields.Nested(BoothSummarySchema), metadata={"description": "When type is booths."})
    next_cursor = fields.String(allow_none=True, required=True)


# --- an attendee's registrations -----------------------------------------------------------------


class RegistrationSchema(Schema):
    id = fields.Integer(required=True)
    status = fields.String(required=True, validate=validate.OneOf(tuple(Registration.Status)))
    target = fields.String(required=True, validate=validate.OneOf(("session", "course")))
    session_id = fields.Integer(allow_none=True)
    forum_id = fields.Integer(allow_none=True)
    edition = fields.String(required=True)
    title = fields.String(required=True)
    starts_at = fields.DateTime(allow_none=True)
    waitlist_position = fields.Integer(allow_none=True)
    checked_in_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()


class RegisterBody(Schema):
    answers = fields.Dict(
        keys=fields.String(validate=validate.Length(max=20)),
        values=fields.Raw(),
        load_default=dict,
        metadata={"description": "Question id -> answer, for forums that ask."},
    )


class RegisteredSchema(Schema):
    registration = fields.Nested(RegistrationSchema, required=True)
    clashes = fields.List(
        fields.Nested(SpeakerRefSchema),
        metadata={"description": "Sessions on your agenda this one overlaps (id and title as `name`)."},
    )


class AgendaItemSchema(SessionSchema):
    stream_url = fields.String(allow_none=True, metadata={"description": "For confirmed registrations only."})


# --- an exhibitor team's leads -------------------------------------------------------------------


class PersonSchema(Schema):
    id = fields.Integer(required=True, metadata={"description": "The person's id (to invite them to a meeting)."})
    name = fields.String(required=True)
    organisation = fields.String()
    country = fields.String(allow_none=True)


class ExhibitorRefSchema(Schema):
    booth_slug = fields.String(required=True)
    name = fields.String(required=True)
    country = fields.String(allow_none=True)


class InquiryItemSchema(Schema):
    product_id = fields.Integer(allow_none=True)
    product_name = fields.String(required=True)


class QuotationSchema(Schema):
    id = fields.Integer(required=True)
    status = fields.String(required=True, validate=validate.OneOf(tuple(Quotation.Status)))
    unit_price = Money(required=True)
    currency = fields.String(required=True)
    quantity = fields.Integer(required=True)
    unit = fields.String()
    incoterm = fields.String()
    lead_time_days = fields.Integer()
    valid_until = fields.Date(metadata={"description": "The last day it can be accepted, in the booth's time zone."})
    expired = fields.Boolean(
        metadata={"description": "Still open, but past its last day: it can no longer be accepted."}
    )
    note = fields.String()
    created_at = fields.DateTime()


class InquiryBaseSchema(Schema):
    """What the buyer and the team both see of an inquiry."""

    id = fields.Integer(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(tuple(TradeInquiry.Kind)))
    status = fields.String(required=True, validate=validate.OneOf(tuple(TradeInquiry.Status)))
    booth_slug = fields.String(required=True)
    quantity = fields.Integer(allow_none=True)
    unit = fields.String()
    target_price = Money(allow_none=True)
    currency = fields.String()
    incoterm = fields.String(allow_none=True)
    destination_country = fields.String(allow_none=True)
    destination_port = fields.String()
    delivery_date = fields.Date(allow_none=True)
    items = fields.List(fields.Nested(InquiryItemSchema))
    unread = fields.Boolean(metadata={"description": "The other side wrote or decided since you last opened it."})
    created_at = fields.DateTime()
    last_activity_at = fields.DateTime()


class InquirySchema(InquiryBaseSchema):
    """An inquiry as the booth's team sees it."""

    buyer = fields.Nested(PersonSchema, required=True)
    assignee_id = fields.Integer(allow_none=True)


class InquiryDetailSchema(InquirySchema):
    quotations = fields.List(fields.Nested(QuotationSchema))
    allowed_moves = fields.List(fields.String())


class SentInquirySchema(InquiryBaseSchema):
    """An inquiry as the buyer who sent it sees it."""

    exhibitor = fields.Nested(ExhibitorRefSchema, required=True)
    buyer_organisation = fields.String()
    buyer_country = fields.String(allow_none=True)


class SentInquiryDetailSchema(SentInquirySchema):
    quotations = fields.List(
        fields.Nested(QuotationSchema),
        metadata={"description": "Newest first; an open one can be accepted or declined."},
    )


class MessageSchema(Schema):
    id = fields.Integer(required=True)
    side = fields.String(required=True, validate=validate.OneOf(("buyer", "team")))
    author = fields.String(allow_none=True)
    body = fields.String()
    attachment_name = fields.String()
    created_at = fields.DateTime()


class MessageBody(Schema):
    body = fields.String(required=True, validate=validate.Length(min=1, max=10_000))


def _within_a_price_column(value) -> None:
    # A plain function, not validate.Range: apispec would write a decimal's bounds as strings.
    if not value.is_finite() or not 0 <= value < 10**12:
        raise ValidationError(_l("Enter a price from 0 to 999,999,999,999.99."))


def UnitPrice(**kw):
    return fields.Decimal(
        places=2,
        validate=_within_a_price_column,
        as_string=True,
        metadata={"description": "Per unit, at most 999,999,999,999.99."},
        **kw,
    )


class QuotationBody(Schema):
    unit_price = UnitPrice(required=True)
    currency = fields.String(required=True, validate=validate.Regexp(r"^[A-Z]{3}$"))
    quantity = fields.Integer(required=True, validate=validate.Range(1, MAX_ORDER_QUANTITY))
    unit = fields.String(required=True, validate=validate.Length(min=1, max=30))
    incoterm = fields.String(required=True, validate=validate.OneOf(tuple(Incoterm)))
    lead_time_days = fields.Integer(required=True, validate=validate.Range(0, 3650))
    valid_until = fields.Date(required=True)
    note = fields.String(load_default="", validate=validate.Length(max=5000))


def _country(description: str = "An ISO 3166-1 alpha-2 code.", **kw):
    return fields.String(validate=validate.OneOf(COUNTRY_CODES), metadata={"description": description}, **kw)


class InquiryBody(Schema):
    """The inquiry form's fields, under the same names; the same rules decide (an order request names
    products and a quantity, the delivery date is not past, the products are the booth's)."""

    kind = fields.String(load_default=TradeInquiry.Kind.INQUIRY, validate=validate.OneOf(tuple(TradeInquiry.Kind)))
    product_ids = fields.List(Id(), load_default=list, validate=validate.Length(max=MAX_PRODUCTS_PER_INQUIRY))
    message = fields.String(required=True, validate=validate.Length(min=1, max=MAX_MESSAGE_LENGTH))
    quantity = fields.Integer(allow_none=True, validate=validate.Range(1, MAX_ORDER_QUANTITY))
    unit = fields.String(load_default="", validate=validate.Length(max=30))
    target_price = UnitPrice(allow_none=True)
    currency = fields.String(load_default="USD", validate=validate.OneOf(CURRENCIES))
    incoterm = fields.String(allow_none=True, validate=validate.OneOf(tuple(Incoterm)))
    destination_country = _country(allow_none=True)
    destination_port = fields.String(load_default="", validate=validate.Length(max=120))
    delivery_date = fields.Date(allow_none=True)
    buyer_organisation = fields.String(
        validate=validate.Length(max=200), metadata={"description": "The organisation on your profile by default."}
    )
    buyer_country = _country(allow_none=True, description="Your profile's country by default.")


class StatusBody(Schema):
    status = fields.String(required=True, validate=validate.OneOf(tuple(TradeInquiry.Status)))


class LeadSchema(Schema):
    id = fields.Integer(
        required=True,
        allow_none=True,
        metadata={"description": "The person's id (to invite them to a meeting); null when they are not named."},
    )
    named = fields.Boolean(
        required=True,
        metadata={
            "description": "False for a visitor scanned at the stand who did not consent to sharing their contact "
            "details: name, e-mail and job title are then null."
        },
    )
    name = fields.String(required=True, allow_none=True)
    email = fields.String(required=True, allow_none=True)
    organisation = fields.String()
    job_title = fields.String(allow_none=True)
    country = fields.String(allow_none=True)
    score = fields.Integer(required=True)
    visits = fields.Integer()
    product_views = fields.Integer()
    downloads = fields.Integer()
    video_plays = fields.Integer()
    inquiries = fields.Integer()
    order_requests = fields.Integer()
    meetings = fields.Integer(metadata={"description": "Meetings held with the team."})
    stand_scans = fields.Integer(metadata={"description": "Scans of the visitor's badge at the team's stand."})
    last_seen = fields.DateTime(allow_none=True)


class ReportFileSchema(Schema):
    url = fields.String(required=True, metadata={"description": "Download it with the same token."})
    size = fields.Integer(required=True, metadata={"description": "In bytes."})


class ReportSchema(Schema):
    id = fields.Integer(required=True)
    status = fields.String(required=True, validate=validate.OneOf(tuple(LeadReport.Status)))
    scope = fields.String(
        required=True,
        validate=validate.OneOf((LeadReport.BOOTH, LeadReport.EXPO)),
        metadata={"description": "A booth's own report, or an edition's across its exhibitors."},
    )
    edition = fields.String(allow_none=True, metadata={"description": "For an edition's report: its slug."})
    pavilion_id = fields.Integer(allow_none=True)
    period_from = fields.Date(required=True)
    period_to = fields.Date(required=True)
    timezone = fields.String()
    rows_done = fields.Integer()
    rows_total = fields.Integer()
    finished = fields.Boolean()
    error = fields.String(metadata={"description": "Why it failed (then request a new one)."})
    files = fields.Dict(
        keys=fields.String(validate=validate.OneOf(("csv", "xlsx"))),
        values=fields.Nested(ReportFileSchema),
        metadata={"description": "Once `status` is done: the CSV and the XLSX file."},
    )
    created_at = fields.DateTime()


class ReportBody(Schema):
    period_from = fields.Date(required=True)
    period_to = fields.Date(required=True)
    timezone = fields.String(
        validate=validate.Length(max=64), metadata={"description": "The days' time zone; the booth's by default."}
    )


class ExpoReportBody(Schema):
    """An edition's report across its exhibitors: the edition's days unless a period is given."""

    period_from = fields.Date()
    period_to = fields.Date()
    timezone = fields.String(
        validate=validate.Length(max=64), metadata={"description": "The days' time zone; the venue's by default."}
    )
    pavilion_id = Id(allow_none=True, metadata={"description": "Only the booths placed in this pavilion."})

    @validates_schema
    def _both_ends(self, data, **kwargs):
        if ("period_from" in data) != ("period_to" in data):
            raise ValidationError(_l("Give both ends of the period, or neither."), "period_to")


# --- an edition's organizers ---------------------------------------------------------------------


class RegistrantSchema(Schema):
    registration_id = fields.Integer(required=True)
    status = fields.String(required=True, validate=validate.OneOf(tuple(Registration.Status)))
    name = fields.String(required=True)
    email = fields.String(required=True)
    organisation = fields.String()
    country = fields.String(allow_none=True)
    waitlist_number = fields.Integer(allow_none=True)
    answers = fields.Dict(keys=fields.String(), values=fields.Raw())
    created_at = fields.DateTime()
    checked_in_at = fields.DateTime(allow_none=True)


class CheckInBody(Schema):
    code = fields.String(
        required=True,
        validate=validate.Length(min=1, max=500),
        metadata={"description": "What the ticket's QR code carries."},
    )


class CheckInSchema(Schema):
    first_time = fields.Boolean(required=True)
    checked_in_at = fields.DateTime(required=True)
    registration = fields.Nested(RegistrantSchema, required=True)


class BroadcastSchema(Schema):
    id = fields.Integer(required=True)
    audience = fields.String(required=True, validate=validate.OneOf(Broadcast.AUDIENCES))
    session_id = fields.Integer(allow_none=True)
    forum_id = fields.Integer(allow_none=True)
    pavilion_id = fields.Integer(allow_none=True)
    subject = fields.String(required=True)
    status = fields.String(required=True)
    recipients = fields.Integer()
    sent = fields.Integer()
    failed = fields.Integer()
    queued = fields.Integer()
    created_at = fields.DateTime()


class BroadcastBody(Schema):
    audience = fields.String(required=True, validate=validate.OneOf(Broadcast.AUDIENCES))
    subject = fields.String(required=True, validate=validate.Length(min=1, max=300))
    body = fields.String(required=True, validate=validate.Length(min=1, max=20_000))
    registrants = fields.String(
        load_default=Broadcast.CONFIRMED, validate=validate.OneOf((Broadcast.CONFIRMED, Broadcast.ALL_ACTIVE))
    )
    send_email = fields.Boolean(load_default=True)
    send_in_app = fields.Boolean(load_default=True)
    session_id = Id(allow_none=True)
    forum_id = Id(allow_none=True)
    pavilion_id = Id(allow_none=True)


# --- meetings -------------------------------------------------------------------------------------


class SlotSchema(Schema):
    mode = fields.String(required=True, validate=validate.OneOf(tuple(Mode)))
    starts_at = fields.AwareDateTime(
        required=True,
        default_timezone=UTC,
        metadata={"description": "One of the slots the free-slot list gives (without an offset: UTC)."},
    )


class FreeSlotSchema(SlotSchema):
    ends_at = fields.DateTime(required=True)


class MeetingSlotsArgs(PrivateListArgs):
    mode = fields.String(validate=validate.OneOf(tuple(Mode)))


class MemberSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)


class MeetingSchema(Schema):
    id = fields.Integer(required=True)
    edition = fields.String(required=True, metadata={"description": "The slug of the edition whose rules apply."})
    status = fields.String(required=True, validate=validate.OneOf(tuple(MeetingStatus)))
    awaiting = fields.String(
        allow_none=True,
        validate=validate.OneOf(tuple(Side)),
        metadata={"description": "Whose answer an open request waits for."},
    )
    your_side = fields.String(
        allow_none=True,
        validate=validate.OneOf(tuple(Side)),
        metadata={"description": "The side the token's person is on (null for an organizer looking)."},
    )
    revision = fields.Integer(
        required=True, metadata={"description": "Send it back with every answer: a changed meeting is a 409."}
    )
    origin = fields.String(validate=validate.OneOf(tuple(Origin)))
    requested_by = fields.String(validate=validate.OneOf(tuple(Side)))
    mode = fields.String(required=True, validate=validate.OneOf(tuple(Mode)))
    starts_at = fields.DateTime(required=True)
    ends_at = fields.DateTime(required=True)
    place = fields.String(allow_none=True, validate=validate.OneOf(tuple(Place)))
    table = fields.String(allow_none=True, metadata={"description": "The meeting table's name."})
    video_url = fields.String(allow_none=True)
    message = fields.String()
    reason = fields.String(metadata={"description": "The latest reason given (a decline, a cancellation, a move)."})
    exhibitor = fields.Nested(ExhibitorRefSchema, required=True)
    buyer = fields.Nested(PersonSchema, required=True)
    attendees = fields.List(fields.Nested(MemberSchema), metadata={"description": "Who of the team attends."})
    products = fields.List(fields.Nested(InquiryItemSchema))
    buyer_outcome = fields.String(allow_none=True, validate=validate.OneOf(tuple(Outcome)))
    team_outcome = fields.String(allow_none=True, validate=validate.OneOf(tuple(Outcome)))
    your_note = fields.String(metadata={"description": "Your side's note on how it went."})
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    accepted_at = fields.DateTime(allow_none=True)


class MeetingsArgs(PrivateListArgs):
    status = fields.String(validate=validate.OneOf(tuple(MeetingStatus)))


class ArrangementBody(Schema):
    """The team's arrangement: who attends, and where (a table or its stand at the venue; online a
    video link, blank for the team's room or a generated one)."""

    attendee_ids = fields.List(
        Id(), validate=validate.Length(max=50), metadata={"description": "Members of the team; you by default."}
    )
    place = fields.String(allow_none=True, validate=validate.OneOf((Place.TABLE, Place.STAND)))
    table_id = Id(allow_none=True)
    video_url = fields.String(load_default="", validate=validate.Length(max=500))


def _meeting_text(required: bool = False, description: str = ""):
    return fields.String(
        validate=validate.Length(max=meetings.MAX_MESSAGE_LENGTH),
        metadata={"description": description} if description else {},
        **({"required": True} if required else {"load_default": ""}),
    )


class MeetingRequestBody(Schema):
    slot = fields.Nested(SlotSchema, required=True)
    message = _meeting_text()
    product_ids = fields.List(Id(), load_default=list, validate=validate.Length(max=meetings.MAX_PRODUCTS))


class InvitationBody(MeetingRequestBody):
    buyer_id = Id(required=True, metadata={"description": "A buyer who wrote to the booth or shared their details."})
    arrangement = fields.Nested(ArrangementBody)


class RevisionBody(Schema):
    revision = fields.Integer(required=True, validate=validate.Range(1, MAX_ID))


class AcceptBody(RevisionBody):
    arrangement = fields.Nested(ArrangementBody, metadata={"description": "The team's, when the team accepts."})


class ReasonBody(RevisionBody):
    reason = _meeting_text(required=True, description="The other side reads it.")


class CounterBody(RevisionBody):
    slot = fields.Nested(SlotSchema, required=True)
    reason = _meeting_text()
    arrangement = fields.Nested(ArrangementBody)


class RescheduleBody(ReasonBody):
    slot = fields.Nested(SlotSchema, required=True)
    arrangement = fields.Nested(ArrangementBody)


class OutcomeBody(Schema):
    outcome = fields.String(required=True, validate=validate.OneOf(tuple(Outcome)))
    note = _meeting_text()


EditionPage = page_of(EditionSchema, "EditionPage")
PavilionPage = page_of(PavilionSchema, "PavilionPage")
ForumPage = page_of(ForumSchema, "ForumPage")
SessionPage = page_of(SessionSchema, "SessionPage")
SpeakerPage = page_of(SpeakerSchema, "SpeakerPage")
ExhibitorPage = page_of(ExhibitorSchema, "ExhibitorPage")
BoothPage = page_of(BoothSummarySchema, "BoothPage")
ProductPage = page_of(ProductSchema, "ProductPage")
ProductCardPage = page_of(ProductCardSchema, "ProductCardPage")
RegistrationPage = page_of(RegistrationSchema, "RegistrationPage")
AgendaPage = page_of(AgendaItemSchema, "AgendaPage")
InquiryPage = page_of(InquirySchema, "InquiryPage")
MessagePage = page_of(MessageSchema, "MessagePage")
LeadPage = page_of(LeadSchema, "LeadPage")
ReportPage = page_of(ReportSchema, "ReportPage")
RegistrantPage = page_of(RegistrantSchema, "RegistrantPage")
BroadcastPage = page_of(BroadcastSchema, "BroadcastPage")
SentInquiryPage = page_of(SentInquirySchema, "SentInquiryPage")
MeetingPage = page_of(MeetingSchema, "MeetingPage")
FreeSlotPage = page_of(FreeSlotSchema, "FreeSlotPage")
