"""One writer with group commit: every change to every session goes through one thread.

Callers submit operations from any thread (or await them from the event loop). The writer takes
everything waiting, locks the rows of every session the batch touches in one statement (and reads
their versions), computes each change against the session as it stands in memory (so a vote needs
no re-read, and a seat token is checked without a query) unless another instance moved it on, and
commits the whole batch in one transaction: one fsync serves many votes, and a handful of
statements serve the whole batch. Only after the commit does any caller get its answer, so nothing
is acknowledged that a crash could lose; the answers to one event loop go to it in one wake-up. A
batch that finds a session changed by another instance (``Stale``) is computed again from a fresh
read; a database that fails (a full disk, a corrupt file) fails the batch's callers with
``DiskFull`` (507) or ``Unavailable`` (503) and changes nothing in memory.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import queue
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import Connection
from sqlalchemy.exc import SQLAlchemyError

from app.domain.errors import NotFound, UnscSimError
from app.domain.session import Change, SessionView
from app.store.database import writing
from app.store.faults import disk_full, is_disk_full
from app.store.sessions import SessionStore, Stale, now

log = logging.getLogger("unsc_sim")
MAX_BATCH = 1000
MAX_RETRIES = 8


class Unavailable(UnscSimError):
    """The database cannot take writes right now (full disk, unreadable file); nothing was changed."""


# Where an operation's answer goes: a thread waits on the first kind, a coroutine awaits the second.
Answer = concurrent.futures.Future[SessionView] | asyncio.Future[SessionView]
Result = SessionView | BaseException


@dataclass(eq=False)
class Operation:
    """A change to compute against one session's current state, or (with ``created``) a new session."""

    session_id: str
    decide: Callable[[SessionView], Change] | None = None
    created: tuple[SessionView, str, str] | None = None  # the new view, the audit actor and detail
    future: Answer | None = field(default=None, repr=False)  # set when it is submitted


class Writer:
    """The one thread that writes, and the in-memory state of every session it has seen."""

    def __init__(self, store: SessionStore, on_commit: Callable[[Sequence[SessionView]], None]) -> None:
        self.store = store
        self.on_commit = on_commit
        self._views: dict[str, SessionView] = {}
        # Versions another instance committed that nobody here has read yet (``behind``): the copy in memory
        # is older, and is read again at its next use instead of at once.
        self._newer: dict[str, int] = {}
        self._views_lock = threading.Lock()
        self._queue: queue.SimpleQueue[Operation | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._conn: Connection | None = None  # the writer's own connection, kept between batches
        self.batches = 0
        self.operations = 0

    # The state in memory

    def view(self, session_id: str, *, latest: bool = True) -> SessionView:
        """The latest committed state of a session, from memory, or read once from the database (again when
        another instance has committed a later version since, unless ``latest`` is False: then the copy in
        memory does, for a check the writer makes again on the state it commits to)."""
        cached = self._views.get(session_id)
        if cached is not None and (not latest or self.holds(session_id)):
            return cached
        return self.remember(self.store.get(session_id))

    def holds(self, session_id: str) -> bool:
        """Whether the latest version known of the session is in memory: looking it up then reads nothing."""
        cached = self._views.get(session_id)
        return cached is not None and cached.version >= self._newer.get(session_id, 0)

    def remember(self, view: SessionView) -> SessionView:
        """Keep ``view`` unless a later version is already known; returns the one kept."""
        with self._views_lock:
            current = self._views.get(view.id)
            if current is not None and current.version >= view.version:
                return current
            self._views[view.id] = view
            if self._newer.get(view.id, 0) <= view.version:
                self._newer.pop(view.id, None)
            return view

    def behind(self, session_id: str, version: int) -> None:
        """Another instance committed ``version``: the copy in memory, if older, is read again when next used.
        For a session nobody here is watching, that costs nothing until somebody does."""
        with self._views_lock:
            cached = self._views.get(session_id)
            if cached is not None and cached.version >= version:
                return
            # Noted even with no copy in memory: a read already under way may bring an older one.
            self._newer[session_id] = max(version, self._newer.get(session_id, 0))

    def newer(self, session_id: str) -> int:
        """The latest version another instance is known to have committed that this one has not read (or 0)."""
        return self._newer.get(session_id, 0)

    def forget(self, session_id: str) -> None:
        with self._views_lock:
            self._views.pop(session_id, None)
            self._newer.pop(session_id, None)

    def known(self) -> list[str]:
        """Every session held in memory or noted as behind (so that a catch-up also forgets those that are gone)."""
        with self._views_lock:
            return list(self._views.keys() | self._newer.keys())

    def refresh(self, session_id: str, version: int | None = None) -> SessionView | None:
        """Read a session again when another instance says it moved on: the newer view, or None (gone, or not newer)."""
        cached = self._views.get(session_id)
        if cached is not None and version is not None and cached.version >= version:
            return None
        try:
            fresh = self.store.get(session_id)
        except UnscSimError:
            self.forget(session_id)
            return None
        return fresh if self.remember(fresh) is fresh else None

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
        future: concurrent.futures.Future[SessionView] = concurrent.futures.Future()
        operation.future = future
        self.start()
        self._queue.put(operation)
        return future

    def run(self, operation: Operation) -> SessionView:
        """Submit and wait (from a worker thread, never from the event loop)."""
        return self.submit(operation).result()

    async def run_async(self, operation: Operation) -> SessionView:
        """Submit and await without blocking the event loop (nor waking it more than once per batch)."""
        future: asyncio.Future[SessionView] = asyncio.get_running_loop().create_future()
        operation.future = future
        self.start()
        self._queue.put(operation)
        return await future

    # The thread

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                self._disconnect()
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
                _answer(batch, [Unavailable(f"the change was not saved: {error}") for _ in batch])

    def _process(self, batch: list[Operation]) -> None:
        for _ in range(MAX_RETRIES):
            try:
                results, latest = self._attempt(batch)
            except Stale as stale:
                for session_id in stale.session_ids:
                    self.forget(session_id)
                continue
            except SQLAlchemyError as error:
                self._disconnect()  # the next batch starts on a fresh connection
                self._fail(batch, error)
                return
            for view in latest.values():
                self.remember(view)
            self.batches += 1
            self.operations += len(batch)
            # Published before the callers are answered: the event loop then sends the new versions to
            # every listener before it resumes the callers (whose answers may take long to render).
            try:
                if latest:
                    self.on_commit(list(latest.values()))
            finally:
                _answer(batch, results)
            return
        self._fail(batch, RuntimeError("the session kept changing under this change; try again"))

    def _fail(self, batch: list[Operation], error: BaseException) -> None:
        log.error("a batch of %d change(s) was not saved: %s", len(batch), error)
        for operation in batch:
            self.forget(operation.session_id)
        _answer(batch, [disk_full(error) if is_disk_full(error) else Unavailable(_explain(error)) for _ in batch])

    def _attempt(self, batch: list[Operation]) -> tuple[list[Result], dict[str, SessionView]]:
        at = now()
        latest: dict[str, SessionView] = {}
        changes: dict[str, list[Change]] = {}
        conn = self._connection()
        with conn.begin():
            bases = self._current(conn, batch)
            results = [self._apply(conn, operation, bases, latest, changes) for operation in batch]
            if changes:
                self.store.write(conn, [(bases[session_id], done) for session_id, done in changes.items()], at)
        return results, latest

    def _connection(self) -> Connection:
        """The writer's connection: opened once, not checked out of the pool and back for every batch."""
        if self._conn is None:
            self._conn = writing(self.store.engine)
        return self._conn

    def _disconnect(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(SQLAlchemyError):
                self._conn.close()
            self._conn = None

    def _current(self, conn: Connection, batch: list[Operation]) -> dict[str, SessionView]:
        """Every existing session the batch changes, as committed, its row locked until the transaction ends.

        The rows are locked first (PostgreSQL; SQLite's writer holds the whole database), all in one statement:
        another instance's change either committed before, and is read now, or waits for this batch. A session
        whose version is the one in memory is not read again.
        """
        touched = sorted({operation.session_id for operation in batch if operation.created is None})
        current: dict[str, SessionView] = {}
        moved: list[str] = []
        for session_id, version in self.store.lock_many(conn, touched).items():
            cached = self._views.get(session_id)
            if cached is not None and cached.version == version:
                current[session_id] = cached
            else:
                moved.append(session_id)
        current.update(self.store.load_many(conn, moved))  # all read at once: under their row locks, so as they are
        return current

    def _apply(
        self,
        conn: Connection,
        operation: Operation,
        bases: dict[str, SessionView],
        latest: dict[str, SessionView],
        changes: dict[str, list[Change]],
    ) -> Result:
        session_id = operation.session_id
        if operation.created is not None:
            view, actor, detail = operation.created
            if self.store.join_code_taken(conn, view.join_code):
                return JoinCodeTaken()
            self.store.insert(conn, view, actor, detail)
            bases[session_id] = latest[session_id] = view
            return view
        assert operation.decide is not None
        current = latest.get(session_id) or bases.get(session_id)
        if current is None:
            return NotFound("no such session (it may have ended and expired)")
        try:
            change = operation.decide(current)
        except UnscSimError as refused:
            return refused
        latest[session_id] = change.view
        changes.setdefault(session_id, []).append(change)
        return change.view


def _answer(batch: Sequence[Operation], results: Sequence[Result]) -> None:
    """Give each operation its result: a waiting thread at once, each event loop all of its answers in one call."""
    loops: dict[asyncio.AbstractEventLoop, list[tuple[asyncio.Future[SessionView], Result]]] = {}
    for operation, result in zip(batch, results, strict=True):
        future = operation.future
        if isinstance(future, asyncio.Future):
            loops.setdefault(future.get_loop(), []).append((future, result))
        elif future is not None:
            _resolve(future, result)
    for loop, answers in loops.items():
        with contextlib.suppress(RuntimeError):  # the loop has closed: nobody is waiting any more
            loop.call_soon_threadsafe(_settle, answers)


def _settle(answers: list[tuple[asyncio.Future[SessionView], Result]]) -> None:
    """On the event loop: resolve each future its caller still awaits."""
    for future, result in answers:
        _resolve(future, result)


def _resolve(future: Answer, result: Result) -> None:
    """Give ``future`` its result, unless its caller gave up waiting (cancelled it)."""
    with contextlib.suppress(asyncio.InvalidStateError, concurrent.futures.InvalidStateError):
        if isinstance(result, BaseException):
            future.set_exception(result)
        else:
            future.set_result(result)


class JoinCodeTaken(UnscSimError):
    """Two sessions drew the same join code: the service draws another."""


def _explain(error: BaseException) -> str:
    text = str(getattr(error, "orig", error) or error)
    if "full" in text.lower():
        return "the disk is full: the change was not saved; free some space and try again"
    return f"the database cannot take this change right now ({text.splitlines()[0] if text else 'unknown error'}); try again"
