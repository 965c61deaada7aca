"""`hadath status`: what the broker, the consumer groups and the store hold."""

from __future__ import annotations

from dataclasses import asdict

from aiokafka.admin import AIOKafkaAdminClient

from hadath.config import Settings, masked
from hadath.kafka import client_options, committed_offsets
from hadath.sink.store import open_store


async def gather_status(settings: Settings) -> dict:
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.bootstrap, **client_options(settings))
    try:
        await admin.start()
        existing = set(await admin.list_topics())
        described = await admin.describe_topics([n for n in settings.topics if n in existing])
    except Exception as exc:  # noqa: BLE001 - any failure here means the broker is unreachable
        raise ConnectionError(f"cannot reach Kafka at {settings.brokers}: {exc}") from exc
    finally:
        await admin.close()
    topics = {t["topic"]: {"partitions": len(t["partitions"])} for t in described}
    groups = {}
    for group, topic in ((settings.worker_group, settings.articles_topic), (settings.sink_group, settings.events_topic)):
        offsets = await committed_offsets(settings, group, topic)
        groups[group] = {f"{topic}/{partition}": offset for partition, offset in offsets.items()}
    try:
        store = open_store(settings.database_url)
        counts = asdict(store.counts())
        store.close()
    except Exception as exc:  # noqa: BLE001 - report, do not crash, when the store is unreachable
        counts = {"error": masked(str(exc))}
    return {"brokers": settings.brokers, "topics": topics, "consumer_groups": groups,
            "store": {"url": masked(settings.database_url), **counts}}
