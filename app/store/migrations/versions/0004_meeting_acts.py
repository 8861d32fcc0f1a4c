"""Meetings: the acts done in a session that runs a whole meeting, in order, and who presides it.

Revision ID: 0004
Revises: 0003

A meeting's state is a fold over its acts (app/domain/meeting.py), so the acts are what is stored;
a restart replays them. Sessions from before this revision are single questions and have none.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("sessions", sa.Column("president", sa.String(16)))
    op.create_table(
        "meeting_acts",
        sa.Column("session_id", sa.String(32), sa.ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("number", sa.Integer, primary_key=True),
        sa.Column("act", sa.String(24), nullable=False),
        sa.Column("by", sa.String(16), nullable=False),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("vote", sa.String(20)),
        sa.Column("motion", sa.String(16)),
        sa.Column("subject", sa.String(200)),
        sa.Column("text", sa.Text),
        sa.Column("ordering", sa.Text),
        sa.Column("seconds", sa.Integer),
        sa.Column("part", sa.Integer),
    )


def downgrade() -> None:
    op.drop_table("meeting_acts")
    with op.batch_alter_table("sessions") as batch:
        batch.drop_column("president")
