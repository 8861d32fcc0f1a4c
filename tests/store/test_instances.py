"""Several instances on one PostgreSQL database: no lost update, and every commit reaches every instance."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import psycopg
import pytest

from app.domain.errors import Forbidden
from app.domain.session import SessionView
from app.domain.votes import Vote
from app.live import PUBLIC, Broker
from app.scenarios import load_file
from app.sessions import SessionService
from app.store.database import make_engine
from app.store.notify import APPLICATION_NAME, libpq_url
from app.store.sessions import SessionStore
from tests.conftest import BUNDLED
from tests.store.test_sessions_store import opened, store_vote

COUNCIL = load_file(BUNDLED / "council-2026.yaml")


class Recorder(Broker):
    """A broker that notes each version it is asked to publish."""

    def __init__(self) -> None:
        super().__init__(lambda _view, _audience, _memo: "")
        self.seen: dict[str, int] = {}
        self.changed = threading.Condition()

    def publish(self, view: SessionView) -> None:
        with self.changed:
            self.seen[view.id] = max(self.seen.get(view.id, 0), view.version)
            self.changed.notify_all()

    def wait_for(self, session_id: str, version: int, timeout: float = 10) -> bool:
        with self.changed:
            return self.changed.wait_for(lambda: self.seen.get(session_id, 0) >= version, timeout)


@pytest.fixture
def instances(postgres_url: str) -> Iterator[list[SessionService]]:
    """Eight services, each with its own engine, writer and memory: eight instances of the server."""
    services = [SessionService(SessionStore(make_engine(postgres_url)), Recorder()) for _ in range(8)]
    yield services
    for service in services:
        service.close()
        service.store.engine.dispose()


def test_eight_writers_on_one_session_lose_no_update(instances: list[SessionService]) -> None:
    session = opened(instances[0], "council", COUNCIL)
    seats = [seat.code for seat in session.seats]
    barrier = threading.Barrier(len(instances))
    errors: list[BaseException] = []

    def write(index: int, service: SessionService) -> None:
        barrier.wait()
        for round_number in range(50):
            try:  # each writer flips its own delegation's vote, so no vote is a refused no-op
                store_vote(service, session.id, seats[index], (Vote.YES, Vote.NO)[round_number % 2])
            except BaseException as error:
                errors.append(error)

    threads = [threading.Thread(target=write, args=(i, s)) for i, s in enumerate(instances)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    final = instances[0].store.get(session.id)
    assert final.version == 2 + 400
    versions = [entry["version"] for entry in instances[0].audit_log(session.id)]
    assert sorted(versions) == list(range(1, 403))  # 400 votes, 400 distinct versions, after create and open
    assert all(final.seat(code).vote is Vote.NO for code in seats[:8])


def test_a_vote_on_one_instance_reaches_another_and_catches_up_after_the_link_drops(
    instances: list[SessionService],
) -> None:
    a, b = instances[0], instances[1]
    b.follow_other_instances()
    assert b.notifications is not None and b.notifications.connected.wait(10)
    session = opened(a, "council", COUNCIL)
    b.get(session.id)  # B holds the session in memory, and a page of it is open there
    b.broker.subscribe(session.id, PUBLIC)
    voted = store_vote(a, session.id, "USA", Vote.YES)
    recorder = b.broker
    assert isinstance(recorder, Recorder) and recorder.wait_for(session.id, voted.version)
    assert b.get(session.id).seat("USA").vote is Vote.YES

    # Cut B's notification link, vote on A while it is down: B must catch up when it reconnects.
    with psycopg.connect(libpq_url(a.store.engine).replace(APPLICATION_NAME, "test"), autocommit=True) as admin:
        killed = admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s AND datname = current_database()",
            (APPLICATION_NAME,),
        ).fetchall()
    assert killed
    missed = store_vote(a, session.id, "CHN", Vote.NO)
    assert recorder.wait_for(session.id, missed.version)
    assert b.get(session.id).seat("CHN").vote is Vote.NO
    deadline = time.monotonic() + 10
    while b.notifications.connections < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert b.notifications.connections >= 2


def test_an_instance_nobody_watches_a_session_on_reads_it_at_next_use_not_at_each_commit(
    instances: list[SessionService], monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = instances[0], instances[1]
    b.follow_other_instances()
    assert b.notifications is not None and b.notifications.connected.wait(10)
    session = opened(a, "council", COUNCIL)
    held = b.get(session.id)  # in B's memory (someone looked), but no page of it is open on B
    reads: list[str] = []
    load = b.store.get

    def counted(session_id: str) -> SessionView:
        reads.append(session_id)
        return load(session_id)

    monkeypatch.setattr(b.store, "get", counted)
    votes = [store_vote(a, session.id, code, Vote.YES) for code in ("USA", "CHN", "FRA")]
    deadline = time.monotonic() + 10
    while b.writer.newer(session.id) < votes[-1].version and time.monotonic() < deadline:
        time.sleep(0.02)
    assert reads == []  # three commits elsewhere, not one read here
    assert b.behind(session.id, held.version)
    latest = b.get(session.id)  # the next use reads it once, and is up to date
    assert reads == [session.id] and latest.version == votes[-1].version
    assert not b.behind(session.id, latest.version) and b.get(session.id) is latest
    assert isinstance(b.broker, Recorder) and session.id not in b.broker.seen  # nothing published to nobody


def test_a_student_seated_through_one_instance_votes_through_another_whose_copy_is_behind(
    instances: list[SessionService],
) -> None:
    """The vote path looks the token up in memory without reading the session again; a token it does not find
    there sends it to the database once, and the writer checks the token again on the state it commits to."""
    a, b = instances[0], instances[1]
    a.follow_other_instances()
    assert a.notifications is not None and a.notifications.connected.wait(10)
    session = opened(a, "council", COUNCIL)
    a.get(session.id)  # in A's memory, no page open on A
    usa = b.claim(session.id, "USA", "Una")  # joined through B: A's copy does not know the token
    fra = b.claim(session.id, "FRA", "Fran")
    deadline = time.monotonic() + 10
    while a.writer.newer(session.id) < fra.view.version and time.monotonic() < deadline:
        time.sleep(0.02)
    assert a.seat_for_token(session.id, usa.token) == "USA"  # not in the copy: read once, found
    view, member = a.student_vote_sync(session.id, usa.token, Vote.YES, None)
    assert member == "USA" and view.seat("USA").vote is Vote.YES

    # Released through B: A's copy may still seat the token, but the vote through A is refused as it is written.
    b.release(session.id, "FRA")
    deadline = time.monotonic() + 10
    while not a.behind(session.id, a.writer.view(session.id, latest=False).version) and time.monotonic() < deadline:
        time.sleep(0.02)
    with pytest.raises(Forbidden):
        a.student_vote_sync(session.id, fra.token, Vote.NO, None)
    assert a.get(session.id).seat("FRA").vote is not Vote.NO


def test_a_read_under_way_when_another_instance_commits_is_not_kept_as_the_latest(
    instances: list[SessionService],
) -> None:
    """B has no copy of the session and starts reading it; A commits and B is told before B's read lands: the
    older copy it then keeps is known to be behind, so no page or stream starts from it."""
    a, b = instances[0], instances[1]
    session = opened(a, "council", COUNCIL)
    under_way = b.store.get(session.id)  # B's read, begun before A's vote
    newer = store_vote(a, session.id, "USA", Vote.YES)
    b._changed_elsewhere(session.id, newer.version)  # the notification, with nothing in B's memory yet
    b.writer.remember(under_way)  # the read lands after it
    assert b.behind(session.id, under_way.version)  # what a stream opening now checks before its first event
    assert b.get(session.id).version == newer.version and not b.behind(session.id, newer.version)


def test_instances_share_one_rate_limit(postgres_url: str) -> None:
    from app.web.ratelimit import limiter

    engines = [make_engine(postgres_url) for _ in range(2)]
    try:
        a, b = (limiter(engine, capacity=3, per_minute=3, namespace="joins") for engine in engines)
        answers = [limiter_.retry_after("session-1") for limiter_ in (a, b, a, b)]
        assert answers[:3] == [0.0, 0.0, 0.0] and answers[3] > 0  # three in all, whichever instance is asked
        assert a.retry_after("session-2") == 0.0  # another key has its own bucket
    finally:
        for engine in engines:
            engine.dispose()
