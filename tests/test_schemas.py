import json
from datetime import datetime, timezone

import jsonschema

from hadath.schemas import MODELS, SCHEMA_DIR, Actor, Article, Event, Evidence, json_schema


def test_schema_files_are_generated_from_the_models():
    for name, model in MODELS.items():
        assert json.loads((SCHEMA_DIR / name).read_text()) == json_schema(model), f"run `hadath schemas`: {name}"


def test_an_event_validates_against_its_json_schema():
    event = Event(
        event_id="e1", article_id="a1", event_type="CONSULT", mode="meet", status="occurred",
        actors=[Actor(text="نتنياهو", type="PER", country="ISR", side="participant")],
        evidence=Evidence(sentence="التقى ...", start=0, end=9, trigger="التقى"),
        confidence=0.9, model={"ner": "x"}, extracted_at=datetime.now(timezone.utc),
    )
    schema = json.loads((SCHEMA_DIR / "event.v1.json").read_text())
    jsonschema.validate(event.model_dump(mode="json"), schema)


def test_the_article_schema_rejects_a_missing_body():
    schema = json.loads((SCHEMA_DIR / "article.v1.json").read_text())
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors({"id": "a", "source": "s"}))
    assert any("body" in e.message for e in errors)


def test_saudinewsnet_published_gives_the_publication_time():
    article = Article.model_validate({"id": "a", "source": "s", "body": "نص", "published": "2015-07-21 02:51:32"})
    assert article.published_at == datetime(2015, 7, 21, 2, 51, 32)
    assert article.extra == {"published": "2015-07-21 02:51:32"}
    odd = Article.model_validate({"id": "a", "source": "s", "body": "نص", "published": "last week"})
    assert odd.published_at is None and odd.extra == {"published": "last week"}
