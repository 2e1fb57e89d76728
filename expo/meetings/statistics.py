"""Meeting statistics of an edition as CSV and Excel files (written by expo.exports): per pavilion, then per buyer's country."""

from __future__ import annotations

from flask_babel import gettext as _

from expo.content_languages import localized
from expo.editions.models import Edition
from expo.exports import tables_file
from expo.i18n import country_name
from expo.meetings import services
from expo.permissions import can_manage_edition, ensure


def tables(edition: Edition) -> list[tuple[str, list[str], list[list]]]:
    """(sheet title, header, rows) for each breakdown."""
    counts = [_("Requested"), _("Accepted"), _("Held")]
    pavilions = [
        [localized(pavilion, "name").text if pavilion else _("Not placed in a pavilion"), requested, accepted, held]
        for pavilion, requested, accepted, held in services.statistics_by_pavilion(edition)
    ]
    countries = [
        [country_name(country) if country else _("Unknown"), requested, accepted, held]
        for country, requested, accepted, held in services.statistics_by_country(edition)
    ]
    return [
        (_("By pavilion"), [_("Pavilion")] + counts, pavilions),
        (_("By buyer country"), [_("Buyer's country or region")] + counts, countries),
    ]


def statistics_file(actor, edition: Edition, fmt: str) -> bytes:
    ensure(can_manage_edition(actor, edition))
    return tables_file(fmt, tables(edition))
