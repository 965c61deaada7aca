import sqlite3
from datetime import datetime, timezone

import psycopg
import pytest

from hadath.schemas import Actor, Event, Evidence
from hadath.sink.store import MIGRATIONS, open_store


def make_event(event_id: str, article_id: str = "a1", actors: int = 2, trigger: str = "التقى") -> Event:
    return Event(
        event_id=event_id, article_id=article_id, source="test", event_type="CONSULT", mode="meet",
        status="occurred",
        actors=[Actor(text=f"شخص {i}", type="PER", side="participant") for i in range(actors)],
        evidence=Evidence(sentence=f"{trigger} شخص 0 شخص 1", start=0, end=10, trigger=trigger),
        confidence=0.8, model={"ner": "test"}, extracted_at=datetime.now(timezone.utc),
    )


@pytest.fixture(params=["sqlite", "postgres"])
def store(request, sqlite_url):
    url = sqlite_url if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    s = open_store(url)
    yield s
    s.close()


def test_upsert_is_idempotent(store):
    events = [make_event("e1"), make_event("e2", "a2", actors=3)]
    store.upsert(events)
    store.upsert(events)  # a redelivered batch
    counts = store.counts()
    assert (counts.articles, counts.events, counts.actors) == (2, 2, 5)


def test_a_newer_version_of_an_event_replaces_the_old_one(store):
    store.upsert([make_event("e1", actors=3)])
    store.upsert([make_event("e1", actors=1, trigger="اجتمع")])
    counts = store.counts()
    assert (counts.events, counts.actors) == (1, 1)
    assert store.events()[0]["evidence"]["trigger"] == "اجتمع"


def test_an_event_twice_in_one_batch_is_stored_once_last_version_winning(store):
    store.upsert([make_event("e1", actors=3), make_event("e1", actors=2, trigger="اجتمع")])
    counts = store.counts()
    assert (counts.events, counts.actors) == (1, 2)
    assert store.events()[0]["evidence"]["trigger"] == "اجتمع"


def test_migrations_run_once(store):
    assert store.migrate() == len(MIGRATIONS)
    store.upsert([make_event("e1")])
    assert store.migrate() == len(MIGRATIONS)
    assert store.counts().events == 1


def test_a_failed_batch_leaves_nothing_behind(store):
    bad = make_event("e2")
    object.__setattr__(bad, "article_id", None)  # violates NOT NULL
    with pytest.raises((sqlite3.IntegrityError, psycopg.errors.NotNullViolation)):
        store.upsert([make_event("e1"), bad])
    assert store.counts().events == 0


def test_unknown_database_url_is_a_clear_error():
    with pytest.raises(ValueError, match="unsupported database URL"):
        open_store("mysql://x/y")
