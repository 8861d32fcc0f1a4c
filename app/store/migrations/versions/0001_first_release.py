"""The first release's schema: sessions, one seat row per session and delegation, and the audit log.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sessions",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("join_code", sa.String(16), nullable=False, unique=True),
        sa.Column("scenario_id", sa.String(64), nullable=False),
        sa.Column("scenario_json", sa.Text, nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("hide_votes", sa.Boolean, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("updated_at", sa.String(32), nullable=False),
        sa.Column("ended_at", sa.String(32)),
    )
    op.create_table(
        "seats",
        sa.Column("session_id", sa.String(32), sa.ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("code", sa.String(16), primary_key=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("vote", sa.String(12), nullable=False),
        sa.Column("voted_at", sa.String(32)),
        sa.Column("token_hash", sa.String(64), unique=True),
        sa.Column("holder", sa.String(80)),
        sa.Column("reserved_for", sa.String(80)),
    )
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("session_id", sa.String(32), sa.ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("actor", sa.String(40), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("member", sa.String(16)),
        sa.Column("detail", sa.Text),
    )
    op.create_index("audit_by_session", "audit", ["session_id", "id"])


def downgrade() -> None:
    op.drop_table("audit")
    op.drop_table("seats")
    op.drop_table("sessions")
