"""The role and keep heads (`events/participants.py`), their training examples and their file."""

import shutil
from datetime import datetime, timezone

import numpy as np
import pytest

from hadath.config import MODELS
from hadath.events.participants import MAX_PARTICIPANTS, EventHeads, Mlp, choose, event_features, pair_features
from hadath.events.rules import event_sentences, merged_drafts, read_article
from hadath.schemas import Article
from hadath.training.participants import example, fit_mlp, role_examples
from tests.test_event_rules import entities

# The minister is named in the first sentence only; the second drops him (وأكد في بيان …).
BODY = ("التقى وزير الخارجية السعودي عادل الجبير نظيره الأمريكي جون كيري في الرياض اليوم. "
        "وأكد الجبير في بيان أن المملكة تدعم الحل السياسي في اليمن. "
        "وطالب في بيان آخر الحكومة الإيرانية بوقف التدخل في شؤون المنطقة.")
ARTICLE = Article(id="t1", source="t", body=BODY, title="الجبير يلتقي كيري",
                  published_at=datetime(2015, 7, 27, tzinfo=timezone.utc))
ENTITIES = entities(BODY, ("عادل الجبير", "PERS"), ("جون كيري", "PERS"), ("الرياض", "LOC"),
                    ("الجبير", "PERS"), ("اليمن", "LOC"))


def told():
    return read_article(ARTICLE, event_sentences(BODY), ENTITIES, empty_ok=True)


def span(text, nth=1):
    start = -1
    for _ in range(nth):
        start = BODY.index(text, start + 1)
    return [start, start + len(text)]


RECORD = {"id": "t1", "sha1": None, "annotator": "x", "entities": [
    {"id": "E1", "name": "عادل الجبير", "type": "PER", "title": "وزير الخارجية", "for": None,
     "mentions": [span("عادل الجبير"), span("الجبير", 2)]},
    {"id": "E2", "name": "جون كيري", "type": "PER", "title": None, "for": None, "mentions": [span("جون كيري")]},
    {"id": "E3", "name": "الحكومة الإيرانية", "type": "ORG", "title": None, "for": None,
     "mentions": [span("الحكومة الإيرانية")]}],
    "events": [
        {"id": "V1", "type": "CONSULT", "mode": "meet", "status": "occurred", "date": None, "optional": False,
         "triggers": [span("التقى")], "args": [["E1", "participant"], ["E2", "participant"]], "location": []},
        {"id": "V2", "type": "REQUEST", "mode": None, "status": "occurred", "date": None, "optional": False,
         "triggers": [span("وطالب")], "args": [["E1", "source"], ["E3", "target"]], "location": []}]}


@pytest.fixture()
def record():
    from hadath.corpora.annotations import body_hash

    return {**RECORD, "sha1": body_hash(BODY)}


def test_every_clause_with_a_trigger_is_a_site_and_every_actor_a_candidate():
    article = told()
    kinds = {d.kind for _, d in article.clauses}
    assert {"CONSULT", "REQUEST"} <= kinds
    names = {c.actor.name for c in article.candidates}
    assert {"عادل الجبير", "جون كيري"} <= names and "الرياض" not in names  # a place where it happened
    jubeir = next(c for c in article.candidates if c.actor.name == "عادل الجبير")
    assert len(jubeir.mentions) == 2  # one key for both sentences' mentions


def test_pair_features_see_the_clause_the_sentence_and_the_distance():
    article = told()
    request = next(d for _, d in article.clauses if d.kind == "REQUEST")
    jubeir = next(c for c in article.candidates if c.actor.name == "عادل الجبير")
    kerry = next(c for c in article.candidates if c.actor.name == "جون كيري")
    rows = {c.key: pair_features(request.site, c, article.candidates, article.index) for c in (jubeir, kerry)}
    assert len(set(map(len, rows.values()))) == 1
    # the request's sentence names neither: both come from earlier sentences, Jubeir more recently
    assert rows[jubeir.key][1] == rows[kerry.key][1] == 0.0
    assert rows[jubeir.key][7:11] == [0.0, 1.0, 0.0, 0.0] and rows[kerry.key][7:11] == [0.0, 0.0, 1.0, 0.0]


def test_role_examples_label_the_annotated_participants(record):
    rows, labels, groups = role_examples([example(ARTICLE, told(), record)])
    assert rows.shape[0] == labels.shape[0] == groups.shape[0] > 0
    assert labels.any() and not labels.all()


def heads_from(rows, labels, role_threshold=0.5, keep_threshold=0.0):
    mlp = fit_mlp(rows, labels, hidden=8, seed=1, early_stopping=False)  # six rows: no tenth to hold out
    width = len(event_features("CONSULT", "occurred", [0.5], 1, 0, 1.0, ["PER"]))
    keep = Mlp(np.zeros((width, 1), np.float32), np.zeros(1, np.float32), np.zeros(1, np.float32), 0.0,
               np.zeros(width, np.float32), np.ones(width, np.float32))  # says 0.5 to every event
    return EventHeads(mlp, keep, role_threshold, keep_threshold, "test")


def test_a_head_trained_on_the_article_gives_the_dropped_subject_to_the_request(record):
    rows, labels, _ = role_examples([example(ARTICLE, told(), record)])
    heads = heads_from(rows, labels)
    request = next((keys, d) for keys, d in merged_drafts(told(), heads) if d.kind == "REQUEST")
    assert "عادل الجبير" in {a.name for a in request[1].actors}
    assert len(request[1].actors) <= MAX_PARTICIPANTS
    assert all(0.0 <= p <= 1.0 for p in request[1].scores)


def test_thresholds_decide_what_is_chosen_and_what_stands(record):
    rows, labels, _ = role_examples([example(ARTICLE, told(), record)])
    article = told()
    site = article.clauses[0][1].site
    heads = heads_from(rows, labels)
    assert choose(site, article.candidates, article.index, heads.roles, 1.01) == []
    assert merged_drafts(told(), heads_from(rows, labels, keep_threshold=0.6)) == []  # the keep head says 0.5


def test_the_heads_survive_their_file_in_fp16(tmp_path, record):
    rows, labels, _ = role_examples([example(ARTICLE, told(), record)])
    heads = heads_from(rows, labels, 0.3, 0.2)
    folder = tmp_path / "events"
    shutil.copytree(MODELS / "events", folder)
    heads.save(folder, {"corpus": "test"})
    loaded = EventHeads.load(folder)
    assert (loaded.role_threshold, loaded.keep_threshold, loaded.version) == (0.3, 0.2, "test")
    assert np.allclose(loaded.roles(rows), heads.roles(rows), atol=2e-2)
    assert EventHeads.load(tmp_path) is None  # a folder without heads: the rules alone
