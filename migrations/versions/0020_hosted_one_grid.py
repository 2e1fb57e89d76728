"""hosted-buyer programme on the meetings grid: its slot length, hours and tables become the edition's
meeting rules and tables, its away days become people's free times, and planned meetings name a
meeting table and the meeting booked for them

Revision ID: 0020_hosted_one_grid
Revises: 0019_offline_checkin_scans
Create Date: 2026-12-07 09:00:00.000000

What is carried over, edition by edition (a migration is a snapshot of its day: the rules below are
written out here, not imported):

- a programme's slot length and meeting hours become the edition's ``meeting_settings`` when the
  edition has none yet (with the default quotas, 10 and 30); where it has its own, those stay;
- a programme's number of tables: the edition's meeting tables, by name, are its tables 1, 2, ...;
  tables it lacks are added ("Table 7", seating 4); each planned meeting then names its table;
- a hosted buyer's away days become free times at the venue (the meeting hours of each day they
  are there) unless they have set free times for the edition already; a team's away days likewise
  for each of its members;
- a plan published through the old adapter booked no real meeting: it goes back to "ready for
  review", so that publishing it again books its meetings in everyone's agenda.
"""

from collections import defaultdict
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0020_hosted_one_grid"
down_revision = "0019_offline_checkin_scans"
branch_labels = None
depends_on = None

DEFAULT_STARTS, DEFAULT_ENDS = time(9, 0), time(17, 0)

editions = sa.table(
    "editions",
    sa.column("id", sa.Integer),
    sa.column("starts_on", sa.Date),
    sa.column("ends_on", sa.Date),
    sa.column("timezone", sa.String),
)
programmes = sa.table(
    "hosted_programmes",
    sa.column("edition_id", sa.Integer),
    sa.column("slot_minutes", sa.Integer),
    sa.column("day_starts", sa.Time),
    sa.column("day_ends", sa.Time),
    sa.column("tables", sa.Integer),
    sa.column("status", sa.String),
    sa.column("published_at", sa.DateTime(timezone=True)),
)
settings = sa.table(
    "meeting_settings",
    sa.column("edition_id", sa.Integer),
    sa.column("slot_minutes", sa.Integer),
    sa.column("day_starts", sa.Time),
    sa.column("day_ends", sa.Time),
    sa.column("max_pending_per_buyer", sa.Integer),
    sa.column("max_pending_per_team", sa.Integer),
    sa.column("updated_at", sa.DateTime(timezone=True)),
)
tables = sa.table(
    "meeting_tables",
    sa.column("id", sa.Integer),
    sa.column("edition_id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("capacity", sa.Integer),
)
planned = sa.table(
    "planned_meetings",
    sa.column("id", sa.Integer),
    sa.column("edition_id", sa.Integer),
    sa.column("table_number", sa.Integer),
    sa.column("table_id", sa.Integer),
)
hosted_buyers = sa.table(
    "hosted_buyers",
    sa.column("edition_id", sa.Integer),
    sa.column("user_id", sa.Integer),
    sa.column("away_days", sa.JSON),
)
hosted_teams = sa.table(
    "hosted_teams",
    sa.column("edition_id", sa.Integer),
    sa.column("company_id", sa.Integer),
    sa.column("away_days", sa.JSON),
)
members = sa.table("company_members", sa.column("company_id", sa.Integer), sa.column("user_id", sa.Integer))
availability = sa.table(
    "meeting_availability",
    sa.column("user_id", sa.Integer),
    sa.column("mode", sa.String),
    sa.column("edition_id", sa.Integer),
    sa.column("starts_at", sa.DateTime(timezone=True)),
    sa.column("ends_at", sa.DateTime(timezone=True)),
)


def _zone(name):
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError, TypeError):
        return ZoneInfo("UTC")


def upgrade():
    connection = op.get_bind()
    now = datetime.now(UTC)
    programme_rows = connection.execute(sa.select(programmes)).mappings().all()
    edition_rows = {row.id: row for row in connection.execute(sa.select(editions)).mappings()}
    has_settings = set(connection.execute(sa.select(settings.c.edition_id)).scalars())

    # The programme's grid becomes the edition's meeting rules where it has none of its own.
    for programme in programme_rows:
        if programme.edition_id not in has_settings:
            connection.execute(
                settings.insert().values(
                    edition_id=programme.edition_id,
                    slot_minutes=programme.slot_minutes,
                    day_starts=programme.day_starts,
                    day_ends=programme.day_ends,
                    max_pending_per_buyer=10,
                    max_pending_per_team=30,
                    updated_at=now,
                )
            )
    hours = {
        row.edition_id: (row.day_starts, row.day_ends)
        for row in connection.execute(sa.select(settings.c.edition_id, settings.c.day_starts, settings.c.day_ends))
    }

    # Its table numbers become the edition's meeting tables (added where there are too few).
    table_ids: dict[int, dict[int, int]] = {}
    for programme in programme_rows:
        edition_id = programme.edition_id
        existing = connection.execute(
            sa.select(tables.c.id, tables.c.name)
            .where(tables.c.edition_id == edition_id)
            .order_by(tables.c.name, tables.c.id)
        ).all()
        used = connection.execute(
            sa.select(sa.func.max(planned.c.table_number)).where(planned.c.edition_id == edition_id)
        ).scalar()
        wanted = max(programme.tables or 0, used or 0)
        ids = [row.id for row in existing]
        names = {row.name for row in existing}
        number = len(ids)
        while len(ids) < wanted:
            number += 1
            name = f"Table {number}"
            while name in names:
                name += " (hosted buyers)"
            names.add(name)
            connection.execute(tables.insert().values(edition_id=edition_id, name=name[:60], capacity=4))
            ids.append(
                connection.execute(
                    sa.select(tables.c.id).where(tables.c.edition_id == edition_id, tables.c.name == name[:60])
                ).scalar_one()
            )
        table_ids[edition_id] = {position: table_id for position, table_id in enumerate(ids, start=1)}

    # Away days become free times at the venue, for whoever has set none for the edition.
    with_times = set(
        connection.execute(
            sa.select(availability.c.user_id, availability.c.edition_id).where(availability.c.mode == "venue")
        )
    )

    def free_times(user_id: int, edition_id: int, away: set[str]) -> None:
        edition = edition_rows.get(edition_id)
        if edition is None or (user_id, edition_id) in with_times:
            return
        zone = _zone(edition.timezone)
        starts, ends = hours.get(edition_id, (DEFAULT_STARTS, DEFAULT_ENDS))
        day = edition.starts_on
        while day <= edition.ends_on:
            if day.isoformat() not in away:
                connection.execute(
                    availability.insert().values(
                        user_id=user_id,
                        mode="venue",
                        edition_id=edition_id,
                        starts_at=datetime.combine(day, starts, zone).astimezone(UTC),
                        ends_at=datetime.combine(day, ends, zone).astimezone(UTC),
                    )
                )
            day += timedelta(days=1)
        with_times.add((user_id, edition_id))

    for row in connection.execute(sa.select(hosted_buyers)).mappings().all():
        if row.away_days:
            free_times(row.user_id, row.edition_id, set(row.away_days))
    team_members = defaultdict(list)
    for company_id, user_id in connection.execute(sa.select(members.c.company_id, members.c.user_id)):
        team_members[company_id].append(user_id)
    for row in connection.execute(sa.select(hosted_teams)).mappings().all():
        if row.away_days:
            for user_id in team_members.get(row.company_id, []):
                free_times(user_id, row.edition_id, set(row.away_days))

    # Planned meetings name a table, and the meeting booked for them (or why none could be).
    with op.batch_alter_table("planned_meetings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("table_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("meeting_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("problem", sa.String(length=20), nullable=True))
    for edition_id, by_number in table_ids.items():
        for number, table_id in by_number.items():
            connection.execute(
                planned.update()
                .where(planned.c.edition_id == edition_id, planned.c.table_number == number)
                .values(table_id=table_id)
            )
    with op.batch_alter_table("planned_meetings", schema=None) as batch_op:
        batch_op.drop_index("ix_planned_meetings_slot")
        batch_op.drop_constraint("uq_planned_meetings_table_slot", type_="unique")
        batch_op.drop_column("table_number")
        batch_op.drop_column("meeting_ref")
        batch_op.create_foreign_key(
            batch_op.f("fk_planned_meetings_table_id_meeting_tables"),
            "meeting_tables",
            ["table_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_planned_meetings_meeting_id_meetings"),
            "meetings",
            ["meeting_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_unique_constraint("uq_planned_meetings_table_slot", ["edition_id", "table_id", "starts_at"])
        batch_op.create_index("ix_planned_meetings_slot", ["edition_id", "starts_at", "table_id"], unique=False)

    # A plan "published" through the old adapter booked nothing: it is reviewed and published again.
    connection.execute(
        programmes.update().where(programmes.c.status == "published").values(status="planned", published_at=None)
    )
    with op.batch_alter_table("hosted_programmes", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_hosted_programmes_slot_length_known"), type_="check")
        batch_op.drop_constraint(op.f("ck_hosted_programmes_hours_in_order"), type_="check")
        batch_op.drop_constraint(op.f("ck_hosted_programmes_tables_sensible"), type_="check")
        batch_op.drop_column("slot_minutes")
        batch_op.drop_column("day_starts")
        batch_op.drop_column("day_ends")
        batch_op.drop_column("tables")
        batch_op.add_column(sa.Column("published_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_hosted_programmes_published_by_id_users"),
            "users",
            ["published_by_id"],
            ["id"],
            ondelete="SET NULL",
        )
    with op.batch_alter_table("hosted_buyers", schema=None) as batch_op:
        batch_op.drop_column("away_days")
    op.drop_table("hosted_teams")


def downgrade():
    connection = op.get_bind()
    op.create_table(
        "hosted_teams",
        sa.Column("edition_id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("away_days", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["exhibitor_companies.id"],
            name=op.f("fk_hosted_teams_company_id_exhibitor_companies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["edition_id"], ["editions.id"], name=op.f("fk_hosted_teams_edition_id_editions"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("edition_id", "company_id", name=op.f("pk_hosted_teams")),
    )
    with op.batch_alter_table("hosted_buyers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("away_days", sa.JSON(), nullable=False, server_default=sa.text("'[]'")))

    with op.batch_alter_table("hosted_programmes", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_hosted_programmes_published_by_id_users"), type_="foreignkey")
        batch_op.drop_column("published_by_id")
        batch_op.add_column(sa.Column("slot_minutes", sa.Integer(), nullable=False, server_default="20"))
        batch_op.add_column(sa.Column("day_starts", sa.Time(), nullable=False, server_default="09:00:00"))
        batch_op.add_column(sa.Column("day_ends", sa.Time(), nullable=False, server_default="17:00:00"))
        batch_op.add_column(sa.Column("tables", sa.Integer(), nullable=False, server_default="20"))
    # The grid back from the edition's rules and tables.
    for row in connection.execute(sa.select(settings)).mappings().all():
        connection.execute(
            programmes.update()
            .where(programmes.c.edition_id == row.edition_id)
            .values(slot_minutes=row.slot_minutes, day_starts=row.day_starts, day_ends=row.day_ends)
        )
    numbers: dict[int, int] = {}
    counts: dict[int, int] = defaultdict(int)
    for table_id, edition_id in connection.execute(
        sa.select(tables.c.id, tables.c.edition_id).order_by(tables.c.edition_id, tables.c.name, tables.c.id)
    ):
        counts[edition_id] += 1
        numbers[table_id] = counts[edition_id]
    for edition_id, count in counts.items():
        connection.execute(
            programmes.update().where(programmes.c.edition_id == edition_id).values(tables=min(max(count, 1), 1000))
        )
    connection.execute(programmes.update().where(programmes.c.status == "publishing").values(status="planned"))
    with op.batch_alter_table("hosted_programmes", schema=None) as batch_op:
        batch_op.create_check_constraint(op.f("ck_hosted_programmes_hours_in_order"), "day_ends > day_starts")
        batch_op.create_check_constraint(
            op.f("ck_hosted_programmes_slot_length_known"), "slot_minutes IN (15, 20, 30, 45, 60)"
        )
        batch_op.create_check_constraint(op.f("ck_hosted_programmes_tables_sensible"), "tables BETWEEN 1 AND 1000")

    # A planned meeting whose table is gone cannot be written as a table number: it leaves the plan.
    connection.execute(planned.delete().where(planned.c.table_id.is_(None)))
    with op.batch_alter_table("planned_meetings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("table_number", sa.Integer(), nullable=False, server_default="1"))
        batch_op.add_column(sa.Column("meeting_ref", sa.String(length=40), nullable=False, server_default=""))
    for table_id, number in numbers.items():
        connection.execute(planned.update().where(planned.c.table_id == table_id).values(table_number=number))
    with op.batch_alter_table("planned_meetings", schema=None) as batch_op:
        batch_op.drop_index("ix_planned_meetings_slot")
        batch_op.drop_constraint("uq_planned_meetings_table_slot", type_="unique")
        batch_op.drop_constraint(batch_op.f("fk_planned_meetings_meeting_id_meetings"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_planned_meetings_table_id_meeting_tables"), type_="foreignkey")
        batch_op.drop_column("problem")
        batch_op.drop_column("meeting_id")
        batch_op.drop_column("table_id")
        batch_op.create_unique_constraint("uq_planned_meetings_table_slot", ["edition_id", "table_number", "starts_at"])
        batch_op.create_index("ix_planned_meetings_slot", ["edition_id", "starts_at", "table_number"], unique=False)
