"""Train the role and keep heads (`events/participants.py`) on the annotated corpus
(`hadath train participants`).

Role examples: every (clause trigger, article actor) pair whose trigger lies on a gold event's
trigger; the pair is positive when the actor is one of that event's participants by the judge's
own test (one of the participant's surface forms in the actor's strings, or the reverse). Keep
examples: the events that the role head (trained without their article: 5 folds by article)
and the rules assemble, labelled by the judge (a hit, or a duplicate / spurious event; those
matching optional gold are left out, as the judge leaves them). The thresholds are chosen for
the judge's F1 on the corpus, out of fold, so the development set is only ever measured.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np
from sklearn.model_selection import GroupKFold
from sklearn.neural_network import MLPClassifier

from hadath.corpora.annotations import to_gold
from hadath.corpora.gold import articles_by_id, read_jsonl
from hadath.evaluation.events import EventScores, actor_strings, covers, judge_article
from hadath.events.participants import EventHeads, Mlp, pair_features
from hadath.events.rules import Told, keep_features, merged_drafts, read_article
from hadath.schemas import Article

log = logging.getLogger(__name__)

FOLDS = 5
ROLE_THRESHOLDS = (0.1, 0.15, 0.2, 0.25, 0.3)
KEEP_THRESHOLDS = tuple(np.round(np.arange(0.05, 0.65, 0.05), 2))


@dataclass(frozen=True)
class Example:
    """An annotated article as the rules read it, with its gold in the judge's form."""

    article: Article
    told: Told
    gold: dict  # {"published", "events"}, the judge's
    record: dict  # the corpus record (offsets)


def example(article: Article, told: Told, record: dict) -> Example:
    view = to_gold(record, article.body)
    return Example(article, told, {"published": None, "events": view.events}, record)


def role_examples(examples: Sequence[Example]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pair features, labels and article numbers of every pair on a gold trigger."""
    rows, labels, groups = [], [], []
    for n, ex in enumerate(examples):
        for _, draft in ex.told.clauses:
            site = draft.site
            end = site.trigger_start + len(draft.evidence.trigger)
            gold = next((g for v, g in zip(ex.record["events"], ex.gold["events"])
                         if any(s < end and site.trigger_start < e for s, e in v["triggers"])), None)
            if gold is None:
                continue
            for candidate in ex.told.candidates:
                strings = actor_strings({"actors": [candidate.actor.model_dump()]})[0]
                rows.append(pair_features(site, candidate, ex.told.candidates, ex.told.index))
                labels.append(any(covers(forms, strings) for forms in gold["actors"]))
                groups.append(n)
    return np.array(rows, dtype=np.float32), np.array(labels), np.array(groups)


def fit_mlp(rows: np.ndarray, labels: np.ndarray, hidden: int, seed: int, early_stopping: bool = True) -> Mlp:
    """An MLP fitted on standardized rows (stopped when a held-out tenth stops improving)."""
    mean, scale = rows.mean(axis=0), rows.std(axis=0) + 1e-3
    model = MLPClassifier(hidden_layer_sizes=(hidden,), alpha=1e-3, max_iter=300, early_stopping=early_stopping,
                          random_state=seed).fit((rows - mean) / scale, labels)
    return Mlp(model.coefs_[0].astype(np.float32), model.intercepts_[0].astype(np.float32),
               model.coefs_[1][:, 0].astype(np.float32), float(model.intercepts_[1][0]), mean, scale)


def assembled(examples: Sequence[Example], heads: EventHeads) -> list[list[tuple[list[float], dict]]]:
    """Per article: each merged draft's keep features and its event as the judge reads it."""
    out = []
    for ex in examples:
        drafts = []
        for _, d in merged_drafts(ex.told, heads, keep=False):
            drafts.append((keep_features(d, ex.told.index),
                           {"event_type": d.kind, "actors": [a.model_dump() for a in d.actors]}))
        out.append(drafts)
    return out


def judged_f1(examples: Sequence[Example], drafts: list[list[tuple[list[float], dict]]],
              keep: list[np.ndarray], threshold: float) -> EventScores:
    scores = EventScores()
    for ex, article, probabilities in zip(examples, drafts, keep):
        judge_article(ex.gold, [e for (_, e), p in zip(article, probabilities) if p >= threshold], scores)
    return scores


def train_heads(examples: Sequence[Example], version: str, seed: int = 13, hidden: int = 32
                ) -> tuple[EventHeads, dict]:
    """Heads trained on all `examples`, thresholds chosen out of fold; with the out-of-fold figures."""
    rows, labels, groups = role_examples(examples)
    log.info("role examples: %d pairs (%d positive) from %d articles", len(rows), labels.sum(), len(set(groups)))
    folds = list(GroupKFold(FOLDS).split(np.arange(len(examples)), groups=np.arange(len(examples))))
    role_heads = []
    for train, _ in folds:
        chosen = np.isin(groups, train)
        role_heads.append(fit_mlp(rows[chosen], labels[chosen], hidden, seed))
    best = None
    for role_threshold in ROLE_THRESHOLDS:
        drafts: list = [None] * len(examples)
        for roles, (_, test) in zip(role_heads, folds):
            heads = EventHeads(roles, roles, role_threshold, 0.0, version)
            for i, article in zip(test, assembled([examples[i] for i in test], heads)):
                drafts[i] = article
        keep_rows, keep_labels, keep_groups = [], [], []
        for i, (ex, article) in enumerate(zip(examples, drafts)):
            outcomes = judge_article(ex.gold, [e for _, e in article], EventScores())
            for (features, _), outcome in zip(article, outcomes):
                if outcome != "excused":
                    keep_rows.append(features)
                    keep_labels.append(outcome == "hit")
                    keep_groups.append(i)
        keep_rows, keep_labels, keep_groups = map(np.array, (keep_rows, keep_labels, keep_groups))
        keep = [np.ones(len(a)) for a in drafts]
        for train, test in folds:
            head = fit_mlp(keep_rows[np.isin(keep_groups, train)], keep_labels[np.isin(keep_groups, train)], 16, seed)
            for i in test:
                if drafts[i]:
                    keep[i] = head(np.array([f for f, _ in drafts[i]]))
        for keep_threshold in KEEP_THRESHOLDS:
            scores = judged_f1(examples, drafts, keep, keep_threshold)
            log.info("role %.2f keep %.2f: %s", role_threshold, keep_threshold, scores.summary())
            if best is None or scores.f1 > best[0].f1:
                best = (scores, role_threshold, float(keep_threshold), keep_rows, keep_labels)
    scores, role_threshold, keep_threshold, keep_rows, keep_labels = best
    heads = EventHeads(fit_mlp(rows, labels, hidden, seed), fit_mlp(keep_rows, keep_labels, 16, seed),
                       role_threshold, keep_threshold, version)
    figures = {"out_of_fold": scores.summary(), "role_threshold": role_threshold, "keep_threshold": keep_threshold,
               "role_pairs": int(len(rows)), "keep_events": int(len(keep_rows)), "articles": len(examples)}
    return heads, figures


def corpus_examples(corpus: Path, articles: Path, pipeline) -> list[Example]:
    """The corpus's articles (picked by id from `articles`) read by the pipeline's model stages
    and the rules."""
    from hadath.pipeline.document import Document

    records = {r["id"]: r for r in read_jsonl(corpus)}
    texts = articles_by_id(articles, set(records), corpus)
    out = []
    ordered = [Article.model_validate(texts[i]) for i in sorted(records)]
    for start in range(0, len(ordered), 32):
        docs = [Document(a) for a in ordered[start:start + 32]]
        for stage in pipeline.stages[:-1]:  # all but the rules, which read the article here
            stage(docs)
        out += [example(d.article, read_article(d.article, d.sentences, d.entities, d.judgements, empty_ok=True),
                        records[d.article.id]) for d in docs]
        log.info("read %d of %d corpus articles", len(out), len(ordered))
    return out


def train(corpus: Path, articles: Path, settings, out: Path) -> dict:
    """Train the heads on the corpus and write them into the event model folder `out`."""
    import hashlib

    from hadath.pipeline.run import load_models, nlp_pipeline

    tagger, classifier = load_models(settings.ner_model_dir, settings.event_model_dir)
    examples = corpus_examples(corpus, articles, nlp_pipeline(tagger, classifier, settings.batch_across_articles))
    version = "participants-" + hashlib.sha1(corpus.read_bytes()).hexdigest()[:8]
    heads, figures = train_heads(examples, version)
    heads.save(out, {"corpus": corpus.name, "trigger_classifier": classifier.version})
    return {**figures, "version": version, "out": str(out)}
