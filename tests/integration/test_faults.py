"""kill -9 the sink or the worker in the middle of a replay: nothing lost, nothing duplicated."""

from __future__ import annotations

import time

import pytest

from hadath.ingest.producer import publish_records
from hadath.ingest.readers import SourceRecord
from hadath.sink.store import open_store
from hadath.tools.local import collect, local_stack, wait_until_stored
from hadath.validation import validate_article
from tests.integration.conftest import lead_variants, wait_for, worker_progress

pytestmark = pytest.mark.integration

ARTICLES = 200
TIMEOUT = 400


@pytest.fixture(scope="module")
def variants():
    return lead_variants(ARTICLES)


@pytest.fixture(scope="module")
def expected_event_ids(variants, pipeline):
    """What extraction yields for every variant, computed offline with the same models."""
    articles = [validate_article(r.fields) for r in variants]
    return {e.event_id for events in pipeline.events(articles) for e in events}


def stored_ids(url: str) -> tuple[list[str], int]:
    store = open_store(url)
    try:
        return store.event_ids(), store.counts().events
    finally:
        store.close()


async def test_sink_killed_mid_replay(work_dir, variants, expected_event_ids):
    with local_stack(work_dir) as stack:
        stack.start_worker()
        stack.start_sink()
        report = await publish_records(stack.settings, variants)

        async def some_stored():
            return len(stored_ids(stack.settings.database_url)[0]) >= 5

        await wait_for(some_stored, TIMEOUT, "the sink to store its first events")
        stack.kill("sink")
        killed_at, stored_then = time.monotonic(), len(stored_ids(stack.settings.database_url)[0])
        stack.start_sink()

        async def storing_again():
            return len(stored_ids(stack.settings.database_url)[0]) > stored_then

        await wait_for(storing_again, TIMEOUT, "the new sink to store events", interval=0.1)
        print(f"\nsink killed with -9: events stored again {time.monotonic() - killed_at:.1f} s later")
        result = await collect(stack, report.published, report.last_offsets, TIMEOUT)

    ids, rows = stored_ids(result.store)
    assert len(ids) == rows == len(set(ids))  # no duplicated rows
    assert set(ids) == {e["event_id"] for e in result.events} == expected_event_ids  # none lost


async def test_worker_killed_mid_replay(work_dir, variants, expected_event_ids):
    with local_stack(work_dir, batch_size=8) as stack:
        stack.start_worker()
        stack.start_sink()
        report = await publish_records(stack.settings, variants)

        async def some_committed():
            return await worker_progress(stack) >= 16

        await wait_for(some_committed, TIMEOUT, "the worker to commit its first batches")
        assert await worker_progress(stack) < ARTICLES, "the worker finished before it could be killed"
        stack.kill("worker")
        killed_at, progress_then = time.monotonic(), await worker_progress(stack)
        stack.start_worker()

        async def progressing_again():
            return await worker_progress(stack) > progress_then

        await wait_for(progressing_again, TIMEOUT, "the new worker to commit", interval=0.1)
        print(f"\nworker killed with -9: articles committed again {time.monotonic() - killed_at:.1f} s later "
              "(including loading the models)")
        result = await collect(stack, report.published, report.last_offsets, TIMEOUT)

    ids, rows = stored_ids(result.store)
    assert len(ids) == rows == len(set(ids))
    # Redelivered articles produce the same event ids again; the store keeps one row each.
    assert set(ids) == {e["event_id"] for e in result.events} == expected_event_ids


async def test_articles_published_after_a_broker_restart_are_processed(work_dir, variants, pipeline):
    """tansu keeps its log in memory: after a restart the topics start again at offset 0, below
    the offsets worker and sink had reached; what is published then must still be processed."""
    before, after = variants[:20], [SourceRecord({**r.fields, "id": f"after-{r.fields['id']}"}, r.origin)
                                    for r in variants[20:40]]
    expected_after = {e.event_id for events in pipeline.events([validate_article(r.fields) for r in after])
                      for e in events}
    with local_stack(work_dir) as stack:
        stack.start_worker()
        stack.start_sink()
        report = await publish_records(stack.settings, before)
        await collect(stack, report.published, report.last_offsets, TIMEOUT)
        stack.restart_broker()
        await publish_records(stack.settings, after)
        await wait_until_stored(stack, expected_after, TIMEOUT)
        stack.check_alive()
