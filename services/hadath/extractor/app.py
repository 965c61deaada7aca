"""The extractor worker: a faust app from `hadath.articles.v1` to `hadath.events.v1`.

The agent is thin: it validates each message, runs the extraction pipeline on
the valid articles in batches (in a thread, so heartbeats keep flowing while the
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
from hadath.extractor.fetch_wait import App
from hadath.kafka import dead_letter
from hadath.pipeline.run import Pipeline, run_isolated
from hadath.schemas import Article
from hadath.validation import ArticleLimits, InvalidMessage, validate_article

log = logging.getLogger(__name__)


def create_app(settings: Settings, pipeline: Pipeline) -> faust.App:
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
    limits = ArticleLimits.of(settings)

    async def send_to_dlq(event: faust.EventT, reason: str, detail: str) -> asyncio.Future:
        m = event.message
        letter = dead_letter(m.key, m.value, m.headers, reason, detail, f"{m.topic}/{m.partition}/{m.offset}")
        return await dlq_topic.send(key=letter.key, value=letter.value, headers=letter.headers)

    async def handle(batch: Sequence[faust.EventT]) -> None:
        pending: list[asyncio.Future] = []
        valid: list[tuple[faust.EventT, Article]] = []
        for event in batch:
            try:
                valid.append((event, validate_article(event.message.value, limits)))
            except InvalidMessage as exc:
                pending.append(await send_to_dlq(event, exc.reason, exc.detail))
        if valid:
            outcomes = await asyncio.to_thread(run_isolated, pipeline, [a for _, a in valid])
            for (event, _), outcome in zip(valid, outcomes):
                if outcome.events is None:
                    pending.append(await send_to_dlq(event, "extraction", outcome.error or "failed"))
                    continue
                for ev in outcome.events:
                    pending.append(await events_topic.send(
                        key=ev.event_id.encode(), value=orjson.dumps(ev.model_dump(mode="json"))))
        # At-least-once: the batch's offsets are acknowledged only after every output is on the broker.
        await asyncio.gather(*pending)
        log.info("processed %d messages (%d valid)", len(batch), len(valid))

    @app.agent(articles_topic, name="articles_to_events")
    async def articles_to_events(stream):
        async for batch in stream.take_events(settings.batch_size, within=settings.batch_timeout_s):
            try:
                await handle(batch)
            except Exception:
                # faust acknowledges a taken batch even when its handler fails; exiting before
                # that commit is what keeps the batch for redelivery (at-least-once).
                log.critical("cannot publish results of a batch; exiting for redelivery", exc_info=True)
                os._exit(70)

    return app
