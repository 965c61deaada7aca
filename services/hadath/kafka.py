"""Kafka plumbing shared by every role: topics, producers, dead letters and reading a topic."""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import AsyncIterator, Iterable, Sequence

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaError, TopicAlreadyExistsError
from aiokafka.structs import ConsumerRecord

from hadath.config import Settings

log = logging.getLogger(__name__)

Headers = Sequence[tuple[str, bytes]]

DLQ_REASON = "hadath.dlq.reason"
DLQ_DETAIL = "hadath.dlq.detail"
DLQ_ORIGIN = "hadath.dlq.origin"
DLQ_AT = "hadath.dlq.at"
DLQ_CUT = "hadath.dlq.cut"
DLQ_ORIGINAL_BYTES = "hadath.dlq.original_bytes"

# What a dead letter may spend besides the value: its own headers and the record framing.
ENVELOPE_BYTES = 8_192
# The original headers and key kept in a dead letter: enough for every real header; a message
# whose headers are the poison must not make its dead letter too big to send.
HEADERS_BUDGET = 65_536
KEY_BUDGET = 1_024

# A worker's exit code when the broker lost the log it was reading: it committed the log's
# beginning, and a supervisor restarts it from there (faust cannot seek back a live stream).
EXIT_LOG_LOST = 75


@dataclass(frozen=True)
class DeadLetter:
    """What goes to a dead-letter topic: the original key, value and headers, plus why and where
    from, so nothing about the message is lost."""

    key: bytes | None
    value: bytes | None
    headers: list[tuple[str, bytes]]


def dead_letter(key: bytes | None, value: bytes | None, headers: Iterable[tuple[str, bytes]] | dict | None,
                reason: str, detail: str, origin: str, max_bytes: int) -> DeadLetter:
    """A dead letter that fits in `max_bytes`: the original key, value and headers, cut (and
    marked so in `hadath.dlq.cut`) where the original is too big to travel whole."""
    log.warning("dead letter %s (%s): %s", origin, reason, detail[:300])
    items = list(headers.items()) if isinstance(headers, dict) else list(headers or [])
    kept, cut, spent = [], [], 0
    for k, v in items:
        v = v if isinstance(v, bytes) else str(v).encode()
        spent += len(k.encode()) + len(v)
        if spent > HEADERS_BUDGET:
            cut.append("headers")
            break
        kept.append((k, v))
    if key is not None and len(key) > KEY_BUDGET:
        key, cut = key[:KEY_BUDGET], cut + ["key"]
    room = max_bytes - ENVELOPE_BYTES - sum(len(k) + len(v) for k, v in kept) - len(key or b"")
    original = len(value or b"")
    if value is not None and original > room:
        value, cut = value[:room], cut + ["value"]
    marks = [(DLQ_CUT, ",".join(cut).encode()), (DLQ_ORIGINAL_BYTES, str(original).encode())] if cut else []
    return DeadLetter(key, value, kept + [
        (DLQ_REASON, reason.encode()),
        (DLQ_DETAIL, detail[:2000].encode()),
        (DLQ_ORIGIN, origin.encode()),
        (DLQ_AT, datetime.now(timezone.utc).isoformat().encode()),
        *marks,
    ])


def header_dict(headers: Iterable[tuple[str, bytes]] | None) -> dict[str, str]:
    return {k: v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v) for k, v in (headers or [])}


def client_options(settings: Settings) -> dict:
    """aiokafka's connection settings (TLS, SASL) for every client Hadath makes."""
    options: dict = {"security_protocol": settings.kafka_security_protocol}
    if settings.kafka_security_protocol in ("SSL", "SASL_SSL"):
        from aiokafka.helpers import create_ssl_context

        options["ssl_context"] = create_ssl_context(
            cafile=str(settings.kafka_ssl_cafile) if settings.kafka_ssl_cafile else None)
    if settings.kafka_security_protocol.startswith("SASL"):
        password = settings.kafka_sasl_password
        options.update(sasl_mechanism=settings.kafka_sasl_mechanism,
                       sasl_plain_username=settings.kafka_sasl_username,
                       sasl_plain_password=password.get_secret_value() if password else None)
    return options


async def ensure_topics(settings: Settings, attempts: int = 30) -> None:
    """Create Hadath's topics if missing (with the configured partitions); waits for the broker."""
    for attempt in range(attempts):
        admin = AIOKafkaAdminClient(bootstrap_servers=settings.bootstrap, **client_options(settings))
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
    return AIOKafkaProducer(bootstrap_servers=settings.bootstrap, acks="all", linger_ms=5,
                            max_request_size=settings.max_message_bytes, **client_options(settings), **options)


async def committed_offsets(settings: Settings, group: str, topic: str) -> dict[int, int]:
    """The group's committed offset of each partition of `topic` (absent: nothing committed).

    Read through a consumer that never joins the group: tansu answers the admin
    client's OffsetFetch in a form aiokafka cannot decode.
    """
    consumer = AIOKafkaConsumer(bootstrap_servers=settings.bootstrap, group_id=group, enable_auto_commit=False,
                                **client_options(settings))
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


class LogWatch:
    """Notices that the broker lost a log we were reading (a restart with memory storage, a
    topic deleted and made again). Offsets then start again at 0, and a consumer that goes on
    from its old position silently skips what is published below it. We remember the last
    record read from each partition; when the broker no longer holds that record at that
    offset (the log ends before it, or another record sits there), the log was lost."""

    def __init__(self, settings: Settings, interval_s: float = 5.0):
        self.settings = settings
        self.interval_s = interval_s
        self.last: dict[TopicPartition, tuple[int, bytes | None, int]] = {}
        self.checked_at = 0.0

    def read(self, topic: str, partition: int, offset: int, key: bytes | None, timestamp: int) -> None:
        tp = TopicPartition(topic, partition)
        if offset >= self.last.get(tp, (-1,))[0]:
            self.last[tp] = (offset, key, timestamp)

    def due(self) -> bool:
        return time.monotonic() - self.checked_at >= self.interval_s

    async def lost(self) -> list[TopicPartition]:
        """The partitions whose log the broker lost since we read them (forgotten here)."""
        self.checked_at = time.monotonic()
        if not self.last:
            return []
        consumer = AIOKafkaConsumer(bootstrap_servers=self.settings.bootstrap, group_id=None,
                                    enable_auto_commit=False, fetch_max_wait_ms=self.settings.fetch_max_wait_ms,
                                    **client_options(self.settings))
        try:
            await consumer.start()
            return await self._lost(consumer)
        except (KafkaError, OSError) as exc:  # the broker is away: nothing to compare with yet
            log.warning("cannot check the logs we read: %s", exc)
            return []
        finally:
            await consumer.stop()

    async def _lost(self, consumer: AIOKafkaConsumer) -> list[TopicPartition]:
        remembered = dict(self.last)
        consumer.assign(list(remembered))
        for tp, (offset, _, _) in remembered.items():
            consumer.seek(tp, offset)
        found: dict[TopicPartition, tuple[bytes | None, int]] = {}
        deadline = time.monotonic() + max(2.0, 5 * self.settings.fetch_max_wait_ms / 1000)
        while time.monotonic() < deadline and not all(consumer.highwater(tp) is not None for tp in remembered):
            for tp, records in (await consumer.getmany(timeout_ms=self.settings.fetch_max_wait_ms,
                                                       max_records=len(remembered))).items():
                # Only a record at the very offset tells: a later one means ours was compacted
                # or aged out (retention), which loses nothing.
                if records and tp not in found and records[0].offset == remembered[tp][0]:
                    found[tp] = (records[0].key, records[0].timestamp)
        lost = []
        for tp, (offset, key, timestamp) in remembered.items():
            end = consumer.highwater(tp)
            if end is not None and (end <= offset or (tp in found and found[tp] != (key, timestamp))):
                lost.append(tp)
                self.last.pop(tp, None)
                log.error("%s/%d: the broker no longer holds the record we read at offset %d (log end %d): "
                          "it lost its log", tp.topic, tp.partition, offset, end)
        return lost


async def records_from_start(settings: Settings, topic: str, idle_s: float = 2.0,
                             follow: bool = False) -> AsyncIterator[ConsumerRecord]:
    """Every record of a topic from the start; stops once nothing new arrives for `idle_s`,
    unless `follow`. No consumer group and no end offsets: tansu's ListOffsets "latest" is not
    reliable."""
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=settings.bootstrap, group_id=None,
                                enable_auto_commit=False, auto_offset_reset="earliest", **client_options(settings))
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
