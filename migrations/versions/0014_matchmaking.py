"""matchmaking: buyers' sourcing profiles, teams' offers, stored recommendations, and the hosted-buyer programme (invitations, choices, the meeting plan)

Revision ID: 0014_matchmaking
Revises: 0013_meetings
Create Date: 2026-12-06 10:49:00.506635

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0014_matchmaking"
down_revision = "0013_meetings"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "buyer_profiles",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("category_ids", sa.JSON(), nullable=False),
        sa.Column("hs_codes", sa.JSON(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=True),
        sa.Column("unit", sa.String(length=30), nullable=False),
        sa.Column("price_min", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("price_max", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("incoterms", sa.JSON(), nullable=False),
        sa.Column("delivery_countries", sa.JSON(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("certifications", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("discoverable", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("stale", sa.Boolean(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "price_min IS NULL OR price_max IS NULL OR price_max >= price_min",
            name=op.f("ck_buyer_profiles_price_range_ordered"),
        ),
        sa.CheckConstraint("price_min IS NULL OR price_min >= 0", name=op.f("ck_buyer_profiles_price_not_negative")),
        sa.CheckConstraint("quantity IS NULL OR quantity > 0", name=op.f("ck_buyer_profiles_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_buyer_profiles_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_buyer_profiles")),
    )
    op.create_table(
        "hosted_buyers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("edition_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("invited_by_id", sa.Integer(), nullable=True),
        sa.Column("invited_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("away_days", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["edition_id"], ["editions.id"], name=op.f("fk_hosted_buyers_edition_id_editions"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["invited_by_id"], ["users.id"], name=op.f("fk_hosted_buyers_invited_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_hosted_buyers_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hosted_buyers")),
        sa.UniqueConstraint("edition_id", "user_id", name=op.f("uq_hosted_buyers_edition_id_user_id")),
    )
    with op.batch_alter_table("hosted_buyers", schema=None) as batch_op:
        batch_op.create_index("ix_hosted_buyers_user", ["user_id"], unique=False)

    op.create_table(
        "hosted_programmes",
        sa.Column("edition_id", sa.Integer(), nullable=False),
        sa.Column("slot_minutes", sa.Integer(), nullable=False),
        sa.Column("day_starts", sa.Time(), nullable=False),
        sa.Column("day_ends", sa.Time(), nullable=False),
        sa.Column("tables", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("plan_version", sa.Integer(), nullable=False),
        sa.Column("planned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("mutual_must_pairs", sa.Integer(), nullable=False),
        sa.Column("mutual_must_placed", sa.Integer(), nullable=False),
        sa.Column("plan_seconds", sa.Double(), nullable=False),
        sa.CheckConstraint("day_ends > day_starts", name=op.f("ck_hosted_programmes_hours_in_order")),
        sa.CheckConstraint("slot_minutes IN (15, 20, 30, 45, 60)", name=op.f("ck_hosted_programmes_slot_length_known")),
        sa.CheckConstraint("tables BETWEEN 1 AND 1000", name=op.f("ck_hosted_programmes_tables_sensible")),
        sa.ForeignKeyConstraint(
            ["edition_id"], ["editions.id"], name=op.f("fk_hosted_programmes_edition_id_editions"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("edition_id", name=op.f("pk_hosted_programmes")),
    )
    op.create_table(
        "hosted_choices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("edition_id", sa.Integer(), nullable=False),
        sa.Column("buyer_id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("side", sa.String(length=8), nullable=False),
        sa.Column("choice", sa.String(length=8), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("side IN ('buyer', 'team')", name=op.f("ck_hosted_choices_side_known")),
        sa.ForeignKeyConstraint(
            ["buyer_id"], ["users.id"], name=op.f("fk_hosted_choices_buyer_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["exhibitor_companies.id"],
            name=op.f("fk_hosted_choices_company_id_exhibitor_companies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["edition_id"], ["editions.id"], name=op.f("fk_hosted_choices_edition_id_editions"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hosted_choices")),
        sa.UniqueConstraint(
            "edition_id",
            "buyer_id",
            "company_id",
            "side",
            name=op.f("uq_hosted_choices_edition_id_buyer_id_company_id_side"),
        ),
    )
    with op.batch_alter_table("hosted_choices", schema=None) as batch_op:
        batch_op.create_index("ix_hosted_choices_company", ["edition_id", "company_id", "side"], unique=False)

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
    op.create_table(
        "planned_meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("edition_id", sa.Integer(), nullable=False),
        sa.Column("buyer_id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("table_number", sa.Integer(), nullable=False),
        sa.Column("tier", sa.Integer(), nullable=False),
        sa.Column("adjusted", sa.Boolean(), nullable=False),
        sa.Column("meeting_ref", sa.String(length=40), nullable=False),
        sa.CheckConstraint("tier BETWEEN 0 AND 4", name=op.f("ck_planned_meetings_tier_known")),
        sa.ForeignKeyConstraint(
            ["buyer_id"], ["users.id"], name=op.f("fk_planned_meetings_buyer_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["exhibitor_companies.id"],
            name=op.f("fk_planned_meetings_company_id_exhibitor_companies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["edition_id"], ["editions.id"], name=op.f("fk_planned_meetings_edition_id_editions"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_planned_meetings")),
        sa.UniqueConstraint("edition_id", "buyer_id", "company_id", name="uq_planned_meetings_pair"),
        sa.UniqueConstraint("edition_id", "buyer_id", "starts_at", name="uq_planned_meetings_buyer_slot"),
        sa.UniqueConstraint("edition_id", "company_id", "starts_at", name="uq_planned_meetings_company_slot"),
        sa.UniqueConstraint("edition_id", "table_number", "starts_at", name="uq_planned_meetings_table_slot"),
    )
    with op.batch_alter_table("planned_meetings", schema=None) as batch_op:
        batch_op.create_index("ix_planned_meetings_slot", ["edition_id", "starts_at", "table_number"], unique=False)

    op.create_table(
        "recommendations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("buyer_id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("product_ids", sa.JSON(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("score BETWEEN 0 AND 100", name=op.f("ck_recommendations_score_in_range")),
        sa.ForeignKeyConstraint(
            ["buyer_id"], ["users.id"], name=op.f("fk_recommendations_buyer_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["exhibitor_companies.id"],
            name=op.f("fk_recommendations_company_id_exhibitor_companies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recommendations")),
        sa.UniqueConstraint("buyer_id", "company_id", name=op.f("uq_recommendations_buyer_id_company_id")),
    )
    with op.batch_alter_table("recommendations", schema=None) as batch_op:
        batch_op.create_index("ix_recommendations_buyer_score", ["buyer_id", "score", "company_id"], unique=False)
        batch_op.create_index("ix_recommendations_company_score", ["company_id", "score", "buyer_id"], unique=False)

    op.create_table(
        "team_offers",
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("export_markets", sa.JSON(), nullable=False),
        sa.Column("incoterms", sa.JSON(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("certifications", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("stale", sa.Boolean(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["exhibitor_companies.id"],
            name=op.f("fk_team_offers_company_id_exhibitor_companies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("company_id", name=op.f("pk_team_offers")),
    )


def downgrade():
    op.drop_table("team_offers")
    with op.batch_alter_table("recommendations", schema=None) as batch_op:
        batch_op.drop_index("ix_recommendations_company_score")
        batch_op.drop_index("ix_recommendations_buyer_score")

    op.drop_table("recommendations")
    with op.batch_alter_table("planned_meetings", schema=None) as batch_op:
        batch_op.drop_index("ix_planned_meetings_slot")

    op.drop_table("planned_meetings")
    op.drop_table("hosted_teams")
    with op.batch_alter_table("hosted_choices", schema=None) as batch_op:
        batch_op.drop_index("ix_hosted_choices_company")

    op.drop_table("hosted_choices")
    op.drop_table("hosted_programmes")
    with op.batch_alter_table("hosted_buyers", schema=None) as batch_op:
        batch_op.drop_index("ix_hosted_buyers_user")

    op.drop_table("hosted_buyers")
    op.drop_table("buyer_profiles")
