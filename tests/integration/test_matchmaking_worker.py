"""Recommendations through the real stack: a profile saved in a request → Redis → the worker's
recomputation → the page, on PostgreSQL."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

import pytest
from flask import Flask
from sqlalchemy import select

from expo.extensions import db
from expo.matchmaking.models import BuyerProfile, Recommendation
from tests.conftest import log_in
from tests.integration.conftest import wait_for

if TYPE_CHECKING:
    from tests.integration.conftest import WorkerProcess

pytestmark = pytest.mark.integration


def _recommended(app: Flask, buyer_id: int) -> list[tuple[int, int, list]]:
    with app.app_context():
        rows = db.session.execute(
            select(Recommendation.company_id, Recommendation.score, Recommendation.reasons).where(
                Recommendation.buyer_id == buyer_id
            )
        ).all()
        db.session.remove()
    return [tuple(row) for row in rows]


def test_a_profile_change_is_recomputed_by_the_worker(
    app: Flask, factory, celery_worker: WorkerProcess, monkeypatch
) -> None:
    monkeypatch.setitem(app.config, "MATCHMAKING_RECOMPUTE_DELAY", 1)
    categories = factory.categories()
    maker = factory.company(owner=factory.user(), name="Nanning Gloves", country="CN")
    booth = factory.booth(maker)
    factory.product(
        booth,
        name="Nitrile gloves",
        category_id=categories["protective-equipment"],
        min_order_quantity=500,
        order_unit="box",
        price_min=Decimal("3"),
        price_max=Decimal("4"),
    )
    buyer = factory.user(name="Jakarta buyer")
    client = app.test_client()
    log_in(client, buyer)
    form = {
        "categories": [str(categories["protective-equipment"])],
        "quantity": "1000",
        "unit": "box",
        "currency": "USD",
    }
    assert client.post("/my/sourcing-profile", data=form).status_code == 302

    first = wait_for(lambda: _recommended(app, buyer.id), what="the first recommendations")
    assert [(company, score) for company, score, _reasons in first] == [(maker.id, 45)]
    assert ["moq_within", {"moq": 500, "quantity": 1000, "unit": "box"}] in first[0][2]

    # A smaller quantity: the worker recomputes, and the reason now warns about the minimum order.
    assert client.post("/my/sourcing-profile", data={**form, "quantity": "100"}).status_code == 302

    def recomputed():
        rows = _recommended(app, buyer.id)
        return rows if rows and ["moq_above", {"moq": 500, "quantity": 100, "unit": "box"}] in rows[0][2] else None

    [(company, score, _reasons)] = wait_for(
        recomputed, what=lambda: f"the recomputation: {_recommended(app, buyer.id)}"
    )
    assert (company, score) == (maker.id, 35)
    page = client.get("/my/recommendations").get_data(as_text=True)
    assert "minimum order 500 boxes above your 100 boxes" in page
    celery_worker.wait_until_idle()
    with app.app_context():
        assert db.session.get(BuyerProfile, buyer.id).stale is False
