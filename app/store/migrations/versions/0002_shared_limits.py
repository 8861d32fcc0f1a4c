"""Rate limits shared by every instance, and one audit row per (session, version).

Revision ID: 0002
Revises: 0001

The unique index makes "two changes at one version" impossible in the database itself, whatever
a writer does; the first release could not guarantee it on PostgreSQL. Where an old database
already holds such duplicates (the lost updates this revision fixes), later copies are renumbered
past the session's version, so no row of the record is dropped.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rate_limits",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("tokens", sa.Float, nullable=False),
        sa.Column("stamp", sa.Float, nullable=False),
    )
    conn = op.get_bind()
    audit = sa.table("audit", sa.column("id"), sa.column("session_id"), sa.column("version"))
    sessions = sa.table("sessions", sa.column("id"), sa.column("version"))
    seen: set[tuple[str, int]] = set()
    top: dict[str, int] = {}
    rows = conn.execute(sa.select(audit.c.id, audit.c.session_id, audit.c.version).order_by(audit.c.id)).all()
    for row in rows:
        top[row.session_id] = max(top.get(row.session_id, 0), row.version)
    for row in rows:
        if (row.session_id, row.version) in seen:
            top[row.session_id] += 1
            conn.execute(sa.update(audit).where(audit.c.id == row.id).values(version=top[row.session_id]))
            seen.add((row.session_id, top[row.session_id]))
        else:
            seen.add((row.session_id, row.version))
    for session_id, version in top.items():
        conn.execute(
            sa.update(sessions).where(sessions.c.id == session_id, sessions.c.version < version).values(version=version)
        )
    op.create_index("audit_session_version", "audit", ["session_id", "version"], unique=True)


def downgrade() -> None:
    op.drop_index("audit_session_version", "audit")
    op.drop_table("rate_limits")
