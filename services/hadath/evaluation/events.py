"""Events scored the way the shared judge (`../shared/eval/score_events.py`) scores them, with a
breakdown of the errors (`hadath eval events`).

A predicted event matches a gold one when the article and type agree and its actors cover at
least min(2, number of gold actor groups) of the gold groups: a group is covered when one of its
aliases occurs in a predicted actor's strings (or the reverse, for strings of 3+ letters), each
predicted actor covering one group at most. Matching is one-to-one and greedy by coverage,
required gold events first; a prediction that matches an optional gold event is excused (no
hit, no false positive). Gold comes as the judge's format: {"articles": {id: {"published",
"events": [{"type", "actors": [[alias, …], …], "optional"?, "mode"?, "status"?, "date"?}]}}}.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Mapping, Sequence

import orjson

from hadath.config import Settings

if TYPE_CHECKING:
    from hadath.corpora.gold import GoldSet

MAX_ACTOR_WORDS = 15  # a longer "actor" is a sentence, not a name: it covers nothing
ATTRIBUTES = ("mode", "status", "date")
_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ى": "ي", "ة": "ه", "ـ": None})


def norm(text: str | None) -> str:
    """The judge's normalization: NFKC, alef/yeh/teh marbuta folded, tatweel and marks dropped."""
    folded = unicodedata.normalize("NFKC", text or "").translate(_FOLD)
    return "".join(ch for ch in folded if not unicodedata.category(ch).startswith("M"))


def actor_strings(event: Mapping) -> list[list[str]]:
    """One list of normalized strings per predicted actor: text, name and mentions."""
    out = []
    for actor in event.get("actors") or []:
        if isinstance(actor, str):
            raw = [actor]
        else:
            raw = [v for k in ("text", "name", "name_ar", "canonical") for v in _strings(actor.get(k))]
            raw += [v for v in actor.get("mentions") or actor.get("aliases") or [] if isinstance(v, str)]
        strings = [s for s in map(norm, raw) if s and len(s.split()) <= MAX_ACTOR_WORDS]
        if strings:
            out.append(strings)
    return out


def _strings(value) -> list[str]:
    if isinstance(value, dict):
        return [v for v in value.values() if isinstance(v, str)]
    return [value] if isinstance(value, str) else []


def covers(group: Sequence[str], strings: Sequence[str]) -> bool:
    aliases = [norm(a) for a in group]
    return any(a in s or (len(s) >= 3 and s in a) for a in aliases for s in strings)


def coverage(groups: Sequence[Sequence[str]], actors: Sequence[Sequence[str]]) -> int:
    """Gold actor groups covered by distinct predicted actors (maximum bipartite matching)."""
    edges = [[j for j, strings in enumerate(actors) if covers(g, strings)] for g in groups]
    owner: dict[int, int] = {}

    def augment(i: int, seen: set[int]) -> bool:
        for j in edges[i]:
            if j not in seen:
                seen.add(j)
                if j not in owner or augment(owner[j], seen):
                    owner[j] = i
                    return True
        return False

    return sum(augment(i, set()) for i in range(len(edges)))


@dataclass
class EventScores:
    matched: int = 0
    gold: int = 0  # required gold events
    predicted: int = 0  # less those excused by an optional gold event
    excused: int = 0
    attributes: dict[str, Counter] = field(default_factory=lambda: {k: Counter() for k in ATTRIBUTES})
    errors: Counter = field(default_factory=Counter)
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
        out = [f"{kind:11} gold {c['gold']:4} predicted {c['predicted']:4} matched {c['matched']:4}"
               for kind, c in sorted(self.per_type.items())]
        out.append(f"{'ALL':11} gold {self.gold:4} predicted {self.predicted:4} matched {self.matched:4} "
                   f"(plus {self.excused} matching optional gold)")
        e = self.errors
        out.append(f"missed {self.gold - self.matched}: {e['missed_not_found']} not found, {e['missed_wrong_type']} "
                   f"found with another type, {e['missed_actors']} found with too few of its actors")
        out.append(f"false positives {self.predicted - self.matched}: {e['duplicate']} duplicates of a matched "
                   f"event, {e['spurious']} spurious")
        out += [f"{k}: {c['correct']}/{c['total']} correct on matched events" for k, c in self.attributes.items()]
        return out


def _best(gold: Mapping, candidates: Sequence[Mapping], actors: Sequence[list], used: set[int]) -> int | None:
    need = min(2, len(gold["actors"]))
    best, best_coverage = None, -1
    for i, p in enumerate(candidates):
        if i in used or str(p.get("event_type", "")).upper() != gold["type"]:
            continue
        covered = coverage(gold["actors"], actors[i])
        if covered >= need and covered > best_coverage:
            best, best_coverage = i, covered
    return best


def _why_missed(gold: Mapping, candidates: Sequence[Mapping], actors: Sequence[list]) -> str:
    need = min(2, len(gold["actors"]))
    covering = [p for p, a in zip(candidates, actors) if coverage(gold["actors"], a) >= need]
    if any(str(p.get("event_type", "")).upper() != gold["type"] for p in covering):
        return "missed_wrong_type"
    if any(str(p.get("event_type", "")).upper() == gold["type"] for p in candidates):
        return "missed_actors"
    return "missed_not_found"


def score_events(gold: Mapping[str, Mapping], predicted: Iterable[Mapping]) -> EventScores:
    """`gold`: the judge's articles mapping; `predicted`: events with `article_id`, `event_type`,
    `actors` (and mode, status, date, scored on matched events)."""
    by_article: dict[str, list[Mapping]] = {}
    for p in predicted:
        if str(p.get("article_id", "")) in gold:
            by_article.setdefault(str(p["article_id"]), []).append(p)
    scores = EventScores()
    for article_id, article in gold.items():
        judge_article(article, by_article.get(article_id, []), scores)
    return scores


def judge_article(article: Mapping, candidates: Sequence[Mapping], scores: EventScores) -> list[str]:
    """Judge one article's predictions into `scores`; what each prediction was: hit, excused
    (matches optional gold), duplicate or spurious."""
    actors = [actor_strings(p) for p in candidates]
    required = [g for g in article["events"] if not g.get("optional")]
    optional = [g for g in article["events"] if g.get("optional")]
    used: set[int] = set()
    for g in required:
        counts = scores.per_type.setdefault(g["type"], Counter())
        counts["gold"] += 1
        scores.gold += 1
        best = _best(g, candidates, actors, used)
        if best is None:
            scores.errors[_why_missed(g, candidates, actors)] += 1
            continue
        used.add(best)
        scores.matched += 1
        counts["matched"] += 1
        for key in ATTRIBUTES:
            if g.get(key) is not None:
                value = candidates[best].get(key)
                scores.attributes[key]["total"] += 1
                scores.attributes[key]["correct"] += int(
                    value is not None and str(value)[:len(str(g[key]))] == str(g[key]))
    hits = set(used)
    for g in optional:
        best = _best(g, candidates, actors, used)
        if best is not None:
            used.add(best)
    outcomes = []
    for i, p in enumerate(candidates):
        if i in hits:
            outcomes.append("hit")
        elif i in used:
            outcomes.append("excused")
        elif any(_best(g, [p], [actors[i]], set()) is not None for g in article["events"]):
            outcomes.append("duplicate")
        else:
            outcomes.append("spurious")
        if outcomes[-1] != "excused":
            scores.per_type.setdefault(str(p.get("event_type", "")).upper(), Counter())["predicted"] += 1
            scores.predicted += 1
            if outcomes[-1] != "hit":
                scores.errors[outcomes[-1]] += 1
        else:
            scores.excused += 1
    return outcomes


def evaluate_events_file(gold: "GoldSet", predicted_path: Path | None, settings: Settings) -> EventScores:
    """Score a predictions file (JSONL events) against `gold`, or extract its articles now."""
    if predicted_path:
        if not predicted_path.is_file():
            raise FileNotFoundError(f"no such predictions file: {predicted_path}")
        predicted = map(orjson.loads, predicted_path.read_bytes().splitlines())
    else:
        from hadath.pipeline.run import load_pipeline, run_isolated

        outcomes = run_isolated(load_pipeline(settings), gold.articles)
        predicted = (e.model_dump(mode="json") for o in outcomes for e in o.events or [])
    return score_events(gold.judged, predicted)
