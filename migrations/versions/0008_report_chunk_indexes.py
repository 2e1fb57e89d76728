"""the id in the created-at indexes of trade inquiries, so a report's keyset chunks are index ranges

Revision ID: 0008_report_chunk_indexes
Revises: 0007_trade_inquiries
Create Date: 2026-12-02 08:30:00.000000

"""

from alembic import op


# revision identifiers, used by Alembic.
revision = "0008_report_chunk_indexes"
down_revision = "0007_trade_inquiries"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("trade_inquiries", schema=None) as batch_op:
        batch_op.drop_index("ix_trade_inquiries_booth_created")
        batch_op.drop_index("ix_trade_inquiries_created")
        batch_op.create_index("ix_trade_inquiries_booth_created", ["booth_id", "created_at", "id"], unique=False)
        batch_op.create_index("ix_trade_inquiries_created", ["created_at", "id"], unique=False)


def downgrade():
    with op.batch_alter_table("trade_inquiries", schema=None) as batch_op:
        batch_op.drop_index("ix_trade_inquiries_created")
        batch_op.drop_index("ix_trade_inquiries_booth_created")
        batch_op.create_index("ix_trade_inquiries_created", ["created_at"], unique=False)
        batch_op.create_index("ix_trade_inquiries_booth_created", ["booth_id", "created_at"], unique=False)
