"""The API's shapes, declared once: they validate what comes in, serialise what goes out and make
the OpenAPI document."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, validate

from expo.api.core import DEFAULT_LIMIT, MAX_LIMIT
from expo.broadcasts.models import Broadcast
from expo.catalog.models import Product
from expo.exhibition import services as exhibition
from expo.exhibition.forms import MAX_ORDER_QUANTITY
from expo.exhibition.search_index import MAX_QUERY_LENGTH
from expo.leads.models import Incoterm, LeadReport, Quotation, TradeInquiry
from expo.leads.scoring import WINDOWS
from expo.lib.ranges import MAX_ID
from expo.registrations.models import Registration


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
    name = fields.String(required=True)
    organisation = fields.String()
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
    valid_until = fields.Date()
    note = fields.String()
    created_at = fields.DateTime()


class InquirySchema(Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(tuple(TradeInquiry.Kind)))
    status = fields.String(required=True, validate=validate.OneOf(tuple(TradeInquiry.Status)))
    booth_slug = fields.String(required=True)
    buyer = fields.Nested(PersonSchema, required=True)
    quantity = fields.Integer(allow_none=True)
    unit = fields.String()
    target_price = Money(allow_none=True)
    currency = fields.String()
    incoterm = fields.String(allow_none=True)
    destination_country = fields.String(allow_none=True)
    destination_port = fields.String()
    delivery_date = fields.Date(allow_none=True)
    items = fields.List(fields.Nested(InquiryItemSchema))
    assignee_id = fields.Integer(allow_none=True)
    unread = fields.Boolean()
    created_at = fields.DateTime()
    last_activity_at = fields.DateTime()


class InquiryDetailSchema(InquirySchema):
    quotations = fields.List(fields.Nested(QuotationSchema))
    allowed_moves = fields.List(fields.String())


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


class QuotationBody(Schema):
    unit_price = fields.Decimal(
        required=True,
        places=2,
        validate=_within_a_price_column,
        as_string=True,
        metadata={"description": "Per unit, at most 999,999,999,999.99."},
    )
    currency = fields.String(required=True, validate=validate.Regexp(r"^[A-Z]{3}$"))
    quantity = fields.Integer(required=True, validate=validate.Range(1, MAX_ORDER_QUANTITY))
    unit = fields.String(required=True, validate=validate.Length(min=1, max=30))
    incoterm = fields.String(required=True, validate=validate.OneOf(tuple(Incoterm)))
    lead_time_days = fields.Integer(required=True, validate=validate.Range(0, 3650))
    valid_until = fields.Date(required=True)
    note = fields.String(load_default="", validate=validate.Length(max=5000))


class StatusBody(Schema):
    status = fields.String(required=True, validate=validate.OneOf(tuple(TradeInquiry.Status)))


class LeadSchema(Schema):
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


class ReportSchema(Schema):
    id = fields.Integer(required=True)
    status = fields.String(required=True, validate=validate.OneOf(tuple(LeadReport.Status)))
    period_from = fields.Date(required=True)
    period_to = fields.Date(required=True)
    timezone = fields.String()
    rows_done = fields.Integer()
    rows_total = fields.Integer()
    finished = fields.Boolean()
    created_at = fields.DateTime()


class ReportBody(Schema):
    period_from = fields.Date(required=True)
    period_to = fields.Date(required=True)
    timezone = fields.String(
        validate=validate.Length(max=64), metadata={"description": "The days' time zone; the booth's by default."}
    )


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
