"""The one extraction entry point the worker, `hadath extract` and the benchmarks call."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Protocol, Sequence

from hadath.events.classifier import TriggerClassifier, is_candidate
from hadath.events.extract import event_sentences, extract_events
from hadath.schemas import Article, Event

log = logging.getLogger(__name__)

RULES_VERSION = "events-rules-2"


class Extractor(Protocol):
    versions: dict[str, str]

    def extract(self, articles: Sequence[Article]) -> list[list[Event]]: ...


class NlpExtractor:
    """One encoder pass over the article's event sentences gives the entities and the features
    of each trigger candidate; the classifier judges the candidates; rules build the events."""

    def __init__(self, tagger, classifier: TriggerClassifier, batch_across_articles: bool = True):
        self.tagger = tagger
        self.classifier = classifier
        self.batch_across_articles = batch_across_articles
        self.versions = {"ner": f"{tagger.version}+{tagger.decoding}", "classifier": classifier.version,
                         "events": RULES_VERSION}

    @classmethod
    def load(cls, model_dir: Path, classifier_dir: Path, batch_across_articles: bool = True) -> "NlpExtractor":
        from hadath.nlp.ner import NerTagger

        tagger, classifier = NerTagger.load(model_dir), TriggerClassifier.load(classifier_dir)
        # The head reads the encoder's hidden states: another encoder's are meaningless to it.
        if classifier.encoder not in (None, tagger.version):
            raise ValueError(
                f"the event classifier in {classifier_dir} was trained on the features of NER model "
                f"{classifier.encoder}, but {model_dir} holds {tagger.version}: retrain it with "
                f"`hadath train events --model-dir {model_dir} --out {classifier_dir}`")
        return cls(tagger, classifier, batch_across_articles)

    def extract(self, articles: Sequence[Article]) -> list[list[Event]]:
        # Only sentences that can hold an event are tagged (furniture and trigger-less ones cannot).
        spans = [event_sentences(a.body) for a in articles]
        if self.batch_across_articles:
            analyses = self.tagger.analyse([a.body for a in articles], spans, wanted=is_candidate)
        else:
            analyses = [self.tagger.analyse([a.body], [sp], wanted=is_candidate)[0] for a, sp in zip(articles, spans)]
        now = datetime.now(timezone.utc)
        return [extract_events(a, found.entities, self.versions, now, sp, self.classifier.judge(found.features))
                for a, found, sp in zip(articles, analyses, spans)]


class NoopExtractor:
    """Finds nothing; the benchmark's baseline for the cost of the plumbing alone."""

    versions = {"extractor": "noop"}

    def extract(self, articles: Sequence[Article]) -> list[list[Event]]:
        return [[] for _ in articles]


@dataclass(frozen=True)
class Outcome:
    article: Article
    events: list[Event] | None
    error: str | None = None


def extract_isolated(extractor: Extractor, articles: Sequence[Article]) -> list[Outcome]:
    """Extract a batch; if the batch fails, retry one by one so a bad article fails alone."""
    try:
        return [Outcome(a, ev) for a, ev in zip(articles, extractor.extract(articles), strict=True)]
    except Exception:
        log.warning("batch extraction failed; retrying %d articles one by one", len(articles))
    outcomes = []
    for article in articles:
        try:
            outcomes.append(Outcome(article, extractor.extract([article])[0]))
        except Exception as exc:  # noqa: BLE001 - any failure routes the article to the DLQ
            log.exception("extraction failed for article %s", article.id)
            outcomes.append(Outcome(article, None, f"extraction failed: {type(exc).__name__}: {exc}"))
    return outcomes


def build_extractor(kind: str, model_dir: Path, classifier_dir: Path, batch_across_articles: bool = True) -> Extractor:
    if kind == "noop":
        return NoopExtractor()
    return NlpExtractor.load(model_dir, classifier_dir, batch_across_articles)
