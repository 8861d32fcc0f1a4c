"""Storage of live sessions: SQLAlchemy Core, SQLite by default, one code path for PostgreSQL later."""
