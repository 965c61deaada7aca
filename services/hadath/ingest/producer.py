"""Publish articles to `hadath.articles.v1` (key = article id): the Python producer API.

    async with ArticlePublisher(settings) as publisher:
        await publisher.publish({"id": "a1", "source": "x", "body": "..."})
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any, AsyncIterator, Callable, Iterable

import orjson
from aiokafka.errors import MessageSizeTooLargeError
from aiokafka.structs import RecordMetadata

from hadath.config import Settings
from hadath.ingest.readers import SourceRecord
from hadath.kafka import ensure_topics, make_producer
from hadath.schemas import Article
from hadath.validation import ArticleLimits, InvalidMessage, validate_article


@dataclass
class PublishReport:
    published: int = 0
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (origin, reason)
    last_offsets: dict[int, int] = field(default_factory=dict)  # partition -> offset

    def record(self, meta: RecordMetadata) -> None:
        self.published += 1
        self.last_offsets[meta.partition] = max(meta.offset, self.last_offsets.get(meta.partition, -1))


class ArticlePublisher:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.limits = ArticleLimits.of(settings)
        self.producer = None

    async def __aenter__(self) -> "ArticlePublisher":
        await ensure_topics(self.settings)  # fails with a clear error before a producer exists
        self.producer = make_producer(self.settings)
        await self.producer.start()
        return self

    async def __aexit__(self, *exc) -> None:
        await self.producer.stop()

    async def send_raw(self, key: bytes | None, value: bytes, headers: list[tuple[str, bytes]] | None = None):
        """Queue one message as-is; returns a future of its RecordMetadata."""
        return await self.producer.send(self.settings.articles_topic, value=value, key=key, headers=headers)

    async def publish(self, article: Article | dict[str, Any]):
        """Validate and queue one article, by the rules the worker applies; returns a future of
        its RecordMetadata. InvalidMessage says why an article would be dead-lettered."""
        if not isinstance(article, Article):
            article = validate_article(article, self.limits)
        value = orjson.dumps(article.model_dump(mode="json", exclude_none=True))
        return await self.send_raw(article.id.encode(), value)


async def publish_records(settings: Settings, records: Iterable[SourceRecord], rate: float | None = None,
                          validate: bool = True, on_sent: Callable[[], None] | None = None) -> PublishReport:
    """Publish records (optionally at `rate` per second); invalid ones are reported, not sent."""
    report = PublishReport()
    futures = []
    async with ArticlePublisher(settings) as publisher:
        async for record in _paced(records, rate):
            if validate:
                try:
                    futures.append(await publisher.publish(record.fields))
                except InvalidMessage as exc:
                    report.rejected.append((record.origin, f"{exc.reason}: {exc.detail}"))
                    continue
            else:
                key = str(record.fields.get("id", "")).encode() or None
                try:
                    futures.append(await publisher.send_raw(key, orjson.dumps(record.fields)))
                except MessageSizeTooLargeError as exc:
                    report.rejected.append((record.origin, f"oversized: {exc}"))
                    continue
            if on_sent:
                on_sent()
        for meta in await asyncio.gather(*futures):
            report.record(meta)
    return report


async def _paced(records: Iterable[SourceRecord], rate: float | None) -> AsyncIterator[SourceRecord]:
    started = time.monotonic()
    for n, record in enumerate(records):
        if rate:
            delay = started + n / rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
        yield record
