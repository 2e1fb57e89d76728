"""Check-in scans (tickets and badges) received from devices, once each by the device's scan id

Revision ID: 0019_offline_checkin_scans
Revises: 0018_standscans_lead_scans
Create Date: 2026-12-06 14:00:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0019_offline_checkin_scans"
down_revision = "0018_standscans_lead_scans"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "checkin_scans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scan_id", sa.String(length=36), nullable=False),
        sa.Column("edition_id", sa.Integer(), nullable=False),
        sa.Column("scanned_by_id", sa.Integer(), nullable=True),
        sa.Column("registration_id", sa.Integer(), nullable=True),
        sa.Column("badge_id", sa.Integer(), nullable=True),
        sa.Column("scanned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["edition_id"], ["editions.id"], name=op.f("fk_checkin_scans_edition_id_editions"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name=op.f("fk_checkin_scans_registration_id_registrations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["badge_id"], ["badges.id"], name=op.f("fk_checkin_scans_badge_id_badges"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["scanned_by_id"], ["users.id"], name=op.f("fk_checkin_scans_scanned_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkin_scans")),
        sa.UniqueConstraint("scan_id", name=op.f("uq_checkin_scans_scan_id")),
    )
    op.create_index("ix_checkin_scans_edition_received", "checkin_scans", ["edition_id", "received_at"])
    op.create_index(op.f("ix_checkin_scans_registration_id"), "checkin_scans", ["registration_id"])
    op.create_index(op.f("ix_checkin_scans_badge_id"), "checkin_scans", ["badge_id"])


def downgrade():
    op.drop_index(op.f("ix_checkin_scans_badge_id"), table_name="checkin_scans")
    op.drop_index(op.f("ix_checkin_scans_registration_id"), table_name="checkin_scans")
    op.drop_index("ix_checkin_scans_edition_received", table_name="checkin_scans")
    op.drop_table("checkin_scans")
