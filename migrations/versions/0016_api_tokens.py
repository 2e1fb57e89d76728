"""API tokens: personal, exhibitor-team and edition tokens, stored as hashes

Revision ID: 0016_api_tokens
Revises: 0015_webhooks
Create Date: 2026-12-06 10:50:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0016_api_tokens"
down_revision = "0015_webhooks"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=True),
        sa.Column("edition_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("prefix", sa.String(length=20), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("scopes", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("kind IN ('personal', 'team', 'edition')", name=op.f("ck_api_tokens_kind_known")),
        sa.CheckConstraint("(kind = 'team') = (company_id IS NOT NULL)", name=op.f("ck_api_tokens_team_has_company")),
        sa.CheckConstraint(
            "(kind = 'edition') = (edition_id IS NOT NULL)", name=op.f("ck_api_tokens_edition_token_has_edition")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_api_tokens_user_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["exhibitor_companies.id"],
            name=op.f("fk_api_tokens_company_id_exhibitor_companies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["edition_id"], ["editions.id"], name=op.f("fk_api_tokens_edition_id_editions"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["revoked_by_id"], ["users.id"], name=op.f("fk_api_tokens_revoked_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    op.create_index("ix_api_tokens_user", "api_tokens", ["user_id", "created_at"])
    op.create_index("ix_api_tokens_company", "api_tokens", ["company_id", "created_at"])
    op.create_index("ix_api_tokens_edition", "api_tokens", ["edition_id", "created_at"])


def downgrade():
    op.drop_index("ix_api_tokens_edition", table_name="api_tokens")
    op.drop_index("ix_api_tokens_company", table_name="api_tokens")
    op.drop_index("ix_api_tokens_user", table_name="api_tokens")
    op.drop_table("api_tokens")
