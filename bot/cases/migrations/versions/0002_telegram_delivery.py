"""The Telegram front end's inbox, outbox and the ids of recent chat messages (for /exit).

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "telegram_inbox",
        sa.Column("bot_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("update_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("chat_id", sa.BigInteger, index=True),
        sa.Column("payload", sa.Text),
        sa.Column("received_at", sa.DateTime, nullable=False),
        sa.Column("done_at", sa.DateTime, index=True),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", sa.DateTime, nullable=False),
        sa.Column("holding_reply_sent", sa.Boolean, nullable=False),
    )
    op.create_table(
        "telegram_outbox",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("bot_id", sa.BigInteger, nullable=False),
        sa.Column("chat_id", sa.BigInteger, nullable=False, index=True),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "telegram_chat_messages",
        sa.Column("bot_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("chat_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("message_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("sent_at", sa.DateTime, nullable=False, index=True),
    )


def downgrade() -> None:
    op.drop_table("telegram_chat_messages")
    op.drop_table("telegram_outbox")
    op.drop_table("telegram_inbox")
