"""The session store behind its service: transactions, versions, the audit log, concurrency and expiry."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, select

from app.domain.errors import Conflict, Forbidden, NotFound
from app.domain.meeting import PRESIDENT, Act, Deed, Phase
from app.domain.scenario import Scenario
from app.domain.session import Action, JoinMode, Place, Request, Role, SessionView, Status, apply
from app.domain.votes import Vote
from app.exports import result_json
from app.live import Broker
from app.scenarios import load_file
from app.sessions import SessionService
from app.store.database import make_engine, writing
from app.store.sessions import SessionStore, Stale, now, token_hash
from app.store.tables import seats
from tests.conftest import BUNDLED, run_async

SCENARIO = load_file(BUNDLED / "dprk-2019-meeting-not-held.yaml")


def service_over(engine: Engine) -> SessionService:
    """A service over ``engine`` as a fresh start of the server has it (nothing in memory); a broker with no loop
    only remembers."""
    return SessionService(SessionStore(engine), Broker(lambda _view, _audience, _memo: ""))


@pytest.fixture
def store(database_url: str) -> Iterator[SessionService]:
    """The service over a fresh store (SQLite, then PostgreSQL)."""
    engine = make_engine(database_url)
    service = service_over(engine)
    yield service
    service.close()
    engine.dispose()


def store_vote(service: SessionService, session_id: str, member: str, vote: Vote) -> SessionView:
    """The instructor's vote, from this thread."""
    return service.instructor_vote_sync(session_id, member, vote)


def opened(service: SessionService, scenario_id: str, scenario: Scenario) -> SessionView:
    """A demonstration session: the scenario's positions in, and voting opened."""
    created = service.create(scenario_id, scenario, from_positions=True)
    return service.control(created.id, Action.OPEN)


def test_a_session_starts_clean_and_keeps_its_own_copy_of_the_scenario(store: SessionService) -> None:
    session = store.create("dec", SCENARIO)
    assert session.version == 1 and session.status is Status.WAITING and session.voted == 0
    assert all(seat.vote is Vote.UNDECIDED for seat in session.seats)
    with pytest.raises(Conflict, match="not opened"):
        store_vote(store, session.id, "USA", Vote.YES)
    demonstration = store.create("dec", SCENARIO, from_positions=True)
    assert demonstration.votes == SCENARIO.starting_votes and demonstration.voted == 0  # positions are not votes cast
    assert session.scenario == SCENARIO
    assert [s.code for s in session.seats] == [m.code for m in SCENARIO.members]
    assert store.by_join_code(session.join_code).id == session.id


def test_claim_stores_only_a_hash_of_the_seat_token(store: SessionService) -> None:
    session = opened(store, "dec", SCENARIO)
    session, token = store.claim(session.id, "USA", "Alice")
    assert store.seat_for_token(session.id, token) == "USA"
    assert store.seat_for_token(session.id, token + "x") is None
    with store.store.engine.connect() as db:
        assert token not in str(db.execute(select(seats)).all())
    with pytest.raises(Conflict, match="already taken"):
        store.claim(session.id, "USA", "Bob")


def test_each_change_bumps_the_version_and_is_audited(store: SessionService) -> None:
    session = opened(store, "dec", SCENARIO)
    session, token = store.claim(session.id, "USA", "Alice")
    session, _ = store.student_vote_sync(session.id, token, Vote.YES, None)
    assert session.version == 4
    assert session.outcome.outcome.value == "adopted"
    assert session.seat("USA").voted_at is not None
    log = store.audit_log(session.id)
    assert [(e["action"], e["member"], e["actor"]) for e in log] == [
        ("create", None, "instructor"),
        ("open", None, "instructor"),
        ("claim", "USA", "student"),
        ("vote", "USA", "student:USA"),
    ]


def test_release_invalidates_the_token(store: SessionService) -> None:
    session = opened(store, "dec", SCENARIO)
    session, token = store.claim(session.id, "USA", None)
    store.release(session.id, "USA")
    assert store.seat_for_token(session.id, token) is None
    assert store.claim(session.id, "USA", "Bob")[0].seat("USA").holder == "Bob"


def test_closed_and_ended_sessions_refuse_votes(store: SessionService) -> None:
    session = opened(store, "dec", SCENARIO)
    store.control(session.id, Action.CLOSE)
    with pytest.raises(Conflict, match="closed"):
        store_vote(store, session.id, "USA", Vote.YES)
    store.control(session.id, Action.END)
    with pytest.raises(Conflict, match="ended"):
        store.control(session.id, Action.OPEN)


def test_reset_and_clear(store: SessionService) -> None:
    session = opened(store, "dec", SCENARIO)
    store_vote(store, session.id, "USA", Vote.YES)
    cleared = store.control(session.id, Action.CLEAR)
    assert all(s.vote is Vote.UNDECIDED for s in cleared.seats)
    reset = store.control(session.id, Action.RESET)
    assert reset.votes == SCENARIO.starting_votes


def test_forty_students_voting_at_once_lose_nothing(store: SessionService) -> None:
    big = load_file(BUNDLED / "council-2026.yaml")
    session = opened(store, "y", big)
    tokens = {}
    for seat in session.seats:
        tokens[seat.code] = store.claim(session.id, seat.code, None)[1]
    rounds = 3  # 45 transactions racing for the write lock, more than a class of 40
    barrier = threading.Barrier(len(tokens) * rounds)
    errors: list[BaseException] = []

    def vote(code: str, vote: Vote) -> None:
        try:
            barrier.wait()
            store.student_vote_sync(session.id, tokens[code], vote, None)
        except BaseException as error:
            errors.append(error)

    # Each seat's three votes differ, so whatever order they land in, none is a refused no-op.
    choices = (Vote.YES, Vote.NO, Vote.ABSTAIN)
    threads = [threading.Thread(target=vote, args=(c, choices[r])) for c in tokens for r in range(rounds)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    final = store.get(session.id)
    assert final.version == 2 + len(tokens) + rounds * len(tokens)  # create, open, claims, votes
    assert all(s.vote in choices for s in final.seats)
    assert len(store.audit_log(session.id)) == final.version


def test_purge_removes_ended_and_idle_sessions_only(store: SessionService) -> None:
    ended = opened(store, "a", SCENARIO)
    store.control(ended.id, Action.END)
    live = opened(store, "b", SCENARIO)
    now = dt.datetime.now(dt.UTC)
    hour = dt.timedelta(hours=1)
    assert store.purge(now, ended_ttl=hour, idle_ttl=hour) == []
    assert store.purge(now + dt.timedelta(seconds=1), ended_ttl=dt.timedelta(0), idle_ttl=hour) == [ended.id]
    with pytest.raises(NotFound):
        store.get(ended.id)
    assert store.get(live.id)
    assert store.purge(now + dt.timedelta(seconds=1), ended_ttl=hour, idle_ttl=dt.timedelta(0)) == [live.id]


def test_export_json_has_votes_times_outcome_and_audit(store: SessionService) -> None:
    import json

    session = opened(store, "dec", SCENARIO)
    session = store_vote(store, session.id, "USA", Vote.YES)
    data = json.loads(result_json(session, store.audit_log(session.id)))
    usa = next(d for d in data["delegations"] if d["code"] == "USA")
    assert usa["vote"] == "yes" and usa["cast_at"]
    assert data["outcome"]["outcome"] == "adopted"
    assert data["audit"][-1]["action"] == "vote"


def test_students_their_places_and_the_voter_survive_a_restart(database_url: str) -> None:
    """Everything seating decides is written: a restarted server knows every student, waiting, watching or blocked."""
    engine = make_engine(database_url)
    service = service_over(engine)
    session = opened(service, "dec", SCENARIO)
    service.set_seat_size(session.id, 2)
    ann = service.claim(session.id, "USA", "Ann", address="10.0.0.2")
    bob = service.claim(session.id, "USA", "Bob", address="10.0.0.3")
    service.set_join_mode(session.id, JoinMode.APPROVE)
    waiting = service.claim(session.id, "CHN", "Cai")
    watcher = service.observe(session.id, "Olu")
    mallory = service.claim(session.id, "FRA", "Mallory", address="10.0.0.66")
    view = service.get(session.id)
    bob_key = view.student_for_token_hash(token_of(bob.token)).key  # type: ignore[union-attr]
    service.hand_vote(session.id, ann.token, bob_key)
    mallory_key = view.student_for_token_hash(token_of(mallory.token)).key  # type: ignore[union-attr]
    service.seating(session.id, Action.BLOCK, mallory_key)
    service.student_vote_sync(session.id, bob.token, Vote.YES, None)
    before = service.get(session.id)
    service.close()
    engine.dispose()

    engine = make_engine(database_url)
    again = service_over(engine)
    try:
        after = again.get(session.id)
        assert after.students == before.students and after.seats == before.seats
        assert after.join_mode is JoinMode.APPROVE and after.seat_size == 2
        assert after.seat("USA").holder == "Bob" and after.seat("USA").vote is Vote.YES
        assert [s.place for s in after.students] == [
            Place.SEATED,
            Place.SEATED,
            Place.PENDING,
            Place.OBSERVER,
            Place.BLOCKED,
        ]
        assert again.seat_for_token(session.id, waiting.token) is None
        assert again.student_for_token(session.id, watcher.token).place is Place.OBSERVER  # type: ignore[union-attr]
        with pytest.raises(Forbidden, match="blocked"):
            again.claim(session.id, "GBR", None, address="10.0.0.66", per_address=2)
    finally:
        again.close()
        engine.dispose()


def token_of(token: str) -> str:
    return token_hash(token)


def test_a_meeting_session_replays_its_acts_after_a_restart(database_url: str) -> None:
    """A session on a meeting file stores its acts; a restarted server replays them to the same meeting."""
    meeting_file = load_file(BUNDLED / "class-meeting-2026.yaml")
    engine = make_engine(database_url)
    service = service_over(engine)
    session = service.create("class-meeting-2026", meeting_file)
    assert session.meeting is not None and session.meeting.phase is Phase.AGENDA
    service.control(session.id, Action.OPEN)
    chn = service.claim(session.id, "CHN", "Chen")
    service.meeting_act(session.id, Deed(Act.OBJECT, "ignored", now()), token=chn.token)
    service.meeting_act(session.id, Deed(Act.PUT, PRESIDENT, now()), instructor=True)
    for seat in session.seats[:10]:
        service.instructor_vote_sync(session.id, seat.code, Vote.YES)
    service.meeting_act(session.id, Deed(Act.CLOSE_VOTE, PRESIDENT, now()), instructor=True)
    before = service.get(session.id)
    assert before.meeting is not None and before.meeting.phase is Phase.INVITATIONS
    assert before.meeting.objectors == () and before.meeting.questions[0].outcome is not None
    service.close()
    engine.dispose()

    engine = make_engine(database_url)
    again = service_over(engine)
    try:
        after = again.get(session.id)
        assert after.deeds == before.deeds and after.meeting == before.meeting
        assert [e["action"] for e in again.audit_log(session.id)][-3:] == ["meeting", "meeting", "meeting"]
    finally:
        again.close()
        engine.dispose()


def test_several_sessions_read_at_once_are_each_as_read_alone(store: SessionService) -> None:
    """``load_many`` (a batch whose sessions another instance changed) gives each session exactly as ``load``."""
    meeting_file = load_file(BUNDLED / "class-meeting-2026.yaml")
    plain = opened(store, "dprk", SCENARIO)
    store.claim(plain.id, "USA", "Una")
    store_vote(store, plain.id, "FRA", Vote.NO)
    meeting = store.create("class-meeting-2026", meeting_file)
    store.control(meeting.id, Action.OPEN)
    chn = store.claim(meeting.id, "CHN", "Chen")
    store.meeting_act(meeting.id, Deed(Act.OBJECT, "ignored", now()), token=chn.token)
    empty = store.create("dprk", SCENARIO)
    ids = [meeting.id, "no-such-session", plain.id, empty.id, plain.id]
    fresh = SessionStore(store.store.engine)  # nothing in memory: every session is read from the tables
    with fresh.engine.connect() as conn:
        many = fresh.load_many(conn, ids)
        alone = {session_id: fresh.load(conn, session_id) for session_id in (meeting.id, plain.id, empty.id)}
        with pytest.raises(NotFound):
            fresh.load(conn, "no-such-session")
    assert many == alone
    assert many[plain.id].seat("FRA").vote is Vote.NO and many[plain.id].students[0].name == "Una"
    assert many[meeting.id].deeds and many[meeting.id].meeting == store.get(meeting.id).meeting
    assert many[empty.id].students == () and many[empty.id].deeds == ()


def test_a_batch_computed_on_an_older_version_is_refused_and_writes_nothing(store: SessionService) -> None:
    """The store's own guard, under the writer's row locks: if a session moved after a batch was computed (another
    instance wrote first), the batch is ``Stale`` and none of it is kept: no version, no seat, no audit row."""
    session, other = (store.control(store.create("dec", SCENARIO).id, Action.OPEN) for _ in range(2))  # undecided
    changed = [
        (view, [apply(view, Action.VOTE, Role.INSTRUCTOR, Request(member="USA", vote=Vote.NO), actor="a", at=now())])
        for view in (store.get(session.id), store.get(other.id))
    ]
    moved = store_vote(store, session.id, "FRA", Vote.YES)  # written first, "elsewhere"
    audited = len(store.audit_log(session.id))
    engine = store.store.engine
    with writing(engine) as conn, pytest.raises(Stale) as refused, conn.begin():
        store.store.write(conn, changed, now())
    # PostgreSQL names the session that moved; on SQLite (one writing process) the batch's sessions are all read again.
    assert refused.value.session_ids == ((session.id,) if store.store.postgres else (session.id, other.id))
    kept = SessionStore(engine)  # read from the tables, not from any memory
    with engine.connect() as conn:
        assert kept.load(conn, session.id) == moved and kept.load(conn, other.id).version == other.version
        assert kept.load(conn, other.id).seat("USA").vote is other.seat("USA").vote
    assert len(store.audit_log(session.id)) == audited and len(store.audit_log(other.id)) == other.version


def test_a_vote_on_a_session_not_in_memory_is_read_off_the_event_loop(database_url: str) -> None:
    """After a restart the first vote of a session reads it from the database: on a worker thread, so that the
    event loop serves everyone else meanwhile (a made-up session id too, which a script could send by the
    thousand)."""
    engine = make_engine(database_url)
    before = service_over(engine)
    session, token = before.claim(opened(before, "dec", SCENARIO).id, "USA", "Alice")
    before.close()
    after = service_over(engine)  # nothing in memory
    reads: list[int] = []
    read = after.store.get

    def get(session_id: str) -> SessionView:
        reads.append(threading.get_ident())
        return read(session_id)

    after.store.get = get  # type: ignore[method-assign]

    async def vote() -> tuple[int, SessionView, str]:
        view, member = await after.student_vote(session.id, token, Vote.NO, None)
        assert after.writer.holds(session.id)
        after.writer.behind(session.id, view.version + 1)  # word that another instance committed a later version
        assert not after.writer.holds(session.id)
        await after.student_vote(session.id, token, Vote.ABSTAIN, None)  # the token is found in the copy in memory
        with pytest.raises(NotFound):
            await after.student_vote("no-such-session", token, Vote.NO, None)
        return threading.get_ident(), view, member

    try:
        loop_thread, view, member = run_async(vote())
    finally:
        after.close()
        engine.dispose()
    assert member == "USA" and view.seat("USA").vote is Vote.NO
    assert len(reads) == 2 and loop_thread not in reads
