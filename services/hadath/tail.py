"""`hadath tail`: print a topic's messages as JSON lines, from the beginning."""

from __future__ import annotations

import sys

import orjson
from aiokafka import AIOKafkaConsumer

from hadath.config import Settings
from hadath.kafka import header_dict


def render(record) -> str:
    try:
        value = orjson.loads(record.value)
    except orjson.JSONDecodeError:
        value = record.value.decode("utf-8", "replace") if record.value else None
    headers = header_dict(record.headers)
    if headers:
        return orjson.dumps({"headers": headers, "value": value}).decode()
    return orjson.dumps(value).decode()


async def tail_topic(settings: Settings, topic: str, limit: int | None, follow: bool) -> int:
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=settings.bootstrap, group_id=None,
                                auto_offset_reset="earliest", enable_auto_commit=False)
    await consumer.start()
    shown = 0
    try:
        while limit is None or shown < limit:
            batch = await consumer.getmany(timeout_ms=2000)
            if not batch and not follow:
                break
            for messages in batch.values():
                for record in messages:
                    sys.stdout.write(render(record) + "\n")
                    shown += 1
                    if limit is not None and shown >= limit:
                        break
            sys.stdout.flush()
    finally:
        await consumer.stop()
    return shown
