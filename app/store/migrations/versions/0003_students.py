"""Several students per delegation, observers, join modes and blocked devices.

Revision ID: 0003
Revises: 0002

Each device that joins a session gets a row in ``students``; a seat's ``token_hash`` stays the
token of the student who casts the delegation's vote. A student who held a seat before this
revision becomes that delegation's one student, and keeps casting its vote.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("sessions", sa.Column("join_mode", sa.String(8), nullable=False, server_default="open"))
    op.add_column("sessions", sa.Column("seat_size", sa.Integer, nullable=False, server_default="1"))
    op.create_table(
        "students",
        sa.Column("session_id", sa.String(32), sa.ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("key", sa.String(16), primary_key=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("place", sa.String(8), nullable=False),
        sa.Column("seat", sa.String(16)),
        sa.Column("name", sa.String(80)),
        sa.Column("address", sa.String(64)),
        sa.Column("joined_at", sa.String(32), nullable=False),
    )
    op.execute(
        "INSERT INTO students (session_id, key, position, token_hash, place, seat, name, joined_at) "
        "SELECT seats.session_id, substr(seats.token_hash, 1, 16), seats.position, seats.token_hash, 'seated', "
        "seats.code, seats.holder, sessions.created_at FROM seats JOIN sessions ON sessions.id = seats.session_id "
        "WHERE seats.token_hash IS NOT NULL"
    )


def downgrade() -> None:
    op.drop_table("students")
    with op.batch_alter_table("sessions") as batch:
        batch.drop_column("seat_size")
        batch.drop_column("join_mode")
