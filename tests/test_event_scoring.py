"""The judge's matching (`evaluation/events.py`) and the gold forms it reads (`corpora/gold.py`)."""

import orjson
import pytest

from hadath.config import REPO_ROOT
from hadath.corpora.annotations import body_hash
from hadath.corpora.gold import load_gold
from hadath.evaluation.events import coverage, norm, score_events

MEETING = {"type": "CONSULT", "mode": "meet", "status": "occurred",
           "actors": [["بنيامين نتنياهو", "نتنياهو"], ["حسن رشاد", "رئيس المخابرات المصرية"]]}
THREAT = {"type": "THREATEN", "actors": [["إيران"], ["إسرائيل"]]}
VISIT = {"type": "CONSULT", "optional": True, "actors": [["فانس"], ["إسرائيل"]]}
GOLD = {"a1": {"published": "2025-12-23", "events": [MEETING, THREAT, VISIT]}}


def event(kind, *actors, article="a1", **attributes):
    return {"article_id": article, "event_type": kind, "actors": [{"text": a} for a in actors], **attributes}


def test_normalization_folds_alef_teh_marbuta_and_marks():
    assert norm("إسرائيلَ") == norm("اسرائيل")
    assert norm("المخابرة") == "المخابره"


def test_aliases_cover_either_way_and_one_actor_covers_one_group():
    groups = MEETING["actors"]
    assert coverage(groups, [[norm("رئيس الوزراء نتنياهو")], [norm("رشاد")]]) == 2  # alias in string, string in alias
    assert coverage(groups, [[norm("نتنياهو"), norm("رشاد")]]) == 1
    assert coverage(groups, [[norm("نت")]]) == 0  # a string of 2 letters is no alias's part


def test_matching_needs_the_type_and_two_groups_and_scores_attributes():
    scores = score_events(GOLD, [
        event("CONSULT", "نتنياهو", "حسن رشاد", mode="meet", status="planned"),
        event("CONSULT", "نتنياهو", "رشاد"),  # the same meeting again
        event("THREATEN", "إيران"),  # one of two groups
        event("ACCUSE", "إيران", "إسرائيل"),  # the threat's sides under another type
        event("CONSULT", "فانس", "إسرائيل"),  # the optional visit: excused
        event("ASSAULT", "حماس", "إسرائيل"),
    ])
    assert (scores.matched, scores.gold, scores.excused, scores.predicted) == (1, 2, 1, 5)
    assert scores.errors == {"missed_wrong_type": 1, "duplicate": 1, "spurious": 3}
    assert scores.attributes["mode"] == {"correct": 1, "total": 1}
    assert scores.attributes["status"] == {"correct": 0, "total": 1}
    assert scores.summary() == {"precision": 0.2, "recall": 0.5, "f1": 0.2857}


def test_a_missed_event_is_told_apart_by_what_was_found():
    assert score_events(GOLD, [event("THREATEN", "إيران")]).errors["missed_actors"] == 1
    assert score_events(GOLD, [event("THREATEN", "إيران")]).errors["missed_not_found"] == 1
    other_article = score_events(GOLD, [event("CONSULT", "نتنياهو", "رشاد", article="a2")])
    assert (other_article.predicted, other_article.errors["missed_not_found"]) == (0, 2)


def test_gold_loads_from_the_judges_file_the_corpus_and_the_paragraphs(tmp_path):
    body = "التقى نتنياهو رشاد في القدس اليوم."
    article = {"id": "snn_1", "source": "t", "title": "t", "body": body, "published": "2015-07-27"}
    articles = tmp_path / "articles.jsonl"
    articles.write_bytes(orjson.dumps(article) + b"\n")
    judged = tmp_path / "gold.json"
    judged.write_bytes(orjson.dumps({"articles": {"snn_1": {"published": "2015-07-27", "events": [MEETING]}}}))
    record = {"id": "snn_1", "sha1": body_hash(body), "annotator": "x", "events": [
        {"id": "V1", "type": "CONSULT", "mode": "meet", "status": "occurred", "date": None, "optional": False,
         "triggers": [[0, 5]], "args": [["E1", "source"], ["E2", "target"]], "location": [[22, 27]]}],
        "entities": [{"id": "E1", "name": "بنيامين نتنياهو", "type": "PER", "title": None, "for": None,
                      "mentions": [[6, 13]]},
                     {"id": "E2", "name": "حسن رشاد", "type": "PER", "title": None, "for": None,
                      "mentions": [[14, 18]]}]}
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_bytes(orjson.dumps(record) + b"\n")
    prediction = [event("CONSULT", "نتنياهو", "رشاد", article="snn_1")]
    for gold in (load_gold(judged, articles), load_gold(corpus, articles)):
        assert [a.id for a in gold.articles] == ["snn_1"] and gold.articles[0].published_at.year == 2015
        assert score_events(gold.judged, prediction).f1 == 1.0
    with pytest.raises(ValueError, match="--articles"):
        load_gold(corpus)
    not_gold = tmp_path / "other.json"
    not_gold.write_bytes(b'{"events": []}')
    with pytest.raises(ValueError, match='lacks the "articles" mapping'):
        load_gold(not_gold, articles)
    not_jsonl = tmp_path / "broken.jsonl"
    not_jsonl.write_text("not json\n")
    with pytest.raises(ValueError, match="is not JSONL"):
        load_gold(not_jsonl)
    paragraphs = load_gold(REPO_ROOT / "data" / "events" / "gold.jsonl", split="dev")
    assert paragraphs.articles and all(
        all(len(group) == 1 for e in g["events"] for group in e["actors"]) for g in paragraphs.judged.values())
