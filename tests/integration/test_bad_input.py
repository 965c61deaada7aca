"""A battery of malformed and oversized messages, sent with an independent client (confluent-kafka)
into both input topics: each is dead-lettered exactly once with its reason, every valid article
around them is processed and stored, and neither the worker nor the sink ever exits."""

from __future__ import annotations

import asyncio

import orjson
import pytest
from confluent_kafka import Producer

from hadath.kafka import DLQ_CUT, DLQ_REASON, header_dict, read_topic
from hadath.sink.store import open_store
from hadath.tools.local import local_stack, wait_until_stored
from hadath.validation import validate_article
from tests.integration.conftest import lead_variants, wait_for

pytestmark = pytest.mark.integration

TIMEOUT = 300
MB = 1_000_000
ARABIC = "التقى وزير الخارجية السعودي نظيره المصري في القاهرة أمس. "


def article(n: int, **fields) -> bytes:
    return orjson.dumps({"id": f"bad-{n}", "source": "battery", "body": ARABIC, **fields})


def bad_articles() -> list[tuple[bytes | None, bytes | None, list, str]]:
    """(key, value, headers, the reason its dead letter must give)."""
    cases = [
        (b"{not json", "bad_json"), (b"[", "bad_json"), (b'{"id": "x",', "bad_json"),
        (b'{"a": 1}{"b": 2}', "bad_json"), (b'{"id": NaN}', "bad_json"), (b"\x00\x00\x00", "bad_json"),
        (b'{"id": "x", "source": "s", "body": "\xff"}', "decode"), (b"\xc3\x28", "decode"),
        ("نص".encode("utf-16"), "decode"),
        (b"", "empty"), (None, "empty"),
        (b"[1, 2]", "schema"), (b'"an article"', "schema"), (b"42", "schema"), (b"null", "schema"),
        (orjson.dumps({"source": "s", "body": ARABIC}), "schema"),
        (orjson.dumps({"id": "x", "body": ARABIC}), "schema"),
        (orjson.dumps({"id": "x", "source": "s"}), "schema"),
        (article(1, id=""), "schema"), (article(2, id="i" * 300), "schema"),
        (article(3, source="s" * 300), "schema"), (article(4, title="ع" * (2 * MB // 2)), "schema"),
        (article(5, url="http://x/" + "a" * 5000), "schema"), (article(6, language="ar" * 20), "schema"),
        (article(7, body=12), "schema"), (article(8, body=None), "schema"),
        (article(9, published_at="not a date"), "schema"), (article(10, fetched_at="yesterday"), "schema"),
        (article(11, extra="not an object"), "schema"), (article(12, id={"nested": 1}), "schema"),
        (article(13, body="\x00\x00"), "schema"),  # NULs dropped: nothing left
        (article(14, body="   \n\t "), "empty_body"),
        (article(15, body="Only English text here, sadly."), "not_arabic"),
        (article(16, body="只有中文的文章内容"), "not_arabic"), (article(17, body="12345 67890"), "not_arabic"),
        (article(18, body="רק טקסט בעברית כאן"), "not_arabic"), (article(19, body="😀 😀 😀"), "not_arabic"),
        (article(20, body="نص " * 100_000), "oversized"),
        (article(21, body="نص " * 900_000), "oversized"),  # 5 MB: its dead letter must be cut to fit
    ]
    out = [(f"k{n}".encode(), value, [("trace", f"t{n}".encode())], reason) for n, (value, reason) in enumerate(cases)]
    # 2 MB of headers on a bad message, and a 100 kB key: the dead letter keeps what fits.
    out.append((b"heavy-headers", b"{not json", [(f"h{i}", b"x" * 20_000) for i in range(100)], "bad_json"))
    out.append((b"K" * 100_000, b"{not json", [], "bad_json"))
    return out


def odd_but_valid() -> list[dict]:
    """Articles that look odd but are fine: processed, never dead-lettered."""
    leads = [r.fields for r in lead_variants(5)]
    return [
        {**leads[0], "id": "odd-year-one", "published_at": "0001-01-01T00:00:00Z"},
        {**leads[1], "id": "odd-year-9999", "published_at": "9999-12-31T23:59:59Z"},
        {**leads[2], "id": "odd-nul", "body": leads[2]["body"].replace(" ", " \x00", 3), "title": "عنوان\x00"},
        {**leads[3], "id": "odd-unknown-fields", "section": "سياسة", "tags": ["a", "b"]},
        {**leads[4], "id": "odd-long-title", "title": "ع" * 1000},
    ]


def bad_events() -> list[tuple[bytes | None, bytes | None, str]]:
    good = {"event_id": "e1", "article_id": "a1", "event_type": "CONSULT", "status": "occurred",
            "actors": [{"text": "x", "type": "PER", "side": "source"}],
            "evidence": {"sentence": "s", "start": 0, "end": 1, "trigger": "t"},
            "confidence": 0.5, "model": {}, "extracted_at": "2026-01-01T00:00:00Z"}
    cases = [
        (b"{not json", "bad_json"), (b"\xff\xfe", "decode"), (b"", "empty"), (None, "empty"), (b"[]", "schema"),
        (orjson.dumps({**good, "event_type": "PARTY"}), "schema"),
        (orjson.dumps({**good, "confidence": 2}), "schema"),
        (orjson.dumps({k: v for k, v in good.items() if k != "evidence"}), "schema"),
        (orjson.dumps({**good, "evidence": {**good["evidence"], "sentence": "a\x00b"}}), "schema"),
        (orjson.dumps({**good, "actors": [{"text": "x\x00", "type": "PER", "side": "source"}]}), "schema"),
        (orjson.dumps({**good, "event_id": "e" * 300}), "schema"),
        (orjson.dumps({**good, "date": "2026-13-45"}), "schema"),
    ]
    return [(f"ev{n}".encode(), value, reason) for n, (value, reason) in enumerate(cases)]


def produce(bootstrap: str, topic: str, messages: list[tuple[bytes | None, bytes | None, list]]) -> None:
    producer = Producer({"bootstrap.servers": bootstrap, "message.max.bytes": 10 * MB, "acks": "all"})
    failures = []
    for key, value, headers in messages:
        producer.produce(topic, value=value, key=key, headers=headers or None,
                         on_delivery=lambda err, msg: failures.append(err) if err else None)
        producer.poll(0)
    assert producer.flush(60) == 0 and not failures, failures


async def test_a_battery_of_bad_messages_is_dead_lettered_once_each_and_nothing_stops(work_dir, pipeline):
    bad = bad_articles()
    assert len(bad) >= 40
    valid = odd_but_valid() + [r.fields for r in lead_variants(8)[5:]]
    expected = {e.event_id for events in pipeline.events([validate_article(a) for a in valid]) for e in events}
    events_bad = bad_events()
    with local_stack(work_dir) as stack:
        s = stack.settings
        stack.start_worker()
        stack.start_sink()
        await asyncio.to_thread(produce, s.brokers, s.articles_topic,
                                [(k, v, h) for k, v, h, _ in bad] + [(a["id"].encode(), orjson.dumps(a), []) for a in valid])
        await asyncio.to_thread(produce, s.brokers, s.events_topic, [(k, v, []) for k, v, _ in events_bad])
        await wait_until_stored(stack, expected, TIMEOUT)

        async def all_dead_lettered():
            stack.check_alive()
            return len(await read_topic(s, s.articles_dlq_topic, idle_s=1.0)) >= len(bad) and \
                len(await read_topic(s, s.events_dlq_topic, idle_s=1.0)) >= len(events_bad)

        await wait_for(all_dead_lettered, TIMEOUT, "every bad message in a dead-letter topic")
        await asyncio.sleep(3)  # a second copy of any dead letter would arrive by now
        articles_dlq = await read_topic(s, s.articles_dlq_topic, idle_s=1.0)
        events_dlq = await read_topic(s, s.events_dlq_topic, idle_s=1.0)
        stack.check_alive()  # neither role ever exited
        assert stack.worker.poll() is None and stack.sink.poll() is None

    def reasons(records):
        got = {}
        for r in records:
            got.setdefault(r.key[:1024] if r.key else r.key, []).append(header_dict(r.headers)[DLQ_REASON])
        return got

    got = reasons(articles_dlq)
    for key, _, _, reason in bad:
        assert got.get(key[:1024]) == [reason], (key[:40], got.get(key[:1024]))
    assert len(articles_dlq) == len(bad)  # exactly once each; no valid article among them
    for r in articles_dlq:
        assert len(r.value or b"") + sum(len(v) for _, v in r.headers) < stack.settings.max_message_bytes
    cut = {r.key[:20]: header_dict(r.headers).get(DLQ_CUT) for r in articles_dlq}
    five_mb = next(k for k, v, _, _ in bad if v and len(v) > 4 * MB)
    assert cut[b"heavy-headers"] == "headers" and cut[b"K" * 20] == "key" and cut[five_mb] == "value"
    assert {r.key: header_dict(r.headers)["trace"] for r in articles_dlq if r.key == b"k0"} == {b"k0": "t0"}

    got = reasons(events_dlq)
    for key, _, reason in events_bad:
        assert got.get(key) == [reason], (key, got.get(key))
    assert len(events_dlq) == len(events_bad)

    store = open_store(stack.settings.database_url)
    try:
        stored = store.events(limit=10_000)
    finally:
        store.close()
    assert {e["event_id"] for e in stored} == expected
    assert not any("\x00" in orjson.dumps(e).decode() for e in stored)
