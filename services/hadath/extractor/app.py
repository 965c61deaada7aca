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
from aiokafka.errors import KafkaError
from faust.types import TP

from hadath.config import Settings
from hadath.extractor.fetch_wait import App
from hadath.kafka import ENVELOPE_BYTES, EXIT_LOG_LOST, LogWatch, client_options, dead_letter
from hadath.pipeline.run import Pipeline, run_isolated
from hadath.schemas import Article
from hadath.validation import ArticleLimits, InvalidMessage, validate_article

log = logging.getLogger(__name__)

LOG_CHECK_INTERVAL_S = 10.0


def faust_credentials(settings: Settings) -> faust.types.auth.CredentialsT | None:
    """The Kafka TLS/SASL settings in faust's terms (aiokafka's are `client_options`)."""
    options = client_options(settings)
    if "sasl_mechanism" in options:
        return faust.SASLCredentials(username=options["sasl_plain_username"],
                                     password=options["sasl_plain_password"],
                                     mechanism=options["sasl_mechanism"], ssl_context=options.get("ssl_context"))
    if "ssl_context" in options:
        return faust.SSLCredentials(options["ssl_context"])
    return None


def create_app(settings: Settings, pipeline: Pipeline) -> faust.App:
    # faust keeps its state under the data dir and fails in a fresh directory without it.
    (settings.data_dir / "faust").mkdir(parents=True, exist_ok=True)
    app = App(
        settings.worker_group,
        fetch_max_wait_ms=settings.fetch_max_wait_ms,
        broker=[f"kafka://{b}" for b in settings.bootstrap],
        broker_credentials=faust_credentials(settings),
        producer_max_request_size=settings.max_message_bytes,
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
    watch = LogWatch(settings, LOG_CHECK_INTERVAL_S)
    lost: set = set()  # partitions whose log the broker lost, until their beginning is committed

    async def send_to_dlq(event: faust.EventT, reason: str, detail: str) -> asyncio.Future:
        m = event.message
        letter = dead_letter(m.key, m.value, m.headers, reason, detail, f"{m.topic}/{m.partition}/{m.offset}",
                             settings.max_message_bytes)
        return await dlq_topic.send(key=letter.key, value=letter.value, headers=letter.headers)

    async def handle(batch: Sequence[faust.EventT]) -> None:
        pending: list[asyncio.Future] = []
        valid: list[tuple[faust.EventT, Article]] = []
        for event in batch:
            m = event.message
            watch.read(m.topic, m.partition, m.offset, m.key, round((m.timestamp or 0) * 1000))  # faust: seconds
            try:
                valid.append((event, validate_article(m.value, limits)))
            except InvalidMessage as exc:
                pending.append(await send_to_dlq(event, exc.reason, exc.detail))
        if valid:
            outcomes = await asyncio.to_thread(run_isolated, pipeline, [a for _, a in valid])
            for (event, _), outcome in zip(valid, outcomes):
                if outcome.events is None:
                    pending.append(await send_to_dlq(event, "extraction", outcome.error or "failed"))
                    continue
                messages = [(ev.event_id.encode(), orjson.dumps(ev.model_dump(mode="json"))) for ev in outcome.events]
                too_big = max((len(k) + len(v) for k, v in messages), default=0)
                if too_big > settings.max_message_bytes - ENVELOPE_BYTES:
                    # Bounded inputs make this unreachable; were it reached, a send would fail
                    # and the batch crash-loop, so the article goes to the dead letters instead.
                    pending.append(await send_to_dlq(event, "oversized_output",
                                                     f"an event of {too_big} bytes, limit {settings.max_message_bytes}"))
                    continue
                for key, value in messages:
                    pending.append(await events_topic.send(key=key, value=value))
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

    @app.timer(LOG_CHECK_INTERVAL_S)
    async def check_log_not_lost():
        # faust goes on from its positions after the broker lost its log and never reads what
        # is published below them: a silent stall. It cannot seek a live stream back, so the
        # worker commits the log's beginning as the group's member and exits for a restart.
        lost.update(await watch.lost())
        if not lost:
            return
        # A lost log is a lost topic (recreated, or the broker's whole memory): every partition
        # of it that this worker owns starts again. Committed through faust's consumer thread,
        # which owns the group membership (and its own event loop).
        topics = {tp.topic for tp in lost}
        try:
            committed = await app.consumer._thread.commit(
                {TP(tp.topic, tp.partition): 0 for tp in app.consumer.assignment() if tp.topic in topics})
        except KafkaError as exc:
            committed = False
            log.warning("cannot commit the beginning of the lost logs yet: %s", exc)
        if not committed:  # the group is still settling after the restart: next round
            return
        log.critical("the broker lost the log of %s; exiting to read it again from its beginning",
                     ", ".join(sorted(topics)))
        os._exit(EXIT_LOG_LOST)

    return app
