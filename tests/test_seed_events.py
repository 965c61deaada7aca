"""The shipped model on the seeds: what the issues ask the seeds to yield."""

from __future__ import annotations

from datetime import datetime, timezone

import numpy as np
import pytest

from hadath.events.classifier import is_candidate
from hadath.ingest.producer import to_article
from hadath.ingest.readers import read_file
from tests.conftest import SEEDS


def seed_events(extractor, stem: str, published: datetime | None = None):
    (record,) = read_file(next(SEEDS.glob(f"{stem}_*.txt")), published)
    return extractor.extract([to_article(record)])[0]


def names(event) -> set[str]:
    return {a.name for a in event.actors}


@pytest.mark.parametrize("stem, expected", [
    ("000", {("نتنياهو", "PERS"), ("ويتكوف", "PERS"), ("رفح", "LOC")}),
    ("003", {("حسن رشاد", "PERS"), ("القدس", "LOC")}),
    ("001", {("واشنطن", "LOC")}),
])
def test_the_model_tags_people_and_places_in_the_seeds(tagger, stem, expected):
    (record,) = read_file(next(SEEDS.glob(f"{stem}_*.txt")))
    found = {(e.text, e.type) for e in tagger.entities([record.fields["body"]])[0]}
    assert expected <= found


def test_seed_003_meeting_in_jerusalem(extractor):
    events = seed_events(extractor, "003", datetime(2025, 10, 21, tzinfo=timezone.utc))
    meeting = next(e for e in events if "حسن رشاد" in names(e))
    assert (meeting.event_type, meeting.mode, meeting.status) == ("CONSULT", "meet", "occurred")
    rashad = next(a for a in meeting.actors if a.name == "حسن رشاد")
    netanyahu = next(a for a in meeting.actors if "نتنياهو" in a.name)
    assert (rashad.country, rashad.sector) == ("EGY", "intelligence")
    assert (netanyahu.country, netanyahu.title) == ("ISR", "prime minister")
    assert meeting.location.name == "القدس"
    assert str(meeting.date) == "2025-10-21"


def test_seed_004_virtual_meeting(extractor):
    events = seed_events(extractor, "004")
    virtual = next(e for e in events if e.mode == "virtual" and e.status == "occurred")
    assert {"جيك سوليفان", "أنتوني بلينكن", "رون ديرمر", "تساحي هنجبي"} <= names(virtual)


def test_seed_000_meeting_on_the_saturday_before(extractor):
    events = seed_events(extractor, "000")
    meeting = next(e for e in events if e.event_type == "CONSULT" and any("نتنياهو" in n for n in names(e)))
    assert str(meeting.date) == "2026-01-24"


def test_furniture_at_the_end_of_seed_001_yields_nothing(extractor):
    (record,) = read_file(next(SEEDS.glob("001_*.txt")))
    body = record.fields["body"]
    furniture_at = body.find("قصص قد تهمك")
    assert furniture_at > 0
    assert all(e.evidence.end <= furniture_at for e in seed_events(extractor, "001"))


def test_an_article_gets_the_same_analysis_alone_and_batched_with_others(tagger):
    """Event ids hang on the entities and the trigger judgements, and the worker batches the
    windows of several articles: batch-mates must not change a bit of either (redeliveries)."""
    bodies = [next(iter(read_file(path))).fields["body"] for path in sorted(SEEDS.glob("*.txt"))]
    alone = [tagger.analyse([body], wanted=is_candidate)[0] for body in bodies]
    for together, expected in ((tagger.analyse(bodies, wanted=is_candidate), alone),
                               (tagger.analyse(bodies[::-1], wanted=is_candidate), alone[::-1])):
        for got, want in zip(together, expected):
            assert got.entities == want.entities
            assert got.features.keys() == want.features.keys()
            assert all(np.array_equal(got.features[w], want.features[w]) for w in want.features)


def test_every_event_of_a_seed_has_its_own_id(extractor):
    for path in sorted(SEEDS.glob("*.txt")):
        ids = [e.event_id for e in seed_events(extractor, path.name[:3])]
        assert len(ids) == len(set(ids)), path.name
