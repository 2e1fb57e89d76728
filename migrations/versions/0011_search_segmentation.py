"""search across languages: Thai, Lao, Khmer and Burmese cut into letter pairs, every translation and
the category keywords indexed, and the languages each booth and product is available in

Revision ID: 0011_search_segmentation
Revises: 0010_content_languages
Create Date: 2026-12-06 10:40:00

The text pipeline changed (expo.exhibition.search_index), so every row's search_text is computed
again; PostgreSQL's generated vector and SQLite's FTS5 triggers follow the new text. Unlike the
schema, the text is not a snapshot of this day: it is recomputed by the pipeline as it is when the
migration runs, which is the text the code that runs next expects.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0011_search_segmentation"
down_revision = "0010_content_languages"
branch_labels = None
depends_on = None


def upgrade():
    from expo.exhibition.search_index import rebuild_search_text

    for table in ("booths", "products"):
        op.add_column(table, sa.Column("languages", sa.String(length=60), server_default="en", nullable=False))
    rebuild_search_text(op.get_bind())


def downgrade():
    # The search text stays as it is: a superset of what the older code wrote, which it still reads.
    # A plain DROP COLUMN (SQLite 3.35+): a batch copy would lose the FTS5 triggers and trip on
    # the generated search_vector column.
    for table in ("products", "booths"):
        op.drop_column(table, "languages")
