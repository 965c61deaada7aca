"""The extractor worker: a faust app from `hadath.articles.v1` to `hadath.events.v1`.

The agent is thin: it decodes and checks each message, hands valid articles to
the extractor in batches (in a thread, so heartbeats keep flowing while the
model runs) and routes everything it cannot process to the dead-letter topic.
"""

from __future__ import annotations

import asyncio
import logging
import os
from typing import Sequence

import faust
import orjson

from hadath.config import Settings
from hadath.extractor.extraction import Extractor, extract_isolated
from hadath.extractor.transport import App
from hadath.kafka import dead_letter_headers
from hadath.schemas import Article
from hadath.validation import ArticleLimits, InvalidMessage, parse_article

log = logging.getLogger(__name__)


def create_app(settings: Settings, extractor: Extractor) -> faust.App:
    app = App(
        settings.worker_group,
        fetch_max_wait_ms=settings.fetch_max_wait_ms,
        broker=[f"kafka://{b}" for b in settings.bootstrap],
        processing_guarantee=settings.processing_guarantee,
        broker_session_timeout=settings.session_timeout_s,
        broker_heartbeat_interval=settings.heartbeat_interval_s,
        # One model batch can take long on a small CPU; do not lose the partition meanwhile.
        broker_max_poll_interval=600,
        topic_partitions=settings.partitions,
        topic_replication_factor=settings.replication_factor,
        web_enabled=settings.web_port is not None,
        web_port=settings.web_port or 6066,
        datadir=str(settings.data_dir / "faust"),
        consumer_auto_offset_reset="earliest",
    )
    raw = {"key_type": bytes, "value_type": bytes, "key_serializer": "raw", "value_serializer": "raw"}
    articles_topic = app.topic(settings.articles_topic, **raw)
    events_topic = app.topic(settings.events_topic, **raw)
    dlq_topic = app.topic(settings.articles_dlq_topic, **raw)
    limits = ArticleLimits(settings.max_body_chars, settings.min_arabic_ratio)

    async def dead_letter(event: faust.EventT, reason: str, detail: str) -> asyncio.Future:
        message = event.message
        origin = f"{message.topic}/{message.partition}/{message.offset}"
        log.warning("dead letter %s (%s): %s", origin, reason, detail[:300])
        return await dlq_topic.send(key=message.key, value=message.value,
                                    headers=dead_letter_headers(message.headers, reason, detail, origin))

    async def handle(batch: Sequence[faust.EventT]) -> None:
        pending: list[asyncio.Future] = []
        valid: list[tuple[faust.EventT, Article]] = []
        for event in batch:
            try:
                valid.append((event, parse_article(event.message.value, limits)))
            except InvalidMessage as exc:
                pending.append(await dead_letter(event, exc.reason, exc.detail))
        if valid:
            outcomes = await asyncio.to_thread(extract_isolated, extractor, [a for _, a in valid])
            for (event, _), outcome in zip(valid, outcomes):
                if outcome.events is None:
                    pending.append(await dead_letter(event, "extraction", outcome.error or "failed"))
                    continue
                for ev in outcome.events:
                    pending.append(await events_topic.send(
                        key=ev.event_id.encode(), value=orjson.dumps(ev.model_dump(mode="json"))))
        # At-least-once: the batch's offsets are acknowledged only after every output is on the broker.
        await asyncio.gather(*pending)
        log.info("processed %d messages (%d valid)", len(batch), len(valid))

    @app.agent(articles_topic, name="extract")
    async def extract(stream):
        async for batch in stream.take_events(settings.batch_size, within=settings.batch_timeout_s):
            try:
                await handle(batch)
            except Exception:
                # faust acknowledges a taken batch even when its handler fails; exiting before
                # that commit is what keeps the batch for redelivery (at-least-once).
                log.critical("cannot publish results of a batch; exiting for redelivery", exc_info=True)
                os._exit(70)

    return app
