"""The sink: `hadath.events.v1` → the store, committing offsets only after the rows are committed.

No message can stop it: an event that fails validation, or that the database refuses, goes to
the dead-letter topic with its reason; a database that is down or restarting is waited for
(with backoff and a new connection), never dead-lettered; a commit refused after a broker
restart or rebalance only means the batch comes again, which the upserts make harmless; a log
the broker lost is read again from its beginning.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from typing import Awaitable, Callable, Sequence

from aiokafka import AIOKafkaConsumer
from aiokafka.errors import CommitFailedError, KafkaError

from hadath.config import Settings, masked
from hadath.kafka import LogWatch, client_options, dead_letter, ensure_topics, make_producer
from hadath.schemas import Event
from hadath.sink.store import Store, is_transient, open_store
from hadath.validation import InvalidMessage, decode_model

log = logging.getLogger(__name__)

BACKOFF_S = (1, 2, 5, 10, 30)

Refuse = Callable[[Event, str], Awaitable[None]]


async def retrying(action: Callable[[], object], store: Store | None, what: str) -> object:
    """`action()` in a thread, again and again while the database is unreachable."""
    attempt = 0
    while True:
        try:
            return await asyncio.to_thread(action)
        except Exception as exc:
            if not is_transient(exc):
                raise
            wait = BACKOFF_S[min(attempt, len(BACKOFF_S) - 1)]
            log.error("%s: the database is unreachable (%s); retrying in %ss", what, str(exc).strip()[:200], wait)
        await asyncio.sleep(wait)
        attempt += 1
        if store is not None:
            try:
                await asyncio.to_thread(store.reconnect)
            except Exception as exc:  # noqa: BLE001 - still down: the next round waits longer
                log.error("reconnecting failed: %s", str(exc).strip()[:200])


async def store_batch(store: Store, events: Sequence[Event], refuse: Refuse) -> int:
    """Write `events`; when the database refuses the batch for its data, write them one by one
    and hand each refused event to `refuse`. Returns how many were written."""
    try:
        return await retrying(lambda: store.upsert(events), store, "storing a batch")
    except Exception as exc:  # noqa: BLE001 - a data error: find the event(s) that caused it
        log.warning("the database refused a batch of %d events (%s); storing them one by one",
                    len(events), str(exc).strip()[:200])
    written = 0
    for event in events:
        try:
            written += await retrying(lambda e=event: store.upsert([e]), store, "storing an event")
        except Exception as exc:  # noqa: BLE001 - this event's data is what the database refuses
            await refuse(event, f"{type(exc).__name__}: {str(exc).strip()}")
    return written


async def run_sink(settings: Settings, stop: asyncio.Event | None = None, max_records: int = 500) -> None:
    stop = stop or asyncio.Event()
    store: Store = await retrying(lambda: open_store(settings.database_url), None, "opening the store")
    await ensure_topics(settings)
    consumer = AIOKafkaConsumer(
        settings.events_topic,
        bootstrap_servers=settings.bootstrap,
        group_id=settings.sink_group,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        session_timeout_ms=int(settings.session_timeout_s * 1000),
        heartbeat_interval_ms=int(settings.heartbeat_interval_s * 1000),
        fetch_max_wait_ms=settings.fetch_max_wait_ms,
        **client_options(settings),
    )
    producer = make_producer(settings)
    await producer.start()
    await consumer.start()
    watch = LogWatch(settings)
    log.info("sink consuming %s into %s", settings.events_topic, masked(store.url))
    try:
        while not stop.is_set():
            if watch.due() and (lost := {tp.topic for tp in await watch.lost()}):
                # A lost log is a lost topic (recreated, or the broker's whole memory).
                log.error("reading %s again from its beginning", ", ".join(sorted(lost)))
                await consumer.seek_to_beginning(*(tp for tp in consumer.assignment() if tp.topic in lost))
            batches = await consumer.getmany(timeout_ms=500, max_records=max_records)
            if not batches:
                continue
            events: list[Event] = []
            origins: dict[int, tuple] = {}
            dead = []

            async def send_dead(key, value, headers, reason: str, detail: str, origin: str) -> None:
                letter = dead_letter(key, value, headers, reason, detail, origin, settings.max_message_bytes)
                dead.append(await producer.send(settings.events_dlq_topic, key=letter.key,
                                                value=letter.value, headers=letter.headers))

            for tp, messages in batches.items():
                for message in messages:
                    watch.read(tp.topic, tp.partition, message.offset, message.key, message.timestamp)
                    origin = f"{tp.topic}/{tp.partition}/{message.offset}"
                    try:
                        event = decode_model(message.value, Event)
                    except InvalidMessage as exc:
                        await send_dead(message.key, message.value, message.headers, exc.reason, exc.detail, origin)
                        continue
                    events.append(event)
                    origins[id(event)] = (message.key, message.value, message.headers, origin)

            async def refuse(event: Event, detail: str) -> None:
                key, value, headers, origin = origins[id(event)]
                await send_dead(key, value, headers, "store", detail, origin)

            written = await store_batch(store, events, refuse)
            await asyncio.gather(*dead)
            # The rows are committed; only now may the offsets move (a crash before this line
            # redelivers the batch, and the upsert makes that harmless).
            try:
                await consumer.commit()
            except (CommitFailedError, KafkaError) as exc:
                log.warning("offsets not committed (%s): the batch will come again", exc)
            log.info("stored %d events (%d dead letters)", written, len(dead))
    finally:
        await consumer.stop()
        await producer.stop()
        store.close()


def main(settings: Settings) -> None:
    async def runner():
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await run_sink(settings, stop)

    asyncio.run(runner())
