"""The sink: `hadath.events.v1` → the store, committing offsets only after the rows are committed."""

from __future__ import annotations

import asyncio
import logging
import signal

from aiokafka import AIOKafkaConsumer

from hadath.config import Settings
from hadath.kafka import dead_letter, ensure_topics, make_producer
from hadath.schemas import Event
from hadath.sink.store import Store, open_store
from hadath.validation import InvalidMessage, decode_model

log = logging.getLogger(__name__)


async def run_sink(settings: Settings, stop: asyncio.Event | None = None, max_records: int = 500) -> None:
    stop = stop or asyncio.Event()
    store: Store = open_store(settings.database_url)
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
    )
    producer = make_producer(settings)
    await producer.start()
    await consumer.start()
    log.info("sink consuming %s into %s", settings.events_topic, store.url)
    try:
        while not stop.is_set():
            batches = await consumer.getmany(timeout_ms=500, max_records=max_records)
            if not batches:
                continue
            events: list[Event] = []
            dead = []
            for tp, messages in batches.items():
                for message in messages:
                    try:
                        events.append(decode_model(message.value, Event))
                    except InvalidMessage as exc:
                        letter = dead_letter(message.key, message.value, message.headers, exc.reason, exc.detail,
                                             f"{tp.topic}/{tp.partition}/{message.offset}")
                        dead.append(await producer.send(settings.events_dlq_topic, key=letter.key,
                                                        value=letter.value, headers=letter.headers))
            await asyncio.gather(*dead)
            written = await asyncio.to_thread(store.upsert, events)
            # The rows are committed; only now may the offsets move (a crash before this line
            # redelivers the batch, and the upsert makes that harmless).
            await consumer.commit()
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
