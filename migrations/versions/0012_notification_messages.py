"""in-app notifications keep their words as message keys and parameters, written out in the reader's
language when read; rows from before keep their text and read as they always did

Revision ID: 0012_notification_messages
Revises: 0011_search_segmentation
Create Date: 2026-12-06 10:30:00

"""

from alembic import op
import sqlalchemy as sa


revision = "0012_notification_messages"
down_revision = "0011_search_segmentation"
branch_labels = None
depends_on = None


def upgrade():
    # Nullable and without a default: existing rows have no message data and show their stored text.
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("message", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_column("message")
