"""The trigger classifier's plumbing: its inputs, its judgements in the rules, its file, its figures."""

from datetime import datetime, timezone

import numpy as np
import pytest

from hadath.events.lexicon import lexicon_kind
from hadath.events.rules import find_trigger
from hadath.events.triggers import CLASSES, NONE, Judgement, TriggerClassifier, inputs
from hadath.schemas import Article
from hadath.text import Entity, split_words
from hadath.training.events import detection_scores, read_hand_checked, weak_label
from tests.test_event_rules import extract_events

NOW = datetime(2026, 1, 26, tzinfo=timezone.utc)


def test_the_lexicon_proposes_candidates_through_proclitics():
    assert lexicon_kind("والتقى") == "CONSULT"
    assert lexicon_kind("بالانسحاب") == "RETREAT"
    assert lexicon_kind("القدس") is None


def test_inputs_append_the_lexicon_type_one_hot():
    rows = inputs(np.ones((2, 3)), ["CONSULT", None])
    assert rows.shape == (2, 3 + len(CLASSES))
    assert rows[0, 3 + CLASSES.index("CONSULT")] == 1 and rows[1, 3 + CLASSES.index(NONE)] == 1
    assert rows[:, 3:].sum() == 2


def test_judgements_reject_or_retype_the_lexicon_candidates():
    words = split_words("تراجعت أسعار النفط بعد رفع العقوبات")
    assert (find_trigger(words).kind, find_trigger(words).word.text) == ("CONCEDE", "تراجعت")  # lexicon alone
    by_word = {w.text: w.start for w in words}
    judged = {by_word["تراجعت"]: Judgement(NONE, 0.9), by_word["العقوبات"]: Judgement("CONCEDE", 0.7)}
    trigger = find_trigger(words, judged)
    assert (trigger.kind, trigger.word.text, trigger.probability) == ("CONCEDE", "العقوبات", 0.7)
    assert find_trigger(words, {w.start: Judgement(NONE, 0.8) for w in words}) is None


def test_a_rejected_trigger_yields_no_event_and_confidence_carries_the_probability():
    body = "رفض المتحدث باسم الشرطة أحمد سالم الكشف عن هويته لوكالة الأنباء."
    article = Article(id="r", source="t", body=body)
    start = body.index("أحمد سالم")
    ents = [Entity("أحمد سالم", "PERS", start, start + len("أحمد سالم"), 0.8)]
    trigger_at = body.index("رفض")
    (event,) = extract_events(article, ents, {}, NOW, judgements={trigger_at: Judgement("REJECT", 0.5)})
    assert event.confidence == pytest.approx(0.4)
    assert extract_events(article, ents, {}, NOW, judgements={trigger_at: Judgement(NONE, 0.9)}) == []


def test_head_round_trips_through_its_folder(tmp_path):
    rng = np.random.default_rng(0)
    head = TriggerClassifier(rng.normal(size=(len(CLASSES), 5 + len(CLASSES))), np.zeros(len(CLASSES)), "t-1")
    head.save(tmp_path, {"note": "test"})
    loaded = TriggerClassifier.load(tmp_path)
    word = split_words("اجتمع")[0]
    features, kinds = {word: rng.normal(size=5).astype(np.float32)}, {word: "CONSULT"}
    # Saved in fp16: the same decision, probabilities within fp16 rounding.
    assert loaded.judge(features, kinds)[0].kind == head.judge(features, kinds)[0].kind
    assert loaded.judge(features, kinds)[0].probability == pytest.approx(head.judge(features, kinds)[0].probability,
                                                                         abs=1e-2)
    with pytest.raises(FileNotFoundError, match="hadath train events"):
        TriggerClassifier.load(tmp_path / "missing")


def test_weak_labels():
    assert weak_label("للإغاثة", "I-ORG", "مركز الملك سلمان للإغاثة يوزع السلال") == NONE
    assert weak_label("تراجعت", "O", "تراجعت أسهم 57 شركة في السوق") == NONE
    assert weak_label("هاجمت", "O", "هاجمت القوات مواقع المسلحين") == "ASSAULT"


def test_detection_scores_on_a_tiny_fixture():
    gold = ["CONSULT", NONE, "ASSAULT", "STATEMENT"]
    predicted = ["CONSULT", "ASSAULT", NONE, "ACCUSE"]
    # one right event of three predicted, of three gold; one right answer of four
    assert detection_scores(gold, predicted) == {"precision": 0.3333, "recall": 0.3333, "f1": 0.3333,
                                                 "accuracy": 0.25}


def test_hand_checked_file_splits_in_halves_and_rejects_unknown_labels(tmp_path):
    path = tmp_path / "t.jsonl"
    line = '{"sentence": "التقى الرئيس", "start": 0, "end": 5, "label": "%s"}\n'
    path.write_text(line % "CONSULT" + line % NONE + line % "CONSULT")
    train, held_out = read_hand_checked(path)
    assert [m.label for m in train] == ["CONSULT", "CONSULT"] and [m.label for m in held_out] == [NONE]
    path.write_text(line % "MEETING")
    with pytest.raises(ValueError, match="MEETING"):
        read_hand_checked(path)


@pytest.mark.parametrize("word, kind", [
    ("التقوا", "CONSULT"), ("تنسحب", "RETREAT"), ("يرفضون", "REJECT"), ("وقالوا", "STATEMENT"),
    ("رفضه", "REJECT"), ("ستجتمع", "CONSULT"),
    ("إضافة", None), ("وزارة", None), ("طالبة", None), ("بيانات", None), ("طالبان", None),
])
def test_inflected_triggers_are_found_and_nouns_in_ta_marbuta_are_not_split(word, kind):
    assert lexicon_kind(word) == kind


def test_a_head_trained_on_another_encoder_is_refused(tmp_path):
    from hadath.config import MODELS
    from hadath.pipeline.run import load_models

    head = TriggerClassifier(np.zeros((len(CLASSES), 4)), np.zeros(len(CLASSES)), "t-1")
    head.save(tmp_path, {"encoder": "ner-some-other-model"})
    with pytest.raises(ValueError, match="ner-some-other-model.*hadath train events --ner-model-dir"):
        load_models(MODELS / "ner", tmp_path)
