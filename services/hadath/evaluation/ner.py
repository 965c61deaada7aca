"""Entity-level NER scores with seqeval (conlleval semantics, BIO)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from seqeval.metrics import classification_report, f1_score, precision_score, recall_score

from hadath.corpora.conll import Sentence
from hadath.nlp.ner import NerTagger
from hadath.text import windows


@dataclass(frozen=True)
class NerScores:
    precision: float
    recall: float
    f1: float
    per_type: dict[str, dict[str, float]]

    def summary(self) -> dict[str, float]:
        return {"precision": round(self.precision, 4), "recall": round(self.recall, 4), "f1": round(self.f1, 4)}


def score(gold: Sequence[Sequence[str]], predicted: Sequence[Sequence[str]]) -> NerScores:
    gold, predicted = [list(s) for s in gold], [list(s) for s in predicted]
    report = classification_report(gold, predicted, output_dict=True, zero_division=0)
    per_type = {k: {m: float(v[m]) for m in ("precision", "recall", "f1-score", "support")}
                for k, v in report.items() if not k.endswith(" avg")}
    return NerScores(
        precision=float(precision_score(gold, predicted, zero_division=0)),
        recall=float(recall_score(gold, predicted, zero_division=0)),
        f1=float(f1_score(gold, predicted, zero_division=0)),
        per_type=per_type,
    )


def predict_labels(tagger: NerTagger, sentences: Sequence[Sentence]) -> list[list[str]]:
    """Tag each sentence in model-sized windows, then stitch the windows back together."""
    pieces, owners = [], []
    for i, sentence in enumerate(sentences):
        for window in windows(sentence.tokens):
            pieces.append(list(window))
            owners.append(i)
    out: list[list[str]] = [[] for _ in sentences]
    for owner, labels in zip(owners, tagger.tag(pieces)):
        out[owner].extend(label for label, _ in labels)
    return out


def evaluate_ner(tagger: NerTagger, sentences: Sequence[Sentence]) -> NerScores:
    return score([s.labels for s in sentences], predict_labels(tagger, sentences))
