"""The broker: every listener hears each new version; a stuck listener is dropped, never waited for."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from app.live import QUEUE_SIZE, Broker, Payloads


def run(coroutine: Coroutine[Any, Any, None]) -> None:
    """asyncio.run on a thread of its own: the browser tests' Playwright keeps a loop on the main thread."""
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, coroutine).result()


def payload(version: int) -> Payloads:
    return Payloads(version, f"public {version}", f"instructor {version}")


def test_publish_reaches_each_listener_with_its_audience() -> None:
    async def scenario() -> None:
        broker = Broker()
        broker.bind(asyncio.get_running_loop())
        student = broker.subscribe("s", instructor=False)
        teacher = broker.subscribe("s", instructor=True)
        other = broker.subscribe("t", instructor=False)
        broker.publish("s", payload(2))
        assert student.payload(await student.queue.get()) == "public 2"
        assert teacher.payload(await teacher.queue.get()) == "instructor 2"
        assert other.queue.empty()

    run(scenario())


def test_an_older_version_is_never_sent_after_a_newer_one() -> None:
    async def scenario() -> None:
        broker = Broker()
        broker.bind(asyncio.get_running_loop())
        listener = broker.subscribe("s", instructor=False)
        broker.publish("s", payload(5))
        broker.publish("s", payload(4))
        assert (await listener.queue.get()).version == 5
        assert listener.queue.empty()
        assert broker.latest("s").version == 5  # type: ignore[union-attr]

    run(scenario())


def test_a_listener_that_stops_reading_is_dropped_and_others_carry_on() -> None:
    async def scenario() -> None:
        broker = Broker()
        broker.bind(asyncio.get_running_loop())
        stuck = broker.subscribe("s", instructor=False)
        reader = broker.subscribe("s", instructor=False)
        for version in range(2, QUEUE_SIZE + 4):
            broker.publish("s", payload(version))
            assert (await reader.queue.get()).version == version
        assert stuck.dropped and broker.dropped == 1
        assert await stuck.queue.get() is None  # its stream wakes up and ends
        assert broker.count("s") == 1

    run(scenario())


def test_publishing_from_another_thread_is_safe() -> None:
    async def scenario() -> None:
        broker = Broker()
        broker.bind(asyncio.get_running_loop())
        listener = broker.subscribe("s", instructor=False)
        await asyncio.to_thread(broker.publish, "s", payload(9))
        assert (await asyncio.wait_for(listener.queue.get(), 2)).version == 9

    run(scenario())


def test_an_expired_session_is_forgotten() -> None:
    broker = Broker()
    broker.publish("s", payload(3))
    assert broker.latest("s") is not None
    broker.forget("s")
    assert broker.latest("s") is None
