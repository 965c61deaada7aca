"""`hadath tail`: print a topic's messages as JSON lines, from the beginning."""

from __future__ import annotations

import sys

import orjson

from hadath.config import Settings
from hadath.kafka import header_dict, records_from_start


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
    shown = 0
    async for record in records_from_start(settings, topic, follow=follow):
        sys.stdout.write(render(record) + "\n")
        sys.stdout.flush()
        shown += 1
        if limit is not None and shown >= limit:
            break
    return shown
