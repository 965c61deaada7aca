"""Adapting the encoder to news by masked-language modelling (`hadath train adapt`)."""

from __future__ import annotations

import json

import orjson
import pytest
import torch
import torch.nn.functional as F
from transformers import BertConfig, BertModel
from typer.testing import CliRunner

from hadath.cli import app
from hadath.ingest.readers import read_file
from hadath.nlp.ner import NerTagger, build_model, load_finetuned
from hadath.training.adapt import MaskedLm
from hadath.training.ner import start_from
from hadath.training.weights import quantize_rows
from tests.conftest import SEEDS

runner = CliRunner()


def test_masked_lm_predicts_over_the_cut_vocabulary_only():
    torch.manual_seed(0)
    encoder = BertModel(BertConfig(vocab_size=40, hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                                   intermediate_size=32), add_pooling_layer=False)
    vocabulary = torch.tensor([3, 5, 7, 11])
    lm = MaskedLm(encoder, vocabulary).eval()  # no dropout
    ids = torch.tensor([[3, 5, 7, 11, 5]])
    labels = torch.tensor([[-100, 5, -100, 11, -100]])
    loss = lm(ids, torch.ones_like(ids), labels)

    states = lm.lm_head(encoder(input_ids=ids).last_hidden_state[0, [1, 3]])
    logits = states @ encoder.embeddings.word_embeddings.weight[vocabulary].T + lm.lm_bias
    assert torch.allclose(loss, F.cross_entropy(logits, torch.tensor([1, 3])))


def test_adapt_then_train_ner_on_the_adapted_encoder(tmp_path):
    corpus = tmp_path / "news.jsonl"
    corpus.write_bytes(orjson.dumps(next(iter(read_file(next(SEEDS.glob("003_*.txt"))))).fields))
    encoder = tmp_path / "encoder"
    result = runner.invoke(app, ["train", "adapt", "--corpus", str(corpus), "--out", str(encoder),
                                 "--windows", "8", "--skip", "0"])
    assert result.exit_code == 0, result.output
    adapted = load_finetuned(encoder / "weights.safetensors")
    shipped, _ = build_model()
    name = "bert.encoder.layer.11.output.dense.weight"
    q, scale = quantize_rows(shipped.state_dict()[name].numpy())  # as saved, had nothing changed
    assert not torch.equal(adapted[name], torch.from_numpy(q.astype("float32") * scale.astype("float32")))
    assert not any(k.startswith(("bert.encoder.layer.0.", "bert.encoder.layer.1.", "lm_")) for k in adapted)

    (tmp_path / "train.txt").write_text("التقى O\nنتنياهو B-PERS\nفي O\nالقدس B-LOC\n")
    ner = tmp_path / "ner"
    result = runner.invoke(app, ["train", "ner", "--train", str(tmp_path / "train.txt"), "--encoder", str(encoder),
                                 "--out", str(ner), "--epochs", "1"])
    assert result.exit_code == 0, result.output
    assert json.loads((ner / "config.json").read_text())["adapted"]["windows"] == 8
    (labels,) = NerTagger.load(ner).tag([["التقى", "نتنياهو"]])
    assert len(labels) == 2


def test_an_encoder_adapted_below_the_tuned_layers_is_refused(tmp_path):
    (tmp_path / "config.json").write_text(json.dumps({"tuned": ["bert.encoder.layer.0."]}))
    with pytest.raises(ValueError, match="keeps frozen"):
        start_from(None, tmp_path, ["bert.encoder.layer.2.", "classifier."])


def test_train_ner_names_a_missing_encoder(tmp_path):
    (tmp_path / "train.txt").write_text("التقى O\n")
    result = runner.invoke(app, ["train", "ner", "--train", str(tmp_path / "train.txt"),
                                 "--encoder", str(tmp_path / "nowhere"), "--out", str(tmp_path / "ner")])
    assert result.exit_code == 2
    assert "no adapted encoder in" in result.output
