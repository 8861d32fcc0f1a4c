"""The tables as the code reads them; ``migrations/`` creates and changes them."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Float, ForeignKey, Index, Integer, MetaData, String, Table, Text

metadata = MetaData()

sessions = Table(
    "sessions",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("join_code", String(16), nullable=False, unique=True),
    Column("scenario_id", String(64), nullable=False),
    Column("scenario_json", Text, nullable=False),  # the session's own copy of the scenario
    Column("status", String(8), nullable=False),
    Column("hide_votes", Boolean, nullable=False, default=False),
    Column("version", Integer, nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("updated_at", String(32), nullable=False),
    Column("ended_at", String(32)),
    Column("join_mode", String(8), nullable=False, default="open"),
    Column("seat_size", Integer, nullable=False, default=1),
    Column("president", String(16)),  # the key of the student presiding a meeting; none: the instructor
)

seats = Table(
    "seats",
    metadata,
    Column("session_id", String(32), ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True),
    Column("code", String(16), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("vote", String(12), nullable=False),
    Column("voted_at", String(32)),
    Column("token_hash", String(64), unique=True),  # sha256 of the seat token; the token itself is never stored
    Column("holder", String(80)),
    Column("reserved_for", String(80)),
)

# Every device that joined a session: seated in a delegation, waiting, watching, or blocked.
students = Table(
    "students",
    metadata,
    Column("session_id", String(32), ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True),
    Column("key", String(16), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("token_hash", String(64), nullable=False),
    Column("place", String(8), nullable=False),
    Column("seat", String(16)),
    Column("name", String(80)),
    Column("address", String(64)),
    Column("joined_at", String(32), nullable=False),
)

# The acts of a session that runs a whole meeting, in order: the meeting is replayed from them.
meeting_acts = Table(
    "meeting_acts",
    metadata,
    Column("session_id", String(32), ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True),
    Column("number", Integer, primary_key=True),
    Column("act", String(24), nullable=False),
    Column("by", String(16), nullable=False),
    Column("at", String(32), nullable=False),
    Column("vote", String(20)),
    Column("motion", String(16)),
    Column("subject", String(200)),
    Column("text", Text),
    Column("ordering", Text),  # JSON: the amendments in the order the President ruled
    Column("seconds", Integer),
    Column("part", Integer),
)

audit = Table(
    "audit",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("session_id", String(32), ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
    Column("at", String(32), nullable=False),
    Column("version", Integer, nullable=False),
    Column("actor", String(40), nullable=False),
    Column("action", String(40), nullable=False),
    Column("member", String(16)),
    Column("detail", Text),
)

Index("audit_by_session", audit.c.session_id, audit.c.id)
Index("audit_session_version", audit.c.session_id, audit.c.version, unique=True)

# Token buckets shared by every instance (PostgreSQL); one process keeps its own in memory.
rate_limits = Table(
    "rate_limits",
    metadata,
    Column("key", String(200), primary_key=True),
    Column("tokens", Float, nullable=False),
    Column("stamp", Float, nullable=False),
)
