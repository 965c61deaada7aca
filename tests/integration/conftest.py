"""Integration fixtures: variants of the seeds and helpers to drive a local stack."""

from __future__ import annotations

import asyncio
import time

import pytest

from hadath.ingest.readers import SourceRecord, read_paths
from hadath.kafka import committed_offsets
from tests.conftest import SEEDS


def seed_records() -> list[SourceRecord]:
    return list(read_paths([SEEDS]))


def lead_variants(n: int) -> list[SourceRecord]:
    """n short articles: the lead paragraphs of the seeds, under new ids (fast to extract)."""
    leads = []
    for record in seed_records():
        paragraphs = [p for p in record.fields["body"].split("\n") if len(p.split()) > 8][:2]
        leads.append({**record.fields, "body": "\n".join(paragraphs)})
    return [SourceRecord({**leads[i % len(leads)], "id": f"variant-{i:04d}"}, f"variant {i}") for i in range(n)]


async def wait_for(predicate, timeout: float, what: str, interval: float = 0.3):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await predicate():
            return
        await asyncio.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")


async def worker_progress(stack) -> int:
    s = stack.settings
    return sum((await committed_offsets(s, s.worker_group, s.articles_topic)).values())


@pytest.fixture()
def work_dir(tmp_path):
    return tmp_path / "pipeline"
