"""Event storage: SQLite (embedded default) or PostgreSQL, one SQL dialect for both.

Writes are idempotent upserts keyed by event id inside one transaction per
batch, so a redelivered batch (at-least-once) never duplicates a row.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence
from urllib.parse import urlparse

import orjson

from hadath.schemas import Event

# Each entry migrates the schema one version up; never edit a released one.
MIGRATIONS: list[list[str]] = [
    [
        """CREATE TABLE IF NOT EXISTS articles (
            article_id TEXT PRIMARY KEY,
            source TEXT,
            url TEXT,
            title TEXT,
            published_at TEXT,
            first_stored_at TEXT NOT NULL,
            last_stored_at TEXT NOT NULL
        )""",
        """CREATE TABLE IF NOT EXISTS events (
            event_id TEXT PRIMARY KEY,
            article_id TEXT NOT NULL REFERENCES articles(article_id),
            event_type TEXT NOT NULL,
            mode TEXT,
            status TEXT NOT NULL,
            event_date TEXT,
            date_text TEXT,
            location_name TEXT,
            location_country TEXT,
            evidence_sentence TEXT NOT NULL,
            trigger TEXT NOT NULL,
            confidence REAL NOT NULL,
            payload TEXT NOT NULL,
            extracted_at TEXT NOT NULL,
            stored_at TEXT NOT NULL
        )""",
        "CREATE INDEX IF NOT EXISTS events_article ON events(article_id)",
        "CREATE INDEX IF NOT EXISTS events_type_date ON events(event_type, event_date)",
        """CREATE TABLE IF NOT EXISTS event_actors (
            event_id TEXT NOT NULL REFERENCES events(event_id),
            position INTEGER NOT NULL,
            text TEXT NOT NULL,
            name TEXT,
            name_en TEXT,
            actor_type TEXT NOT NULL,
            title TEXT,
            country TEXT,
            sector TEXT,
            side TEXT NOT NULL,
            PRIMARY KEY (event_id, position)
        )""",
    ],
]

_UPSERT_ARTICLE = """
INSERT INTO articles (article_id, source, url, title, published_at, first_stored_at, last_stored_at)
VALUES (?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (article_id) DO UPDATE SET
    source = excluded.source, url = excluded.url, title = excluded.title,
    published_at = excluded.published_at, last_stored_at = excluded.last_stored_at
"""
_UPSERT_EVENT = """
INSERT INTO events (event_id, article_id, event_type, mode, status, event_date, date_text,
    location_name, location_country, evidence_sentence, trigger, confidence, payload, extracted_at, stored_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (event_id) DO UPDATE SET
    article_id = excluded.article_id, event_type = excluded.event_type, mode = excluded.mode,
    status = excluded.status, event_date = excluded.event_date, date_text = excluded.date_text,
    location_name = excluded.location_name, location_country = excluded.location_country,
    evidence_sentence = excluded.evidence_sentence, trigger = excluded.trigger,
    confidence = excluded.confidence, payload = excluded.payload,
    extracted_at = excluded.extracted_at, stored_at = excluded.stored_at
"""
_DELETE_ACTORS = "DELETE FROM event_actors WHERE event_id = ?"
_INSERT_ACTOR = """
INSERT INTO event_actors (event_id, position, text, name, name_en, actor_type, title, country, sector, side)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""


@dataclass(frozen=True)
class StoreCounts:
    articles: int
    events: int
    actors: int


def _now() -> str:
    from datetime import datetime, timezone

    return datetime.now(timezone.utc).isoformat()


def _rows(events: Sequence[Event], stored_at: str):
    articles: dict[str, tuple] = {}
    event_rows, actor_rows = [], []
    # One row per event id: a batch may hold an event twice (a redelivered article), and its
    # actors must not be inserted twice. The last version wins, as it would across batches.
    for e in {e.event_id: e for e in events}.values():
        ref = e.article
        articles[e.article_id] = (
            e.article_id, e.source, ref.url if ref else None, ref.title if ref else None,
            ref.published_at.isoformat() if ref and ref.published_at else None, stored_at, stored_at,
        )
        payload = orjson.dumps(e.model_dump(mode="json")).decode()
        event_rows.append((
            e.event_id, e.article_id, e.event_type, e.mode, e.status,
            e.date.isoformat() if e.date else None, e.date_text,
            e.location.name if e.location else None, e.location.country if e.location else None,
            e.evidence.sentence, e.evidence.trigger, e.confidence, payload,
            e.extracted_at.isoformat(), stored_at,
        ))
        actor_rows.extend(
            (e.event_id, i, a.text, a.name, a.name_en, a.type, a.title, a.country, a.sector, a.side)
            for i, a in enumerate(e.actors)
        )
    return list(articles.values()), event_rows, actor_rows


def is_transient(exc: BaseException) -> bool:
    """Whether a store error is the database's state (down, restarting, locked: try again later)
    rather than the data's (a value the database refuses: the event goes to the dead letters)."""
    if isinstance(exc, sqlite3.OperationalError):
        return "locked" in str(exc) or "busy" in str(exc)
    try:
        import psycopg
    except ImportError:  # SQLite only
        return False
    return isinstance(exc, (psycopg.OperationalError, psycopg.InterfaceError))


class Store:
    """A DB-API connection with Hadath's schema. Use `open_store(url)`."""

    placeholder = "?"

    def __init__(self, url: str, connect: Callable[[], Any]):
        self.url = url
        self._connect = connect
        self.conn = connect()

    def reconnect(self) -> None:
        """A new connection, after the database went away."""
        try:
            self.conn.close()
        except Exception:  # noqa: BLE001 - the old connection is already broken
            pass
        self.conn = self._connect()

    def sql(self, statement: str) -> str:
        return statement if self.placeholder == "?" else statement.replace("?", self.placeholder)

    def migrate(self) -> int:
        with closing(self.conn.cursor()) as cur:
            cur.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            cur.execute("SELECT MAX(version) FROM schema_version")
            current = cur.fetchone()[0] or 0
            for version, statements in enumerate(MIGRATIONS[current:], current + 1):
                for statement in statements:
                    cur.execute(statement)
                cur.execute(self.sql("INSERT INTO schema_version (version) VALUES (?)"), (version,))
        self.conn.commit()
        return len(MIGRATIONS)

    def upsert(self, events: Sequence[Event]) -> int:
        """Write a batch in one transaction; returns how many events it held."""
        if not events:
            return 0
        articles, event_rows, actor_rows = _rows(events, _now())
        try:
            with closing(self.conn.cursor()) as cur:
                cur.executemany(self.sql(_UPSERT_ARTICLE), articles)
                cur.executemany(self.sql(_UPSERT_EVENT), event_rows)
                cur.executemany(self.sql(_DELETE_ACTORS), [(r[0],) for r in event_rows])
                cur.executemany(self.sql(_INSERT_ACTOR), actor_rows)
            self.conn.commit()
        except BaseException:
            try:
                self.conn.rollback()
            except Exception:  # noqa: BLE001 - a lost connection cannot roll back; the first error counts
                pass
            raise
        return len(event_rows)

    def counts(self) -> StoreCounts:
        with closing(self.conn.cursor()) as cur:
            values = []
            for table in ("articles", "events", "event_actors"):
                cur.execute(f"SELECT COUNT(*) FROM {table}")
                values.append(cur.fetchone()[0])
        self.conn.commit()
        return StoreCounts(*values)

    def event_ids(self) -> list[str]:
        with closing(self.conn.cursor()) as cur:
            cur.execute("SELECT event_id FROM events ORDER BY event_id")
            ids = [r[0] for r in cur.fetchall()]
        self.conn.commit()
        return ids

    def stored_at_by_article(self) -> dict[str, str]:
        """When each article's last event was stored (ISO time): for latency figures."""
        with closing(self.conn.cursor()) as cur:
            cur.execute("SELECT article_id, MAX(stored_at) FROM events GROUP BY article_id")
            out = dict(cur.fetchall())
        self.conn.commit()
        return out

    def events(self, limit: int = 1000) -> list[dict]:
        with closing(self.conn.cursor()) as cur:
            cur.execute(self.sql("SELECT payload FROM events ORDER BY article_id, event_id LIMIT ?"), (limit,))
            rows = [orjson.loads(r[0]) for r in cur.fetchall()]
        self.conn.commit()
        return rows

    def close(self) -> None:
        self.conn.close()


class PostgresStore(Store):
    placeholder = "%s"


def open_store(url: str, migrate: bool = True) -> Store:
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        path = url.split("sqlite:///", 1)[1] if url.startswith("sqlite:///") else ""
        if not path:
            raise ValueError(f"bad SQLite URL {url!r}: use sqlite:///relative/path.db or sqlite:////abs/path.db")
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)

        def connect_sqlite():
            # WAL lets `hadath status` read while the sink writes.
            conn = sqlite3.connect(path, timeout=30, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA foreign_keys=ON")
            return conn

        store: Store = Store(url, connect_sqlite)
    elif parsed.scheme in ("postgresql", "postgres"):
        import psycopg

        store = PostgresStore(url, lambda: psycopg.connect(url, connect_timeout=10))
    else:
        raise ValueError(f"unsupported database URL {url!r}: use sqlite:///PATH or postgresql://…")
    if migrate:
        store.migrate()
    return store
