"""One writer with group commit: every change to every session goes through one thread.

Callers submit operations from any thread (or await them from the event loop). The writer takes
everything waiting, computes each change against the session as it stands in memory (so a vote
needs no re-read, and a seat token is checked without a query), and commits the whole batch in one
transaction: one fsync serves many votes. Only after the commit does any caller get its answer,
so nothing is acknowledged that a crash could lose. A batch that finds a session changed by
another instance (``Stale``) is computed again from a fresh read; a database that fails (a full
disk, a corrupt file) fails the batch's callers with ``Unavailable`` and changes nothing in memory.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import queue
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import Connection
from sqlalchemy.exc import SQLAlchemyError

from app.domain.errors import UnscSimError
from app.domain.session import Change, SessionView
from app.store.database import writing
from app.store.sessions import SessionStore, Stale, now

log = logging.getLogger("unsc_sim")
MAX_BATCH = 1000
MAX_RETRIES = 8


class Unavailable(UnscSimError):
    """The database cannot take writes right now (full disk, unreadable file); nothing was changed."""


@dataclass(eq=False)
class Operation:
    """A change to compute against one session's current state, or (with ``created``) a new session."""

    session_id: str
    decide: Callable[[SessionView], Change] | None = None
    created: tuple[SessionView, str, str] | None = None  # the new view, the audit actor and detail
    future: concurrent.futures.Future[SessionView] = field(default_factory=concurrent.futures.Future)


class Writer:
    """The one thread that writes, and the in-memory state of every session it has seen."""

    def __init__(self, store: SessionStore, on_commit: Callable[[Sequence[SessionView]], None]) -> None:
        self.store = store
        self.on_commit = on_commit
        self._views: dict[str, SessionView] = {}
        self._views_lock = threading.Lock()
        self._queue: queue.SimpleQueue[Operation | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self.batches = 0
        self.operations = 0

    # The state in memory

    def view(self, session_id: str) -> SessionView:
        """The latest committed state of a session, from memory, or read once from the database."""
        cached = self._views.get(session_id)
        if cached is not None:
            return cached
        return self.remember(self.store.get(session_id))

    def remember(self, view: SessionView) -> SessionView:
        """Keep ``view`` unless a later version is already known; returns the one kept."""
        with self._views_lock:
            current = self._views.get(view.id)
            if current is not None and current.version >= view.version:
                return current
            self._views[view.id] = view
            return view

    def forget(self, session_id: str) -> None:
        with self._views_lock:
            self._views.pop(session_id, None)

    def known(self) -> list[str]:
        return list(self._views)

    def refresh(self, session_id: str, version: int | None = None) -> SessionView | None:
        """Read a session again when another instance says it moved on; None if it is gone."""
        cached = self._views.get(session_id)
        if cached is not None and version is not None and cached.version >= version:
            return None
        try:
            fresh = self.store.get(session_id)
        except UnscSimError:
            self.forget(session_id)
            return None
        with self._views_lock:
            current = self._views.get(session_id)
            if current is not None and current.version >= fresh.version:
                return None
            self._views[session_id] = fresh
        return fresh

    # Submitting

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="unsc-sim-writer", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout=10)
            self._thread = None

    def submit(self, operation: Operation) -> concurrent.futures.Future[SessionView]:
        self.start()
        self._queue.put(operation)
        return operation.future

    def run(self, operation: Operation) -> SessionView:
        """Submit and wait (from a worker thread, never from the event loop)."""
        return self.submit(operation).result()

    async def run_async(self, operation: Operation) -> SessionView:
        """Submit and await without blocking the event loop."""
        return await asyncio.wrap_future(self.submit(operation))

    # The thread

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            batch = [first]
            while len(batch) < MAX_BATCH:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    self._queue.put(None)
                    break
                batch.append(more)
            try:
                self._process(batch)
            except BaseException as error:  # never let the writer die: answer everyone, keep going
                log.exception("the writer failed on a batch of %d", len(batch))
                for operation in batch:
                    if not operation.future.done():
                        operation.future.set_exception(Unavailable(f"the change was not saved: {error}"))

    def _process(self, batch: list[Operation]) -> None:
        for _ in range(MAX_RETRIES):
            try:
                results, latest = self._attempt(batch)
            except Stale as stale:
                self.forget(stale.session_id)
                continue
            except SQLAlchemyError as error:
                self._fail(batch, error)
                return
            for view in latest.values():
                self.remember(view)
            self.batches += 1
            self.operations += len(batch)
            for operation, result in zip(batch, results, strict=True):
                if isinstance(result, BaseException):
                    operation.future.set_exception(result)
                else:
                    operation.future.set_result(result)
            if latest:
                self.on_commit(list(latest.values()))
            return
        self._fail(batch, RuntimeError("the session kept changing under this change; try again"))

    def _fail(self, batch: list[Operation], error: BaseException) -> None:
        log.error("a batch of %d change(s) was not saved: %s", len(batch), error)
        for operation in batch:
            self.forget(operation.session_id)
            operation.future.set_exception(Unavailable(_explain(error)))

    def _attempt(self, batch: list[Operation]) -> tuple[list[SessionView | BaseException], dict[str, SessionView]]:
        at = now()
        results: list[SessionView | BaseException] = []
        bases: dict[str, SessionView] = {}
        latest: dict[str, SessionView] = {}
        changes: dict[str, list[Change]] = {}
        with writing(self.store.engine) as conn, conn.begin():
            for operation in batch:
                results.append(self._apply(conn, operation, bases, latest, changes))
            if changes:
                self.store.write(conn, [(bases[session_id], done) for session_id, done in changes.items()], at)
        return results, latest

    def _apply(
        self,
        conn: Connection,
        operation: Operation,
        bases: dict[str, SessionView],
        latest: dict[str, SessionView],
        changes: dict[str, list[Change]],
    ) -> SessionView | BaseException:
        session_id = operation.session_id
        if operation.created is not None:
            view, actor, detail = operation.created
            if self.store.join_code_taken(conn, view.join_code):
                return JoinCodeTaken()
            self.store.insert(conn, view, actor, detail)
            bases[session_id] = latest[session_id] = view
            return view
        assert operation.decide is not None
        try:
            current = latest.get(session_id)
            if current is None:
                # Lock the session's row first (PostgreSQL; SQLite's writer holds the whole database):
                # another instance's change either committed before, and is read now, or waits for us.
                version = self.store.lock(conn, session_id)
                cached = self._views.get(session_id)
                current = (
                    cached if cached is not None and cached.version == version else self.store.load(conn, session_id)
                )
                bases[session_id] = current
            change = operation.decide(current)
        except UnscSimError as refused:
            return refused
        latest[session_id] = change.view
        changes.setdefault(session_id, []).append(change)
        return change.view


class JoinCodeTaken(UnscSimError):
    """Two sessions drew the same join code: the service draws another."""


def _explain(error: BaseException) -> str:
    text = str(getattr(error, "orig", error) or error)
    if "full" in text.lower():
        return "the disk is full: the change was not saved; free some space and try again"
    return f"the database cannot take this change right now ({text.splitlines()[0] if text else 'unknown error'}); try again"
