"""Venue badges: one per person and edition, with the printed name and the valid serial; bulk badge
prints; speakers' accounts; the number of people in a lead report

Revision ID: 0017_badges_venue_badges
Revises: 0016_api_tokens
Create Date: 2026-12-10 09:00:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0017_badges_venue_badges"
down_revision = "0016_api_tokens"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "badges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("edition_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("company", sa.String(length=200), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("serial", sa.Integer(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reprinted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("printed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("serial >= 1", name=op.f("ck_badges_serial_positive")),
        sa.ForeignKeyConstraint(
            ["edition_id"], ["editions.id"], name=op.f("fk_badges_edition_id_editions"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_badges_user_id_users"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["revoked_by_id"], ["users.id"], name=op.f("fk_badges_revoked_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_badges")),
        sa.UniqueConstraint("edition_id", "user_id", name=op.f("uq_badges_edition_id_user_id")),
    )
    op.create_index("ix_badges_user", "badges", ["user_id"])
    op.create_index("ix_badges_edition_role", "badges", ["edition_id", "role"])
    with op.batch_alter_table("speakers") as batch:
        batch.add_column(sa.Column("user_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f("fk_speakers_user_id_users"), "users", ["user_id"], ["id"], ondelete="SET NULL")
        batch.create_index(op.f("ix_speakers_user_id"), ["user_id"])
    op.create_table(
        "badge_prints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("edition_id", sa.Integer(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("layout", sa.String(length=20), nullable=False),
        sa.Column("day", sa.Date(), nullable=True),
        sa.Column("pavilion_id", sa.Integer(), nullable=True),
        sa.Column("role", sa.String(length=20), nullable=True),
        sa.Column("language", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("badges_total", sa.Integer(), nullable=False),
        sa.Column("badges_done", sa.Integer(), nullable=False),
        sa.Column("pdf_path", sa.String(length=300), nullable=True),
        sa.Column("pdf_size", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["edition_id"], ["editions.id"], name=op.f("fk_badge_prints_edition_id_editions"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"], ["users.id"], name=op.f("fk_badge_prints_requested_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["pavilion_id"], ["pavilions.id"], name=op.f("fk_badge_prints_pavilion_id_pavilions"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_badge_prints")),
    )
    op.create_index("ix_badge_prints_edition", "badge_prints", ["edition_id", "id"])
    with op.batch_alter_table("lead_reports") as batch:
        batch.add_column(sa.Column("people_total", sa.Integer(), server_default="0", nullable=False))


def downgrade():
    with op.batch_alter_table("lead_reports") as batch:
        batch.drop_column("people_total")
    op.drop_index("ix_badge_prints_edition", table_name="badge_prints")
    op.drop_table("badge_prints")
    with op.batch_alter_table("speakers") as batch:
        batch.drop_index(op.f("ix_speakers_user_id"))
        batch.drop_constraint(op.f("fk_speakers_user_id_users"), type_="foreignkey")
        batch.drop_column("user_id")
    op.drop_index("ix_badges_edition_role", table_name="badges")
    op.drop_index("ix_badges_user", table_name="badges")
    op.drop_table("badges")
