"""Venue badges: one per person and edition, with the printed name and the valid serial; speakers' accounts

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


def downgrade():
    with op.batch_alter_table("speakers") as batch:
        batch.drop_index(op.f("ix_speakers_user_id"))
        batch.drop_constraint(op.f("fk_speakers_user_id_users"), type_="foreignkey")
        batch.drop_column("user_id")
    op.drop_index("ix_badges_edition_role", table_name="badges")
    op.drop_index("ix_badges_user", table_name="badges")
    op.drop_table("badges")
