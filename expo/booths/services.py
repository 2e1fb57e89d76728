"""Booths: opening one for an approved company, and finding the ones a viewer may see.

Services take an explicit actor, flush and never commit; the view commits once.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from expo.booths.models import Booth
from expo.exhibitors.models import ExhibitorCompany
from expo.extensions import db
from expo.rules import RuleBroken


class BoothError(RuleBroken):
    """A booth rule said no; the message is safe to show, ``field`` names the form field at fault."""


def open_booth(company: ExhibitorCompany) -> Booth:
    """The company's booth, created as a draft the first time (approval opens it)."""
    booth = db.session.scalar(select(Booth).where(Booth.company_id == company.id))
    if booth is None:
        booth = Booth(company=company, slug=company.slug, country=company.country, status=Booth.DRAFT)
        db.session.add(booth)
        db.session.flush()
    return booth


def find_booth(slug: str) -> Booth | None:
    """The booth at ``slug`` with its company (and the company's team, for permission checks)."""
    return db.session.scalar(
        select(Booth).where(Booth.slug == slug)
        .options(joinedload(Booth.company).selectinload(ExhibitorCompany.members))
    )
