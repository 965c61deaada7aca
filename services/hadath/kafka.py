"""Kafka plumbing shared by every role: topics, producers and dead letters."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timezone
from typing import Iterable, Sequence

from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from hadath.config import Settings

log = logging.getLogger(__name__)

Headers = Sequence[tuple[str, bytes]]

DLQ_REASON = "hadath.dlq.reason"
DLQ_DETAIL = "hadath.dlq.detail"
DLQ_ORIGIN = "hadath.dlq.origin"
DLQ_AT = "hadath.dlq.at"


def dead_letter_headers(original: Iterable[tuple[str, bytes]] | dict | None, reason: str, detail: str,
                        origin: str) -> list[tuple[str, bytes]]:
    """The original headers plus why and where from, so nothing about the message is lost."""
    items = list(original.items()) if isinstance(original, dict) else list(original or [])
    kept = [(k, v if isinstance(v, bytes) else str(v).encode()) for k, v in items]
    return kept + [
        (DLQ_REASON, reason.encode()),
        (DLQ_DETAIL, detail[:2000].encode()),
        (DLQ_ORIGIN, origin.encode()),
        (DLQ_AT, datetime.now(timezone.utc).isoformat().encode()),
    ]


def header_dict(headers: Iterable[tuple[str, bytes]] | None) -> dict[str, str]:
    return {k: v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v) for k, v in (headers or [])}


async def ensure_topics(settings: Settings, attempts: int = 30) -> None:
    """Create Hadath's topics if missing (with the configured partitions); waits for the broker."""
    topics = [settings.articles_topic, settings.events_topic, settings.articles_dlq_topic,
              settings.events_dlq_topic]
    for attempt in range(attempts):
        admin = AIOKafkaAdminClient(bootstrap_servers=settings.bootstrap)
        try:
            await admin.start()
            existing = set(await admin.list_topics())
            missing = [t for t in topics if t not in existing]
            if missing:
                try:
                    await admin.create_topics([NewTopic(t, settings.partitions, settings.replication_factor)
                                               for t in missing])
                except TopicAlreadyExistsError:
                    pass
                log.info("created topics %s", ", ".join(missing))
            return
        except Exception as exc:  # noqa: BLE001 - the broker may still be starting
            if attempt == attempts - 1:
                raise ConnectionError(f"cannot reach Kafka at {settings.brokers}: {exc}") from exc
            await asyncio.sleep(1)
        finally:
            await admin.close()


def make_producer(settings: Settings, **options) -> AIOKafkaProducer:
    # acks=all: a sent article or event survives a broker failover.
    return AIOKafkaProducer(bootstrap_servers=settings.bootstrap, acks="all", linger_ms=5, **options)


async def committed_offsets(settings: Settings, group: str, topic: str) -> dict[int, int]:
    """The group's committed offset of each partition of `topic` (absent: nothing committed).

    Read through a consumer that never joins the group: tansu answers the admin
    client's OffsetFetch in a form aiokafka cannot decode.
    """
    from aiokafka import AIOKafkaConsumer, TopicPartition

    consumer = AIOKafkaConsumer(bootstrap_servers=settings.bootstrap, group_id=group, enable_auto_commit=False)
    await consumer.start()
    try:
        await consumer.topics()  # loads the cluster metadata
        out = {}
        for partition in sorted(consumer.partitions_for_topic(topic) or ()):
            offset = await consumer.committed(TopicPartition(topic, partition))
            if offset is not None and offset >= 0:
                out[partition] = offset
        return out
    finally:
        await consumer.stop()


async def read_topic(settings: Settings, topic: str, idle_s: float = 2.0, limit: int | None = None):
    """Every record of a topic from the start, until nothing new arrives for `idle_s`.

    No consumer group and no end offsets: tansu's ListOffsets "latest" is not reliable.
    """
    from aiokafka import AIOKafkaConsumer

    consumer = AIOKafkaConsumer(topic, bootstrap_servers=settings.bootstrap, group_id=None,
                                enable_auto_commit=False, auto_offset_reset="earliest")
    await consumer.start()
    records = []
    try:
        while limit is None or len(records) < limit:
            batch = await consumer.getmany(timeout_ms=int(idle_s * 1000))
            if not batch:
                break
            for messages in batch.values():
                records.extend(messages)
    finally:
        await consumer.stop()
    return records[:limit] if limit else records
