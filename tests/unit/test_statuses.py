"""Status sets are defined once, as enums on their models, and carry their label in the reader's language."""

from __future__ import annotations

import pytest
from flask_babel import force_locale
from sqlalchemy import select, text

from expo.booths.models import Booth
from expo.catalog.models import Product
from expo.editions.models import Edition
from expo.extensions import db
from expo.leads.models import Incoterm, TradeInquiry
from expo.registrations.models import Registration


def test_a_status_is_its_value_and_has_a_label(app):
    assert Booth.Status.PUBLISHED == "published"
    assert Booth.Status("submitted") is Booth.Status.SUBMITTED
    with app.test_request_context(), force_locale("en"):
        assert Booth.Status.SUBMITTED.label == "Submitted"
        assert TradeInquiry.Status.NEW.label == "New"
        assert Incoterm.CIF.described == "CIF (Cost, Insurance and Freight)"


def test_labels_follow_the_reader_language(app):
    with app.test_request_context(), force_locale("zh"):
        assert Registration.Status.WAITLISTED.label != "Waiting list"
        assert Product.Availability.OUT_OF_STOCK.label != "Out of stock"


def test_choices_fill_a_select_in_the_sets_order(app):
    with app.test_request_context(), force_locale("en"):
        assert Edition.Status.choices() == [("draft", "Draft"), ("published", "Published"), ("archived", "Archived")]


def test_a_loaded_record_holds_the_member_so_pages_can_ask_its_label(app_ctx, factory):
    edition = factory.edition(status="published")
    loaded = db.session.get(Edition, edition.id)
    assert loaded.status is Edition.Status.PUBLISHED
    assert db.session.scalar(select(Edition.status).where(Edition.id == edition.id)) is Edition.Status.PUBLISHED
    # Stored as the plain value: reports and other tools reading the table see "published".
    assert db.session.scalar(text("SELECT status FROM editions WHERE id = :id"), {"id": edition.id}) == "published"


def test_a_value_outside_the_set_never_reaches_the_database(app_ctx, factory):
    edition = db.session.get(Edition, factory.edition().id)
    edition.status = "launched"
    with pytest.raises(Exception, match="launched"):
        db.session.flush()
    db.session.rollback()
