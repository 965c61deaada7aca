"""The sink against a real PostgreSQL that refuses data or goes away: refused events are handed
to the dead letters one by one, the rest are stored, and a lost connection is waited out."""

from __future__ import annotations

import datetime as dt

import psycopg
import pytest

from hadath.config import load_settings, masked
from hadath.schemas import Event
from hadath.sink.consumer import store_batch
from hadath.sink.store import is_transient, open_store


def event(n: int, sentence: str = "جملة") -> Event:
    return Event.model_validate({
        "event_id": f"e{n}", "article_id": "a1", "event_type": "CONSULT", "status": "occurred",
        "actors": [{"text": "س", "type": "PER", "side": "source"}],
        "evidence": {"sentence": sentence, "start": 0, "end": len(sentence), "trigger": "ت"},
        "confidence": 0.5, "model": {}, "extracted_at": dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)})


async def test_events_the_database_refuses_are_refused_alone(postgres_url):
    store = open_store(postgres_url)
    # A rule of the operator's database that some events break (here: no evidence longer than 10).
    store.conn.execute("ALTER TABLE events ADD CONSTRAINT short_evidence CHECK (length(evidence_sentence) <= 10)")
    store.conn.commit()
    refused = []

    async def refuse(e, detail):
        refused.append((e.event_id, detail))

    events = [event(1), event(2, "طويلة " * 10), event(3)]
    try:
        assert await store_batch(store, events, refuse) == 2
        assert store.event_ids() == ["e1", "e3"]
    finally:
        store.close()
    assert [r[0] for r in refused] == ["e2"] and "short_evidence" in refused[0][1]


async def test_a_lost_connection_is_waited_out_and_the_batch_stored(postgres_url):
    store = open_store(postgres_url)
    pid = store.conn.info.backend_pid
    with psycopg.connect(postgres_url, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))

    async def refuse(e, detail):
        raise AssertionError(f"{e.event_id} refused for a lost connection: {detail}")

    try:
        assert await store_batch(store, [event(1), event(2)], refuse) == 2
        assert store.event_ids() == ["e1", "e2"]
        assert store.conn.info.backend_pid != pid  # a new connection
    finally:
        store.close()


def test_errors_are_told_apart():
    assert is_transient(psycopg.OperationalError("server closed the connection"))
    assert not is_transient(psycopg.errors.CheckViolation("new row violates check constraint"))
    assert not is_transient(ValueError("no"))


def test_events_with_nul_never_reach_the_store():
    with pytest.raises(ValueError):
        event(1, "a\x00b")


@pytest.mark.parametrize("url, shown", [
    ("postgresql://hadath:s3cr@t@db:5432/events", "postgresql://hadath:***@db:5432/events"),
    ("postgresql://db/events?user=u&password=p4ss", "postgresql://db/events?user=u&password=***"),
    ("sqlite:///hadath.db", "sqlite:///hadath.db"),
])
def test_passwords_are_masked(url, shown):
    assert masked(url) == shown


def test_kafka_secrets_are_not_printed():
    settings = load_settings(kafka_security_protocol="SASL_PLAINTEXT", kafka_sasl_username="u",
                             kafka_sasl_password="hunter2")
    assert "hunter2" not in repr(settings) and "hunter2" not in str(settings.model_dump())
