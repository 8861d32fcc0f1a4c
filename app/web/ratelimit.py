"""Token buckets: in memory for one process, in the database when several instances share a limit."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from sqlalchemy import Engine, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert

from app.store.database import writing
from app.store.tables import rate_limits


@dataclass
class _Bucket:
    tokens: float
    stamp: float


class RateLimiter:
    """``capacity`` requests at once, refilled at ``per_minute`` a minute, for each key."""

    def __init__(self, capacity: int, per_minute: float) -> None:
        self.capacity = capacity
        self.rate = per_minute / 60.0
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def retry_after(self, key: str) -> float:
        """Take one token for ``key``; 0 if allowed, else the seconds to wait."""
        now = time.monotonic()
        with self._lock:
            bucket = self._buckets.get(key) or _Bucket(float(self.capacity), now)
            bucket.tokens = min(self.capacity, bucket.tokens + (now - bucket.stamp) * self.rate)
            bucket.stamp = now
            self._buckets[key] = bucket
            if len(self._buckets) > 10_000:
                self._buckets = {k: b for k, b in self._buckets.items() if b.tokens < self.capacity}
            if bucket.tokens >= 1:
                bucket.tokens -= 1
                return 0.0
            return (1 - bucket.tokens) / self.rate


class SharedRateLimiter(RateLimiter):
    """The same buckets kept in the database, so that several instances share one limit (PostgreSQL)."""

    def __init__(self, engine: Engine, capacity: int, per_minute: float, namespace: str) -> None:
        super().__init__(capacity, per_minute)
        self.engine = engine
        self.namespace = namespace

    def retry_after(self, key: str) -> float:
        bucket_key = f"{self.namespace}:{key}"[:200]
        now = time.time()
        with writing(self.engine) as conn, conn.begin():
            conn.execute(
                pg_insert(rate_limits)
                .values(key=bucket_key, tokens=float(self.capacity), stamp=now)
                .on_conflict_do_nothing(index_elements=["key"])
            )
            row = conn.execute(
                select(rate_limits.c.tokens, rate_limits.c.stamp)
                .where(rate_limits.c.key == bucket_key)
                .with_for_update()
            ).one()
            tokens = min(self.capacity, row.tokens + max(0.0, now - row.stamp) * self.rate)
            allowed = tokens >= 1
            conn.execute(
                update(rate_limits)
                .where(rate_limits.c.key == bucket_key)
                .values(tokens=tokens - 1 if allowed else tokens, stamp=now)
            )
        return 0.0 if allowed else (1 - tokens) / self.rate


def limiter(engine: Engine | None, capacity: int, per_minute: float, namespace: str) -> RateLimiter:
    """Shared buckets on PostgreSQL (several instances), buckets in memory otherwise (one process, or no database)."""
    if engine is not None and engine.dialect.name == "postgresql":
        return SharedRateLimiter(engine, capacity, per_minute, namespace)
    return RateLimiter(capacity, per_minute)
