"""notifications and broadcasts: in-app notifications, preferences, broadcasts, handed-over e-mails

Audience messages are generalised into broadcasts (same ids); the outbox gains the "handed_over"
state (see expo.notifications.delivery).

Revision ID: 0006_notifications_broadcasts
Revises: 0005_online_exhibition
Create Date: 2026-12-01 05:59:33.354457

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0006_notifications_broadcasts"
down_revision = "0005_online_exhibition"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "notification_preferences",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=30), nullable=False),
        sa.Column("in_app", sa.Boolean(), nullable=False),
        sa.Column("email", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_notification_preferences_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "category", name=op.f("pk_notification_preferences")),
    )
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=50), nullable=False),
        sa.Column("category", sa.String(length=30), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("link", sa.String(length=500), nullable=False),
        sa.Column("dedupe_key", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_notifications_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_notifications_dedupe_key")),
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index(
            "ix_notifications_unread",
            ["user_id"],
            unique=False,
            postgresql_where=sa.text("read_at IS NULL"),
            sqlite_where=sa.text("read_at IS NULL"),
        )
        batch_op.create_index("ix_notifications_user_created", ["user_id", "created_at"], unique=False)

    op.create_table(
        "broadcasts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("edition_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("audience", sa.String(length=30), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("forum_id", sa.Integer(), nullable=True),
        sa.Column("pavilion_id", sa.Integer(), nullable=True),
        sa.Column("registrants", sa.String(length=20), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("send_email", sa.Boolean(), nullable=False),
        sa.Column("send_in_app", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("recipients_total", sa.Integer(), nullable=False),
        sa.Column("batches_total", sa.Integer(), nullable=False),
        sa.Column("in_app_count", sa.Integer(), nullable=False),
        sa.Column("email_count", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("(audience = 'forum') = (forum_id IS NOT NULL)", name=op.f("ck_broadcasts_forum_audience")),
        sa.CheckConstraint(
            "(audience = 'pavilion_exhibitors') = (pavilion_id IS NOT NULL)",
            name=op.f("ck_broadcasts_pavilion_audience"),
        ),
        sa.CheckConstraint(
            "(audience = 'session') = (session_id IS NOT NULL)", name=op.f("ck_broadcasts_session_audience")
        ),
        sa.CheckConstraint(
            "audience IN ('session', 'forum', 'edition_attendees', 'pavilion_exhibitors', 'edition_exhibitors')",
            name=op.f("ck_broadcasts_audience_known"),
        ),
        sa.CheckConstraint("registrants IN ('confirmed', 'all_active')", name=op.f("ck_broadcasts_registrants_known")),
        sa.CheckConstraint("status IN ('queued', 'sending', 'done')", name=op.f("ck_broadcasts_status_known")),
        sa.CheckConstraint("send_email OR send_in_app", name=op.f("ck_broadcasts_some_channel")),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_broadcasts_author_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["edition_id"], ["editions.id"], name=op.f("fk_broadcasts_edition_id_editions"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["forum_id"], ["forums.id"], name=op.f("fk_broadcasts_forum_id_forums"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["pavilion_id"], ["pavilions.id"], name=op.f("fk_broadcasts_pavilion_id_pavilions"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["programme_sessions.id"],
            name=op.f("fk_broadcasts_session_id_programme_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_broadcasts")),
    )
    with op.batch_alter_table("broadcasts", schema=None) as batch_op:
        batch_op.create_index("ix_broadcasts_edition_created", ["edition_id", "created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_broadcasts_forum_id"), ["forum_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_broadcasts_pavilion_id"), ["pavilion_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_broadcasts_session_id"), ["session_id"], unique=False)

    op.create_table(
        "broadcast_recipients",
        sa.Column("broadcast_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("batch_number", sa.Integer(), nullable=False),
        sa.Column("prepared_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["broadcast_id"],
            ["broadcasts.id"],
            name=op.f("fk_broadcast_recipients_broadcast_id_broadcasts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_broadcast_recipients_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("broadcast_id", "user_id", name=op.f("pk_broadcast_recipients")),
    )
    with op.batch_alter_table("broadcast_recipients", schema=None) as batch_op:
        batch_op.create_index("ix_broadcast_recipients_batch", ["broadcast_id", "batch_number"], unique=False)
        batch_op.create_index(batch_op.f("ix_broadcast_recipients_user_id"), ["user_id"], unique=False)

    # Audience messages become broadcasts to a session's or a forum's participants: same ids, so
    # their e-mails (batch "audience:<id>", keys "audience:<id>:<user>") keep belonging to them.
    op.execute("""
        INSERT INTO broadcasts (id, edition_id, author_id, audience, session_id, forum_id, pavilion_id,
                                registrants, subject, body, send_email, send_in_app, status, recipients_total,
                                batches_total, in_app_count, email_count, created_at, completed_at)
        SELECT m.id, f.edition_id, m.author_id,
               CASE WHEN m.session_id IS NOT NULL THEN 'session' ELSE 'forum' END,
               m.session_id, m.forum_id, NULL, m.audience, m.subject, m.body, true, false, m.status,
               m.recipients_total, 0, 0, m.recipients_total, m.created_at, m.completed_at
        FROM audience_messages m
        LEFT JOIN programme_sessions s ON s.id = m.session_id
        JOIN forums f ON f.id = COALESCE(m.forum_id, s.forum_id)
    """)
    op.execute("UPDATE outbox_messages SET batch = 'broadcast:' || substr(batch, 10) WHERE batch LIKE 'audience:%'")
    op.execute(
        "UPDATE outbox_messages SET dedupe_key = 'broadcast:' || substr(dedupe_key, 10) "
        "WHERE dedupe_key LIKE 'audience:%'"
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "SELECT setval(pg_get_serial_sequence('broadcasts', 'id'), "
            "COALESCE((SELECT max(id) FROM broadcasts), 0) + 1, false)"
        )

    with op.batch_alter_table("audience_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audience_messages_forum_id"))
        batch_op.drop_index(batch_op.f("ix_audience_messages_session_id"))
    op.drop_table("audience_messages")

    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_messages_batch"))
        batch_op.create_index("ix_outbox_messages_batch_status", ["batch", "status"], unique=False)
        batch_op.drop_constraint(batch_op.f("ck_outbox_messages_status_known"), type_="check")
        batch_op.create_check_constraint(
            "status_known", "status IN ('pending', 'sending', 'handed_over', 'sent', 'failed')"
        )

    # ### end Alembic commands ###


def downgrade():
    # Handed over is as good as sent for the old states.
    op.execute("UPDATE outbox_messages SET status = 'sent' WHERE status = 'handed_over'")
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_outbox_messages_status_known"), type_="check")
        batch_op.create_check_constraint("status_known", "status IN ('pending', 'sending', 'sent', 'failed')")
        batch_op.drop_index("ix_outbox_messages_batch_status")
        batch_op.create_index(batch_op.f("ix_outbox_messages_batch"), ["batch"], unique=False)

    op.create_table(
        "audience_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("forum_id", sa.Integer(), nullable=True),
        sa.Column("audience", sa.String(length=20), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("recipients_total", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "(session_id IS NULL) <> (forum_id IS NULL)", name=op.f("ck_audience_messages_one_audience")
        ),
        sa.CheckConstraint("status IN ('queued', 'sending', 'done')", name=op.f("ck_audience_messages_status_known")),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_audience_messages_author_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["forum_id"], ["forums.id"], name=op.f("fk_audience_messages_forum_id_forums"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["programme_sessions.id"],
            name=op.f("fk_audience_messages_session_id_programme_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audience_messages")),
    )
    with op.batch_alter_table("audience_messages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audience_messages_forum_id"), ["forum_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_audience_messages_session_id"), ["session_id"], unique=False)
    # Broadcasts to a session or a forum go back to being audience messages; the others cannot.
    op.execute("""
        INSERT INTO audience_messages (id, author_id, session_id, forum_id, audience, subject, body, status,
                                       recipients_total, created_at, completed_at)
        SELECT id, author_id, session_id, forum_id, registrants, subject, body, status, recipients_total,
               created_at, completed_at
        FROM broadcasts WHERE audience IN ('session', 'forum')
    """)
    op.execute("UPDATE outbox_messages SET batch = 'audience:' || substr(batch, 11) WHERE batch LIKE 'broadcast:%'")
    op.execute(
        "UPDATE outbox_messages SET dedupe_key = 'audience:' || substr(dedupe_key, 11) "
        "WHERE dedupe_key LIKE 'broadcast:%'"
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "SELECT setval(pg_get_serial_sequence('audience_messages', 'id'), "
            "COALESCE((SELECT max(id) FROM audience_messages), 0) + 1, false)"
        )

    with op.batch_alter_table("broadcast_recipients", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_broadcast_recipients_user_id"))
        batch_op.drop_index("ix_broadcast_recipients_batch")
    op.drop_table("broadcast_recipients")
    with op.batch_alter_table("broadcasts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_broadcasts_session_id"))
        batch_op.drop_index(batch_op.f("ix_broadcasts_pavilion_id"))
        batch_op.drop_index(batch_op.f("ix_broadcasts_forum_id"))
        batch_op.drop_index("ix_broadcasts_edition_created")
    op.drop_table("broadcasts")

    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index("ix_notifications_user_created")
        batch_op.drop_index(
            "ix_notifications_unread",
            postgresql_where=sa.text("read_at IS NULL"),
            sqlite_where=sa.text("read_at IS NULL"),
        )
    op.drop_table("notifications")
    op.drop_table("notification_preferences")
