"""Score predicted events against gold (`hadath eval events`; gold format: `corpora/gold.py`).

A predicted event matches a gold one when the article and type agree and their
actors overlap (one shared actor, compared after normalization, a surface form
contained in the other counting as shared); each event matches at most once.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

import orjson

from hadath.config import Settings
from hadath.corpora.gold import read_gold
from hadath.events.arabic import normalize


@dataclass
class EventScores:
    matched: int = 0
    gold: int = 0
    predicted: int = 0
    per_type: dict[str, Counter] = field(default_factory=dict)

    @property
    def precision(self) -> float:
        return self.matched / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def summary(self) -> dict[str, float]:
        return {"precision": round(self.precision, 4), "recall": round(self.recall, 4), "f1": round(self.f1, 4)}

    def lines(self) -> list[str]:
        out = []
        for kind, c in sorted(self.per_type.items()):
            p = c["matched"] / c["predicted"] if c["predicted"] else 0.0
            r = c["matched"] / c["gold"] if c["gold"] else 0.0
            out.append(f"{kind:10} gold {c['gold']:3} predicted {c['predicted']:3} matched {c['matched']:3} "
                       f"precision {p:.3f} recall {r:.3f}")
        out.append(f"{'ALL':10} gold {self.gold:3} predicted {self.predicted:3} matched {self.matched:3}")
        return out


def _actor_keys(actors: Iterable) -> set[str]:
    keys = set()
    for a in actors:
        if isinstance(a, dict):
            keys.update(normalize(v) for v in (a.get("text"), a.get("name")) if v)
        else:
            keys.add(normalize(a))
    return keys


def actors_overlap(gold: Iterable, predicted: Iterable) -> bool:
    g, p = _actor_keys(gold), _actor_keys(predicted)
    return any(a == b or a in b or b in a for a in g for b in p)


def score_events(gold: Sequence[dict], predicted: Sequence[dict]) -> EventScores:
    """Greedy one-to-one matching; events carry `article_id`, `event_type` and `actors`."""
    scores = EventScores(gold=len(gold), predicted=len(predicted))
    used: set[int] = set()
    for g in gold:
        scores.per_type.setdefault(g["event_type"], Counter())["gold"] += 1
    for p in predicted:
        scores.per_type.setdefault(p["event_type"], Counter())["predicted"] += 1
    for g in gold:
        for i, p in enumerate(predicted):
            if i not in used and p["article_id"] == g["article_id"] and p["event_type"] == g["event_type"] \
                    and actors_overlap(g["actors"], p["actors"]):
                used.add(i)
                scores.matched += 1
                scores.per_type[g["event_type"]]["matched"] += 1
                break
    return scores


def evaluate_events_file(gold_path: Path, predicted_path: Path | None, settings: Settings,
                         split: str | None = None) -> EventScores:
    gold_articles = [g for g in read_gold(gold_path) if split is None or g.split == split]
    gold_events = [e for g in gold_articles for e in g.events]
    if predicted_path:
        if not predicted_path.is_file():
            raise FileNotFoundError(f"no such predictions file: {predicted_path}")
        ids = {g.article.id for g in gold_articles}
        predicted = [e for e in map(orjson.loads, predicted_path.read_bytes().splitlines()) if e["article_id"] in ids]
    else:
        from hadath.pipeline.run import load_pipeline, run_isolated

        outcomes = run_isolated(load_pipeline(settings), [g.article for g in gold_articles])
        predicted = [e.model_dump(mode="json") for o in outcomes for e in o.events or []]
    return score_events(gold_events, predicted)
