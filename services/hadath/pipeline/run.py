"""A pipeline of stages, how it is loaded from the settings, and running it so that one bad
article fails alone. The worker, `hadath extract`, `hadath eval events` and the bench all
run a pipeline from here."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from hadath.config import Settings
from hadath.events.participants import EventHeads
from hadath.events.triggers import TriggerClassifier
from hadath.pipeline.document import Document
from hadath.pipeline.stages import RULES_VERSION, BuildEvents, JudgeTriggers, Segment, Stage, Tag
from hadath.schemas import Article, Event

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Pipeline:
    stages: Sequence[Stage]
    versions: dict[str, str]

    def run(self, articles: Sequence[Article]) -> list[Document]:
        docs = [Document(a) for a in articles]
        for stage in self.stages:
            stage(docs)
        return docs

    def events(self, articles: Sequence[Article]) -> list[list[Event]]:
        return [doc.events for doc in self.run(articles)]


# Finds nothing: the bench's baseline for the cost of the plumbing alone.
NOOP = Pipeline(stages=(), versions={"extractor": "noop"})


def nlp_pipeline(tagger, classifier: TriggerClassifier, batch_across_articles: bool = True,
                 heads: EventHeads | None = None) -> Pipeline:
    versions = {"ner": f"{tagger.version}+{tagger.decoding}", "classifier": classifier.version,
                "events": RULES_VERSION + (f"+{heads.version}" if heads else "")}
    return Pipeline((Segment(), Tag(tagger, batch_across_articles), JudgeTriggers(classifier),
                     BuildEvents(versions, heads)), versions)


def load_models(ner_model_dir: Path, event_model_dir: Path):
    """The NER tagger and the trigger classifier, checked to belong together."""
    from hadath.nlp.ner import NerTagger

    tagger, classifier = NerTagger.load(ner_model_dir), TriggerClassifier.load(event_model_dir)
    # The head reads the encoder's hidden states: another encoder's are meaningless to it.
    if classifier.encoder not in (None, tagger.version):
        raise ValueError(
            f"the event model in {event_model_dir} was trained on the features of NER model "
            f"{classifier.encoder}, but {ner_model_dir} holds {tagger.version}: retrain it with "
            f"`hadath train events --ner-model-dir {ner_model_dir} --out {event_model_dir}`")
    return tagger, classifier


def load_pipeline(settings: Settings) -> Pipeline:
    if settings.extractor == "noop":
        return NOOP
    tagger, classifier = load_models(settings.ner_model_dir, settings.event_model_dir)
    return nlp_pipeline(tagger, classifier, settings.batch_across_articles, EventHeads.load(settings.event_model_dir))


@dataclass(frozen=True)
class Outcome:
    article: Article
    events: list[Event] | None
    error: str | None = None


def run_isolated(pipeline: Pipeline, articles: Sequence[Article]) -> list[Outcome]:
    """Run a batch; if the batch fails, retry one by one so a bad article fails alone."""
    try:
        return [Outcome(a, ev) for a, ev in zip(articles, pipeline.events(articles), strict=True)]
    except Exception:
        log.warning("batch extraction failed; retrying %d articles one by one", len(articles))
    outcomes = []
    for article in articles:
        try:
            outcomes.append(Outcome(article, pipeline.events([article])[0]))
        except Exception as exc:  # noqa: BLE001 - any failure routes the article to the DLQ
            log.exception("extraction failed for article %s", article.id)
            outcomes.append(Outcome(article, None, f"extraction failed: {type(exc).__name__}: {exc}"))
    return outcomes
