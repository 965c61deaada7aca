"""Distilling the NER model into fewer layers (`hadath train ner-student`)."""

from __future__ import annotations

import orjson
import pytest
import torch
from typer.testing import CliRunner

from hadath.cli import app
from hadath.config import MODELS
from hadath.ingest.readers import read_file
from hadath.nlp.ner import LABELS, NerTagger
from hadath.training.distill import make_student, student_layers
from hadath.training.ner import news_windows
from tests.conftest import SEEDS

runner = CliRunner()

GOLD = "التقى O\nنتنياهو B-PERS\nفي O\nالقدس B-LOC\n\nوصل O\nالوفد O\nإلى O\nواشنطن B-LOC\n"


def test_student_layers_are_evenly_spaced_and_keep_the_ends():
    assert student_layers(12, 6) == [0, 2, 4, 7, 9, 11]
    assert student_layers(12, 12) == list(range(12))
    assert student_layers(12, 1) == [11]
    with pytest.raises(ValueError, match="1 to 12 layers"):
        student_layers(12, 13)


def test_a_student_starts_as_the_chosen_teacher_layers(tagger):
    student, _ = make_student(tagger.model, [0, 11])
    teacher = tagger.model.state_dict()
    for i, t in enumerate((0, 11)):
        mine = student.bert.encoder.layer[i].output.dense.weight
        assert torch.equal(mine, teacher[f"bert.encoder.layer.{t}.output.dense.weight"].float())
    assert torch.equal(student.classifier.weight, teacher["classifier.weight"].float())


def test_news_windows_skip_articles_and_stop_at_the_count(tmp_path):
    corpus = tmp_path / "news.jsonl"
    corpus.write_bytes(b"\n".join(orjson.dumps(next(iter(read_file(p))).fields) for p in sorted(SEEDS.glob("*.txt"))))
    first = news_windows(corpus, count=3, skip=0)
    later = news_windows(corpus, count=3, skip=1)
    assert len(first) == len(later) == 3
    assert first != later and all(len(w.tokens) >= 5 and not w.labels for w in first)


def test_train_ner_student_writes_a_model_the_tagger_loads(tmp_path):
    (tmp_path / "train.txt").write_text(GOLD)
    corpus = tmp_path / "news.jsonl"
    corpus.write_bytes(orjson.dumps(next(iter(read_file(next(SEEDS.glob("003_*.txt"))))).fields))
    out = tmp_path / "student"
    result = runner.invoke(app, ["train", "ner-student", "--teacher", str(MODELS / "ner"), "--train",
                                 str(tmp_path / "train.txt"), "--corpus", str(corpus), "--out", str(out),
                                 "--layers", "2", "--news-windows", "4", "--epochs", "1"])
    assert result.exit_code == 0, result.output
    student = NerTagger.load(out)
    assert student.model.config.num_hidden_layers == 2
    (labels,) = student.tag([["التقى", "نتنياهو", "في", "القدس"]])
    assert len(labels) == 4 and all(label in LABELS and 0 < p <= 1 for label, p in labels)


def test_train_ner_student_needs_a_teacher(tmp_path):
    result = runner.invoke(app, ["train", "ner-student", "--teacher", str(tmp_path)])
    assert result.exit_code == 2
    assert "no NER model in" in result.output
