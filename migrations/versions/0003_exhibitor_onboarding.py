"""exhibitor onboarding: applications with logo and review, team invitations

Revision ID: 0003_exhibitor_onboarding
Revises: 0002_programme_registrations
Create Date: 2026-11-26 23:55:53.275334

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0003_exhibitor_onboarding"
down_revision = "0002_programme_registrations"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("exhibitor_companies", schema=None) as batch_op:
        batch_op.add_column(sa.Column("logo_path", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("reviewed_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("rejection_reason", sa.Text(), server_default="", nullable=False))

    # Existing applications entered the queue when they were created; an existing rejection
    # without a reason gets one that says so, as the applicant must always be told why.
    companies = sa.table(
        "exhibitor_companies",
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("submitted_at", sa.DateTime(timezone=True)),
        sa.column("status", sa.String),
        sa.column("rejection_reason", sa.Text),
    )
    op.execute(companies.update().values(submitted_at=companies.c.created_at))
    op.execute(
        companies.update()
        .where(companies.c.status == "rejected", companies.c.rejection_reason == "")
        .values(rejection_reason="No reason was recorded.")
    )

    # (migrations/env.py turns SQLite's foreign keys off, so this table rebuild keeps every team.)
    with op.batch_alter_table("exhibitor_companies", schema=None) as batch_op:
        batch_op.alter_column("submitted_at", existing_type=sa.DateTime(timezone=True), nullable=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_exhibitor_companies_reviewed_by_id_users"),
            "users",
            ["reviewed_by_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_check_constraint("rejection_has_reason", "status != 'rejected' OR rejection_reason != ''")

    op.create_table(
        "company_invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("invited_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["exhibitor_companies.id"],
            name=op.f("fk_company_invitations_company_id_exhibitor_companies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["invited_by_id"],
            ["users.id"],
            name=op.f("fk_company_invitations_invited_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_company_invitations")),
        sa.UniqueConstraint("company_id", "email", name=op.f("uq_company_invitations_company_id_email")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_company_invitations_token_hash")),
    )
    with op.batch_alter_table("company_invitations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_company_invitations_company_id"), ["company_id"], unique=False)


def downgrade():
    with op.batch_alter_table("company_invitations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_company_invitations_company_id"))

    op.drop_table("company_invitations")

    # (migrations/env.py turns SQLite's foreign keys off, so this table rebuild keeps every team.)
    with op.batch_alter_table("exhibitor_companies", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_exhibitor_companies_rejection_has_reason"), type_="check")
        batch_op.drop_constraint(batch_op.f("fk_exhibitor_companies_reviewed_by_id_users"), type_="foreignkey")
        batch_op.drop_column("rejection_reason")
        batch_op.drop_column("reviewed_by_id")
        batch_op.drop_column("reviewed_at")
        batch_op.drop_column("submitted_at")
        batch_op.drop_column("logo_path")
