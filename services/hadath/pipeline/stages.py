"""The extraction stages, in the order a document goes through them.

Each stage takes a batch of documents and fills in its part of each; stages that run a model
batch across documents. Stages are plain callables with a name, so the pipeline, the bench
(which times each) and the tests all run the same code.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Protocol, Sequence

from hadath.events.lexicon import lexicon_kind
from hadath.events.participants import EventHeads
from hadath.events.rules import build_events, event_sentences
from hadath.events.triggers import TriggerClassifier
from hadath.pipeline.document import Document

RULES_VERSION = "events-rules-3"


class Stage(Protocol):
    name: str

    def __call__(self, docs: Sequence[Document]) -> None: ...


class Segment:
    """Sentences that can hold an event (furniture and trigger-less ones cannot), their words,
    and the trigger candidates among them: computed once, read by every later stage."""

    name = "segment"

    def __call__(self, docs: Sequence[Document]) -> None:
        for doc in docs:
            doc.sentences = event_sentences(doc.article.body)
            doc.candidates = {w: kind for s in doc.sentences for w in s.words if (kind := lexicon_kind(w))}


class Tag:
    """One encoder pass over the event sentences: the entities, and the features of each trigger
    candidate that the trigger classifier reads."""

    name = "ner"

    def __init__(self, tagger, batch_across_articles: bool = True):
        self.tagger = tagger
        self.batch_across_articles = batch_across_articles

    def __call__(self, docs: Sequence[Document]) -> None:
        groups = [docs] if self.batch_across_articles else [[doc] for doc in docs]
        for group in groups:
            wanted = {w for doc in group for w in doc.candidates}
            found = self.tagger.analyse([d.article.body for d in group], [d.sentences for d in group],
                                        wanted=wanted.__contains__)
            for doc, analysis in zip(group, found):
                doc.entities, doc.features = analysis.entities, analysis.features


class JudgeTriggers:
    """The trigger classifier's type (or NONE) for each candidate."""

    name = "triggers"

    def __init__(self, classifier: TriggerClassifier):
        self.classifier = classifier

    def __call__(self, docs: Sequence[Document]) -> None:
        for doc in docs:
            doc.judgements = self.classifier.judge(doc.features, doc.candidates)


class BuildEvents:
    """The event rules and heads: participants among all the article's actors, sides, status,
    mode, dates, places; mentions merged; the events that stand."""

    name = "rules"

    def __init__(self, versions: dict[str, str], heads: EventHeads | None = None):
        self.versions = versions
        self.heads = heads

    def __call__(self, docs: Sequence[Document]) -> None:
        now = datetime.now(timezone.utc)
        for doc in docs:
            doc.events = build_events(doc.article, doc.sentences, doc.entities, self.versions, now, doc.judgements,
                                      self.heads)
