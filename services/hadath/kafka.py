"""Kafka plumbing shared by every role: topics, producers, dead letters and reading a topic."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import AsyncIterator, Iterable, Sequence

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError
from aiokafka.structs import ConsumerRecord

from hadath.config import Settings

log = logging.getLogger(__name__)

Headers = Sequence[tuple[str, bytes]]

DLQ_REASON = "hadath.dlq.reason"
DLQ_DETAIL = "hadath.dlq.detail"
DLQ_ORIGIN = "hadath.dlq.origin"
DLQ_AT = "hadath.dlq.at"


@dataclass(frozen=True)
class DeadLetter:
    """What goes to a dead-letter topic: the original key, value and headers, plus why and where
    from, so nothing about the message is lost."""

    key: bytes | None
    value: bytes | None
    headers: list[tuple[str, bytes]]


def dead_letter(key: bytes | None, value: bytes | None, headers: Iterable[tuple[str, bytes]] | dict | None,
                reason: str, detail: str, origin: str) -> DeadLetter:
    log.warning("dead letter %s (%s): %s", origin, reason, detail[:300])
    items = list(headers.items()) if isinstance(headers, dict) else list(headers or [])
    kept = [(k, v if isinstance(v, bytes) else str(v).encode()) for k, v in items]
    return DeadLetter(key, value, kept + [
        (DLQ_REASON, reason.encode()),
        (DLQ_DETAIL, detail[:2000].encode()),
        (DLQ_ORIGIN, origin.encode()),
        (DLQ_AT, datetime.now(timezone.utc).isoformat().encode()),
    ])


def header_dict(headers: Iterable[tuple[str, bytes]] | None) -> dict[str, str]:
    return {k: v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v) for k, v in (headers or [])}


async def ensure_topics(settings: Settings, attempts: int = 30) -> None:
    """Create Hadath's topics if missing (with the configured partitions); waits for the broker."""
    for attempt in range(attempts):
        admin = AIOKafkaAdminClient(bootstrap_servers=settings.bootstrap)
        try:
            await admin.start()
            existing = set(await admin.list_topics())
            missing = [t for t in settings.topics if t not in existing]
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


async def records_from_start(settings: Settings, topic: str, idle_s: float = 2.0,
                             follow: bool = False) -> AsyncIterator[ConsumerRecord]:
    """Every record of a topic from the start; stops once nothing new arrives for `idle_s`,
    unless `follow`. No consumer group and no end offsets: tansu's ListOffsets "latest" is not
    reliable."""
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=settings.bootstrap, group_id=None,
                                enable_auto_commit=False, auto_offset_reset="earliest")
    await consumer.start()
    try:
        while True:
            batch = await consumer.getmany(timeout_ms=int(idle_s * 1000))
            if not batch and not follow:
                return
            for messages in batch.values():
                for record in messages:
                    yield record
    finally:
        await consumer.stop()


async def read_topic(settings: Settings, topic: str, idle_s: float = 2.0) -> list[ConsumerRecord]:
    return [record async for record in records_from_start(settings, topic, idle_s)]
