"""Stand scans: badge scans at a booth's stand joining the visitor's lead, their consent, and each
edition's retention period for the leads' personal data

Revision ID: 0018_standscans_lead_scans
Revises: 0017_badges_venue_badges
Create Date: 2026-12-06 13:34:25.417304

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0018_standscans_lead_scans"
down_revision = "0017_badges_venue_badges"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "stand_scans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scan_id", sa.String(length=36), nullable=False),
        sa.Column("booth_id", sa.Integer(), nullable=False),
        sa.Column("edition_id", sa.Integer(), nullable=True),
        sa.Column("visitor_id", sa.Integer(), nullable=True),
        sa.Column("scanned_by_id", sa.Integer(), nullable=True),
        sa.Column("scanned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(length=10), nullable=False),
        sa.Column("refusal", sa.String(length=20), nullable=True),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("visitor_organisation", sa.String(length=200), nullable=False),
        sa.Column("visitor_country", sa.String(length=2), nullable=True),
        sa.Column("personal_data_removed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "outcome != 'recorded' OR edition_id IS NOT NULL", name=op.f("ck_stand_scans_recorded_has_edition")
        ),
        sa.CheckConstraint(
            "outcome != 'refused' OR refusal IS NOT NULL", name=op.f("ck_stand_scans_refused_has_reason")
        ),
        sa.CheckConstraint("outcome IN ('recorded', 'refused')", name=op.f("ck_stand_scans_outcome_known")),
        sa.CheckConstraint("rating IS NULL OR rating BETWEEN 1 AND 5", name=op.f("ck_stand_scans_rating_range")),
        sa.ForeignKeyConstraint(
            ["booth_id"], ["booths.id"], name=op.f("fk_stand_scans_booth_id_booths"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["edition_id"], ["editions.id"], name=op.f("fk_stand_scans_edition_id_editions"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["scanned_by_id"], ["users.id"], name=op.f("fk_stand_scans_scanned_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["visitor_id"], ["users.id"], name=op.f("fk_stand_scans_visitor_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stand_scans")),
        sa.UniqueConstraint("scan_id", name=op.f("uq_stand_scans_scan_id")),
    )
    op.create_index("ix_stand_scans_booth_scanned", "stand_scans", ["booth_id", "scanned_at", "id"])
    op.create_index("ix_stand_scans_booth_visitor", "stand_scans", ["booth_id", "visitor_id", "scanned_at"])
    op.create_index("ix_stand_scans_scanned", "stand_scans", ["scanned_at", "id"])
    op.create_index("ix_stand_scans_edition", "stand_scans", ["edition_id", "id"])
    op.create_index("ix_stand_scans_scanned_by", "stand_scans", ["scanned_by_id"])
    op.create_index("ix_stand_scans_visitor", "stand_scans", ["visitor_id"])

    op.create_table(
        "stand_scan_products",
        sa.Column("stand_scan_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_stand_scan_products_product_id_products"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["stand_scan_id"],
            ["stand_scans.id"],
            name=op.f("fk_stand_scan_products_stand_scan_id_stand_scans"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("stand_scan_id", "product_id", name=op.f("pk_stand_scan_products")),
    )
    op.create_index(op.f("ix_stand_scan_products_product_id"), "stand_scan_products", ["product_id"])

    with op.batch_alter_table("editions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lead_retention_amount", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("lead_retention_unit", sa.String(length=10), server_default="months", nullable=False)
        )
        batch_op.create_check_constraint(
            "lead_retention_positive", "lead_retention_amount IS NULL OR lead_retention_amount > 0"
        )
        batch_op.create_check_constraint("lead_retention_unit_known", "lead_retention_unit IN ('days', 'months')")

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("share_contact_on_badge_scan", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("share_contact_on_badge_scan")

    with op.batch_alter_table("editions", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_editions_lead_retention_unit_known"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_editions_lead_retention_positive"), type_="check")
        batch_op.drop_column("lead_retention_unit")
        batch_op.drop_column("lead_retention_amount")

    op.drop_index(op.f("ix_stand_scan_products_product_id"), table_name="stand_scan_products")
    op.drop_table("stand_scan_products")
    op.drop_index("ix_stand_scans_visitor", table_name="stand_scans")
    op.drop_index("ix_stand_scans_scanned_by", table_name="stand_scans")
    op.drop_index("ix_stand_scans_edition", table_name="stand_scans")
    op.drop_index("ix_stand_scans_scanned", table_name="stand_scans")
    op.drop_index("ix_stand_scans_booth_visitor", table_name="stand_scans")
    op.drop_index("ix_stand_scans_booth_scanned", table_name="stand_scans")
    op.drop_table("stand_scans")
