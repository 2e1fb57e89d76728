"""content in several languages: a source language and the other languages' texts on every record visitors read

Revision ID: 0010_content_languages
Revises: 0009_audit_trail
Create Date: 2026-12-06 10:20:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0010_content_languages"
down_revision = "0009_audit_trail"
branch_labels = None
depends_on = None

TABLES = (
    "exhibitor_companies",
    "booths",
    "products",
    "editions",
    "pavilions",
    "forums",
    "programme_sessions",
    "speakers",
    "forum_questions",
)


def upgrade():
    # Plain ADD COLUMN, not a batch copy: SQLite can add a column with a constant default in place,
    # and copying products or booths would write into their generated search_vector column.
    for table in TABLES:
        # Everything written before this day was written in English.
        op.add_column(table, sa.Column("source_language", sa.String(length=8), server_default="en", nullable=False))
        op.add_column(table, sa.Column("translations", sa.JSON(), server_default="{}", nullable=False))


def downgrade():
    for table in reversed(TABLES):
        op.drop_column(table, "translations")
        op.drop_column(table, "source_language")
