"""Shared fixtures: PostgreSQL, the seeds and the shipped models."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

from hadath.config import MODELS, REPO_ROOT

SEEDS = REPO_ROOT / "seeds"
FIXTURES = Path(__file__).parent / "fixtures"
POSTGRES_URL = os.environ.get("HADATH_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


@pytest.fixture(scope="session")
def tagger():
    from hadath.nlp.ner import NerTagger

    return NerTagger.load(MODELS / "ner")


@pytest.fixture(scope="session")
def trigger_classifier():
    from hadath.events.triggers import TriggerClassifier

    return TriggerClassifier.load(MODELS / "events")


@pytest.fixture(scope="session")
def pipeline(tagger, trigger_classifier):
    """The extraction pipeline with the shipped models: NER plus the event model."""
    from hadath.events.participants import EventHeads
    from hadath.pipeline.run import nlp_pipeline

    return nlp_pipeline(tagger, trigger_classifier, heads=EventHeads.load(MODELS / "events"))


@pytest.fixture()
def postgres_url():
    """A fresh schema in the machine's PostgreSQL for one test, dropped afterwards."""
    import psycopg

    schema = f"hadath_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture()
def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path / 'events.db'}"
