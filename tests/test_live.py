"""The broker: each audience hears each new version, rendered once; a stuck listener is dropped, never waited for."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable

from app.domain.session import SessionView
from app.live import INSTRUCTOR, PUBLIC, QUEUE_SIZE, Audience, Broker
from app.live import Listener as LiveListener
from tests.conftest import run_async
from tests.domain.test_session import view as make_view


class Renders:
    """A renderer that says who it drew for, and counts how often it was asked."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, int, Audience]] = []

    def __call__(self, view: SessionView, audience: Audience, _memo: dict[str, str]) -> str:
        self.calls.append((view.id, view.version, audience))
        return f"{audience[0]} {view.version}"


def at(version: int, session_id: str = "s") -> SessionView:
    return dataclasses.replace(make_view(), id=session_id, version=version)


async def next_item(listener: LiveListener) -> tuple[int, str]:
    item = await asyncio.wait_for(listener.queue.get(), 2)
    assert item is not None
    return item


def test_publish_reaches_each_listener_with_its_audience() -> None:
    async def scenario() -> None:
        broker = Broker(Renders())
        broker.bind(asyncio.get_running_loop())
        student = broker.subscribe("s", PUBLIC)
        teacher = broker.subscribe("s", INSTRUCTOR)
        other = broker.subscribe("t", PUBLIC)
        broker.publish(at(2))
        assert await next_item(student) == (2, "public 2")
        assert await next_item(teacher) == (2, "instructor 2")
        assert other.queue.empty()

    run_async(scenario())


def test_each_audience_is_rendered_once_per_version_however_many_listen() -> None:
    async def scenario() -> None:
        renders = Renders()
        broker = Broker(renders)
        broker.bind(asyncio.get_running_loop())
        listeners = [broker.subscribe("s", PUBLIC) for _ in range(50)]
        broker.publish(at(2))
        for listener in listeners:
            assert await next_item(listener) == (2, "public 2")
        assert renders.calls == [("s", 2, PUBLIC)]

    run_async(scenario())


def test_an_older_version_is_never_sent_after_a_newer_one() -> None:
    async def scenario() -> None:
        broker = Broker(Renders())
        broker.bind(asyncio.get_running_loop())
        listener = broker.subscribe("s", PUBLIC)
        broker.publish(at(5))
        broker.publish(at(4))
        assert (await next_item(listener))[0] == 5
        await asyncio.sleep(0.01)
        assert listener.queue.empty()
        assert broker.latest("s").version == 5  # type: ignore[union-attr]

    run_async(scenario())


def test_a_burst_of_versions_is_coalesced_into_the_latest() -> None:
    async def scenario() -> None:
        renders = Renders()
        broker = Broker(renders)
        broker.bind(asyncio.get_running_loop())
        listener = broker.subscribe("s", PUBLIC)
        for version in range(2, 12):
            broker.publish(at(version))
        assert await next_item(listener) == (11, "public 11")
        assert [call[1] for call in renders.calls] == [11]

    run_async(scenario())


def test_a_listener_that_stops_reading_is_dropped_and_others_carry_on() -> None:
    async def scenario() -> None:
        broker = Broker(Renders())
        broker.bind(asyncio.get_running_loop())
        stuck = broker.subscribe("s", PUBLIC)
        reader = broker.subscribe("s", PUBLIC)
        for version in range(2, QUEUE_SIZE + 4):
            broker.publish(at(version))
            assert (await next_item(reader))[0] == version
        assert stuck.dropped and broker.dropped == 1
        assert await stuck.queue.get() is None  # its stream wakes up and ends
        assert broker.count("s") == 1

    run_async(scenario())


def test_an_idle_stream_is_written_to_straight_and_a_busy_one_through_its_queue() -> None:
    async def scenario() -> None:
        broker = Broker(Renders())
        broker.bind(asyncio.get_running_loop())
        idle, busy, gone = (broker.subscribe("s", PUBLIC) for _ in range(3))
        written: dict[str, list[bytes]] = {}

        def writer(name: str, takes: bool) -> Callable[[bytes], bool]:
            def write(chunk: bytes) -> bool:
                written.setdefault(name, []).append(chunk)
                return takes

            return write

        idle.direct = writer("idle", True)
        gone.direct = writer("gone", False)  # the socket will not take it
        broker.publish(at(2))
        assert await next_item(busy) == (2, "public 2")
        assert written["idle"] == [b"id: 2\nevent: parts\ndata: public 2\n\n"] and idle.queue.empty()
        assert idle.last == 2
        assert await next_item(gone) == (2, "public 2")  # refused by its writer: queued for its stream instead
        assert gone.last == 0  # the stream itself moves it when it sends
        # The same encoded bytes for every listener of an audience; a version already written is not written again.
        other = broker.subscribe("s", PUBLIC)
        other.direct = writer("other", True)
        broker.publish(at(3))
        await asyncio.sleep(0)
        assert written["idle"][1] is written["other"][0]
        idle.last = 9
        broker.publish(at(4))
        await asyncio.sleep(0)
        assert len(written["idle"]) == 2 and len(written["other"]) == 2

    run_async(scenario())


def test_a_writer_that_fails_leaves_the_event_to_the_queue_and_the_others_their_writes() -> None:
    async def scenario() -> None:
        broker = Broker(Renders())
        broker.bind(asyncio.get_running_loop())
        broken, fine = broker.subscribe("s", PUBLIC), broker.subscribe("s", PUBLIC)
        taken: list[bytes] = []

        def fails(_chunk: bytes) -> bool:
            raise OSError("the socket went away")

        broken.direct = fails

        def takes(chunk: bytes) -> bool:
            taken.append(chunk)
            return True

        fine.direct = takes
        broker.publish(at(2))
        assert await next_item(broken) == (2, "public 2")
        assert len(taken) == 1 and fine.queue.empty() and fine.last == 2

    run_async(scenario())


def test_publishing_from_another_thread_is_safe() -> None:
    async def scenario() -> None:
        broker = Broker(Renders())
        broker.bind(asyncio.get_running_loop())
        listener = broker.subscribe("s", PUBLIC)
        await asyncio.to_thread(broker.publish, at(9))
        assert (await next_item(listener))[0] == 9

    run_async(scenario())


def test_an_expired_session_is_forgotten() -> None:
    broker = Broker(Renders())
    broker.publish(at(3))
    assert broker.latest("s") is not None
    broker.forget("s")
    assert broker.latest("s") is None
