"""The whole pipeline on the embedded broker: worker and sink as real processes."""

from __future__ import annotations

import orjson
import pytest

from hadath.ingest.producer import ArticlePublisher, publish_records
from hadath.kafka import DLQ_REASON, header_dict
from hadath.sink.store import open_store
from hadath.tools.local import collect, local_stack
from hadath.tools.status import gather_status
from hadath.tools.tail import tail_topic
from tests.integration.conftest import seed_records

pytestmark = pytest.mark.integration

TIMEOUT = 300


@pytest.mark.parametrize("store_kind", ["sqlite", "postgres"])
async def test_seeds_flow_end_to_end(store_kind, work_dir, request):
    # PostgreSQL here trusts every login; the password is there to prove no output shows it.
    url = request.getfixturevalue("postgres_url").replace("postgres@", "postgres:s3cret@") \
        if store_kind == "postgres" else None
    with local_stack(work_dir, database_url=url) as stack:
        stack.start_worker()
        stack.start_sink()
        records = seed_records()
        report = await publish_records(stack.settings, records)
        result = await collect(stack, report.published, report.last_offsets, TIMEOUT)
        status = await gather_status(stack.settings)

    assert report.published == len(records) == 5
    s = stack.settings
    assert status["topics"][s.articles_topic]["partitions"] == s.partitions
    assert sum(status["consumer_groups"][s.worker_group].values()) == 5
    assert status["store"]["events"] == len({e["event_id"] for e in result.events})
    assert "s3cret" not in orjson.dumps(status).decode()
    assert "s3cret" not in (work_dir / "sink.log").read_text()
    assert result.dead_letters == []
    produced = {e["event_id"] for e in result.events}
    assert produced, "the seeds describe meetings; some events must come out"
    assert {e["article_id"] for e in result.events} <= {r.fields["id"] for r in records}
    store = open_store(result.store)
    try:
        assert set(store.event_ids()) == produced
        assert store.counts().events == len(produced)
    finally:
        store.close()


async def test_bad_input_lands_in_the_dead_letter_topic_and_valid_articles_pass(work_dir, capsys):
    good = seed_records()[:2]
    bad = [
        (b"k1", b"{not json", "bad_json"),
        (b"k2", orjson.dumps({"id": "x", "body": "نص"}), "schema"),
        (b"k3", orjson.dumps({"id": "x", "source": "s", "body": "  "}), "empty_body"),
        (b"k4", orjson.dumps({"id": "x", "source": "s", "body": "Only English text here, sadly."}), "not_arabic"),
        (b"k5", b'{"id": "x", "source": "s", "body": "\xff"}', "decode"),
        (b"k6", orjson.dumps({"id": "x", "source": "s", "body": "نص " * 100_000}), "oversized"),
        (None, b"", "empty"),
    ]
    with local_stack(work_dir) as stack:
        stack.start_worker()
        stack.start_sink()
        async with ArticlePublisher(stack.settings) as publisher:
            futures = [await publisher.publish(good[0].fields)]
            for key, value, _ in bad:
                futures.append(await publisher.send_raw(key, value, headers=[("trace", b"t-" + (key or b"none"))]))
            futures.append(await publisher.publish(good[1].fields))
            metas = [await f for f in futures]
        last = {}
        for m in metas:
            last[m.partition] = max(last.get(m.partition, -1), m.offset)
        result = await collect(stack, len(metas), last, TIMEOUT)
        capsys.readouterr()
        shown = await tail_topic(stack.settings, stack.settings.articles_dlq_topic, None, follow=False)
        tailed = [orjson.loads(line) for line in capsys.readouterr().out.splitlines()]

    reasons = sorted(header_dict(r.headers)[DLQ_REASON] for r in result.dead_letters)
    assert reasons == sorted(reason for _, _, reason in bad)
    assert shown == len(tailed) == len(bad)  # `hadath tail --dlq` shows each with its reason
    assert sorted(t["headers"][DLQ_REASON] for t in tailed) == reasons
    by_key = {r.key: r for r in result.dead_letters}
    assert by_key[b"k1"].value == b"{not json"  # the original bytes, untouched
    assert header_dict(by_key[b"k1"].headers)["trace"] == "t-k1"  # original headers kept
    assert {e["article_id"] for e in result.events} <= {good[0].fields["id"], good[1].fields["id"]}
    assert any(e["article_id"] == good[1].fields["id"] for e in result.events), "valid article after bad ones"
