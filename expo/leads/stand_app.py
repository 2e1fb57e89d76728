"""What a stand's offline scanning app loads before the doors open: the valid badges of the editions
the booth stands in, each shown as the booth's team may see its holder.

Recording the scans is ``expo.leads.stand_scans.record_stand_scans``; this only fills the device.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from expo import permissions
from expo.accounts.models import User
from expo.badges.services import valid_codes
from expo.booths.models import Booth, BoothPlacement
from expo.checkin.services import record_codes_loaded
from expo.editions.models import Edition
from expo.extensions import db
from expo.leads.scoring import named_visitor_ids
from expo.leads.stand_scans import visitor_label


@dataclass(frozen=True)
class StandCode:
    """A badge the stand may record offline: its digest and the visitor as the team may see them."""

    digest: str
    label: str

    def as_json(self) -> dict:
        return {"digest": self.digest, "kind": "badge", "name": self.label}


def stand_codes(actor: User, booth: Booth) -> list[StandCode]:
    """Badges valid now at every edition ``booth`` is placed in; the holders on the booth's own team
    left out (scanning them is refused). Names only for visitors named to the booth (consent to
    share contact details on a badge scan, or already in touch), else organisation and country, as
    ``record_stand_scans`` answers. A few queries per edition the booth stands in.

    The labels leave the site on the device, so each edition's share is recorded as an export
    (who, when, how many people) in the caller's transaction, visible to that edition's organizers."""
    permissions.ensure(permissions.can_scan_badges(actor, booth))
    editions = db.session.scalars(
        select(Edition)
        .join(BoothPlacement, BoothPlacement.edition_id == Edition.id)
        .where(BoothPlacement.booth_id == booth.id)
    ).all()
    team = {member.user_id for member in booth.company.members}
    valid = []
    for edition in editions:
        edition_codes = [code for code in valid_codes(edition) if code.user_id not in team]
        valid.extend(edition_codes)
        if edition_codes:
            record_codes_loaded(actor, booth, edition, {code.user_id for code in edition_codes})
    holders = {code.user_id for code in valid}
    users = {user.id: user for user in db.session.scalars(select(User).where(User.id.in_(holders)))} if holders else {}
    named = named_visitor_ids(booth, holders)
    codes = []
    for code in valid:
        user = users.get(code.user_id)
        if user is None:
            continue
        label = visitor_label(user, named=user.share_contact_on_badge_scan or user.id in named)
        codes.append(StandCode(code.digest, label))
    return codes
