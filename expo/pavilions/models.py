"""The hall's rule on the booth placement table: a stand number names one booth per edition.

BoothPlacement itself lives with the booths (expo.booths.models); this index belongs to placing
booths in pavilions, so it is declared here, against that table, and expo.models imports it.
"""

from __future__ import annotations

from sqlalchemy import Index, text

from expo.booths.models import BoothPlacement

# Partial: a booth placed without a stand yet ("") may share that with any number of others.
# Stands are stored normalised (upper case, single spaces), so "a-12" and "A-12" collide here.
STAND_PER_EDITION = Index(
    "uq_booth_placements_stand_per_edition",
    BoothPlacement.__table__.c.edition_id,
    BoothPlacement.__table__.c.stand,
    unique=True,
    postgresql_where=text("stand != ''"),
    sqlite_where=text("stand != ''"),
)
