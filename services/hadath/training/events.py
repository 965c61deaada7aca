"""Train the event model, a trigger classifier (`hadath train events`), on weak labels plus
hand-checked ones.

Weak labels: every trigger the lexicon finds in SaudiNewsNet sentences, labelled with the
lexicon's type, or NONE where a cue says it is no event: the word lies inside a named entity
(مركز الملك سلمان للإغاثة) or the sentence reports on markets. Hand-checked labels
(`data/events/triggers.jsonl`, drawn from other SaudiNewsNet articles) correct and complete
them: the even-numbered lines are trained on, the odd ones are held out for the figures.
"""

from __future__ import annotations

import logging
import re
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np
import orjson
import torch

from hadath.events.lexicon import lexicon_kind
from hadath.events.rules import content_end
from hadath.events.triggers import CLASSES, NONE, TriggerClassifier, inputs
from hadath.ingest.readers import read_paths
from hadath.nlp.ner import NerTagger
from hadath.text import split_sentences, split_words

log = logging.getLogger(__name__)

MIN_WORDS, MAX_WORDS = 6, 60  # sentences that fit one model window
# Market reports: prices and shares that تراجع or ارتفع are no political events.
_MARKETS = re.compile(r"أسهم|سهم|الأسهم|أسعار|مؤشر|نقطة|المئة|المائة|%|برميل|الدولار|اليورو|ريال")


@dataclass(frozen=True)
class Mention:
    sentence: str
    start: int  # the trigger's character span in the sentence
    end: int
    label: str | None  # hand-checked label; None for weak ones, decided after tagging


@dataclass(frozen=True)
class TrainOptions:
    articles: int = 20_000  # mine the first N articles (the hand-checked ones come from later ones)
    per_type: int = 400  # weak mentions kept per lexicon type
    hand_weight: float = 10.0
    steps: int = 300
    lr: float = 0.05
    weight_decay: float = 1e-2  # chosen by 5-fold cross-validation on the training half
    seed: int = 13


def mine_weak(corpus: Path, options: TrainOptions) -> list[Mention]:
    """Up to `per_type` trigger mentions of each lexicon type, in corpus order (reproducible)."""
    kept: Counter = Counter()
    out: list[Mention] = []
    for n, article in enumerate(r.fields for r in read_paths([corpus])):
        if n >= options.articles or min(kept[k] for k in CLASSES[1:]) >= options.per_type:
            break
        body = article["body"][:content_end(article["body"])]
        for start, end in split_sentences(body):
            sentence = body[start:end]
            words = split_words(sentence)
            if not MIN_WORDS <= len(words) <= MAX_WORDS:
                continue
            for word in words:
                kind = lexicon_kind(word)
                if kind and kept[kind] < options.per_type:
                    kept[kind] += 1
                    out.append(Mention(sentence, word.start, word.end, None))
    log.info("mined %d weak mentions: %s", len(out), dict(kept))
    return out


def read_hand_checked(path: Path) -> tuple[list[Mention], list[Mention]]:
    """(train, held-out) halves of the hand-checked mentions: even lines, odd lines."""
    items = [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]
    unknown = {i["label"] for i in items} - set(CLASSES)
    if unknown:
        raise ValueError(f"{path}: unknown labels {sorted(unknown)}")
    mentions = [Mention(i["sentence"], i["start"], i["end"], i["label"]) for i in items]
    return mentions[0::2], mentions[1::2]


def encode(tagger: NerTagger, mentions: Sequence[Mention]) -> tuple[np.ndarray, list[str]]:
    """Classifier inputs for each mention's trigger, and its label (weak ones from the NER output)."""
    by_sentence: dict[str, list[int]] = {}
    for i, m in enumerate(mentions):
        by_sentence.setdefault(m.sentence, []).append(i)
    sentences = list(by_sentence)
    words = [split_words(s) for s in sentences]
    index = [{w.start: j for j, w in enumerate(ws)} for ws in words]
    asked = [[index[s][mentions[i].start] for i in by_sentence[text]] for s, text in enumerate(sentences)]
    features = np.zeros((len(mentions), 2 * tagger.model.config.hidden_size), dtype=np.float32)
    labels: list[str] = [""] * len(mentions)
    for s, (tags, vectors) in enumerate(tagger.run([[w.text for w in ws] for ws in words], asked)):
        for i in by_sentence[sentences[s]]:
            j = index[s][mentions[i].start]
            features[i] = vectors[j]
            labels[i] = mentions[i].label or weak_label(words[s][j].text, tags[j][0], sentences[s])
    return inputs(features, [lexicon_kind(m.sentence[m.start:m.end]) for m in mentions]), labels


def weak_label(trigger: str, trigger_tag: str, sentence: str) -> str:
    if trigger_tag != "O" or _MARKETS.search(sentence):
        return NONE
    return lexicon_kind(trigger) or NONE


def fit(features: np.ndarray, labels: Sequence[str], weights: np.ndarray,
        options: TrainOptions) -> TriggerClassifier:
    """Softmax regression on standardized features; the standardization is folded into the head."""
    torch.manual_seed(options.seed)
    mean, std = features.mean(0), features.std(0) + 1e-6
    x = torch.from_numpy((features - mean) / std)
    y = torch.tensor([CLASSES.index(label) for label in labels])
    w = torch.from_numpy(weights.astype(np.float32))
    head = torch.nn.Linear(x.shape[1], len(CLASSES))
    optimizer = torch.optim.AdamW(head.parameters(), lr=options.lr, weight_decay=options.weight_decay)
    for _ in range(options.steps):
        optimizer.zero_grad()
        loss = (torch.nn.functional.cross_entropy(head(x), y, reduction="none") * w).sum() / w.sum()
        loss.backward()
        optimizer.step()
    weight = head.weight.detach().numpy() / std
    bias = head.bias.detach().numpy() - weight @ mean
    return TriggerClassifier(weight, bias, version="")


def detection_scores(gold: Sequence[str], predicted: Sequence[str]) -> dict[str, float]:
    """Precision/recall/F1 of finding events (right type, NONE being no event), and accuracy."""
    hits = sum(g == p != NONE for g, p in zip(gold, predicted))
    n_pred = sum(p != NONE for p in predicted)
    n_gold = sum(g != NONE for g in gold)
    precision, recall = hits / n_pred if n_pred else 0.0, hits / n_gold if n_gold else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4),
            "f1": round(2 * precision * recall / (precision + recall), 4) if precision + recall else 0.0,
            "accuracy": round(sum(g == p for g, p in zip(gold, predicted)) / len(gold), 4)}


def train(corpus: Path, hand_checked: Path, ner_model_dir: Path, out: Path, options: TrainOptions) -> dict:
    started = time.perf_counter()
    tagger = NerTagger.load(ner_model_dir)
    hand_train, hand_test = read_hand_checked(hand_checked)
    weak = mine_weak(corpus, options)
    train_inputs, labels = encode(tagger, weak + hand_train)
    weights = np.array([1.0] * len(weak) + [options.hand_weight] * len(hand_train))
    log.info("weak labels: %s", dict(Counter(labels[:len(weak)])))
    classifier = fit(train_inputs, labels, weights, options)
    test_inputs, test_labels = encode(tagger, hand_test)
    predicted = [CLASSES[int(p.argmax())] for p in classifier.probabilities(test_inputs)]
    lexicon = [lexicon_kind(m.sentence[m.start:m.end]) or NONE for m in hand_test]
    figures = {"classifier": detection_scores(test_labels, predicted),
               "lexicon_only": detection_scores(test_labels, lexicon)}
    classifier.version = f"trigger-head-{time.strftime('%Y%m%d')}"
    classifier.save(out, {"encoder": tagger.version, "weak_mentions": len(weak), "hand_checked_train": len(hand_train),
                          "held_out": len(hand_test), "held_out_figures": figures,
                          "seconds": round(time.perf_counter() - started)})
    return figures
