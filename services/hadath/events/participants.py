"""Who takes part in an event, and which events stand: the learned part of the event model.

Every actor an article names is a candidate participant of every trigger, wherever it is named:
the subject Arabic drops (وأكد في بيان…) is the minister of the sentence before, a meeting's other
side is often in the headline or the next sentence. The role head scores each (trigger, actor)
pair from what the rules see of it (the trigger's own clause, the rules' sides) and where the
actor is named (distance in words and sentences, before or after, after مع, how often, in the
lead); the keep head then scores each assembled event (how sure the trigger and its
participants are, how often it is told) and drops those that are no real event. Both are
small MLPs trained on the annotated corpus (`hadath train events`), run in numpy.

Pure functions and numpy, no torch: the pipeline's rules stage calls `choose_participants` and
`keep`.
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import numpy as np

from hadath.events.arabic import normalize
from hadath.events.lexicon import COMPLEMENTIZER, PRIORITY
from hadath.schemas import Actor
from hadath.text import split_sentences

STATUSES = ("occurred", "planned", "reported", "cancelled")
ACTOR_TYPES = ("PER", "ORG", "GPE", "NORP")
MAX_PARTICIPANTS = 6  # a summit names more, but they are seldom all parties to one act
_WITH = re.compile(r"(?:^|\s)(?:مع|ومع|بين)\s+(?:\S+\s+){0,2}$")
_PREPOSITION = re.compile(r"(?:^|\s)(?:على|عن|إلى|الى|من|في|لدى|ضد)\s+$|(?:^|\s)[وف]?[بل]$")


@dataclass
class Candidate:
    """An actor of the article with every place it is named (start offsets, in text order)."""

    key: str
    actor: Actor
    mentions: list[int] = field(default_factory=list)
    score: float = 0.0


@dataclass(frozen=True)
class Site:
    """Where an event is told: its trigger, clause and sentence, and what the rules made of it."""

    kind: str
    trigger_start: int
    probability: float
    clause: tuple[int, int]
    sentence: tuple[int, int]
    rule_keys: tuple[str, ...]
    rule_source: str | None
    rule_target: str | None


class ArticleIndex:
    """Sentence numbers of an article's offsets (all its sentences, not only the event ones)."""

    def __init__(self, body: str, title: str | None):
        self.body = body
        self.starts = [start for start, _ in split_sentences(body)] or [0]
        self.title = normalize(title or "")

    def sentence_of(self, offset: int) -> int:
        return max(0, bisect.bisect_right(self.starts, offset) - 1)


def _one_hot(value, values: Sequence) -> list[float]:
    return [float(value == v) for v in values]


def pair_features(site: Site, candidate: Candidate, candidates: Sequence[Candidate], index: ArticleIndex) -> list[float]:
    body, trigger = index.body, site.trigger_start
    here = index.sentence_of(trigger)
    s_start, s_end = site.sentence
    same = [m for m in candidate.mentions if s_start <= m < s_end]
    nearest = min(same, key=lambda m: abs(m - trigger)) if same else None
    gap_words = len(body[min(nearest, trigger):max(nearest, trigger)].split()) if nearest is not None else 60
    distance = min(abs(index.sentence_of(m) - here) for m in candidate.mentions)
    others = sorted(m for c in candidates if c is not candidate for m in c.mentions if s_start <= m < s_end)
    before = [m for m in same if m < trigger]
    after = [m for m in same if m > trigger]
    nearest_before = bool(before) and not any(max(before) < m < trigger for m in others)
    nearest_after = bool(after) and not any(trigger < m < min(after) for m in others)
    first = candidate.mentions[0]
    name = normalize(candidate.actor.name or candidate.actor.text)
    in_sentence = sum(1 for c in candidates if any(s_start <= m < s_end for m in c.mentions))
    crosses = nearest is not None and bool(COMPLEMENTIZER.search(body[min(nearest, trigger):max(nearest, trigger)]))
    return [
        float(any(site.clause[0] <= m < site.clause[1] for m in candidate.mentions)),
        float(bool(same)),
        float(candidate.key in site.rule_keys),
        float(candidate.key == site.rule_source),
        float(candidate.key == site.rule_target),
        float(nearest is not None and nearest < trigger),
        float(np.log1p(gap_words)),
        *_one_hot(min(distance, 3), range(4)),
        float(any(index.sentence_of(m) < here for m in candidate.mentions)),
        float(any(index.sentence_of(m) > here for m in candidate.mentions)),
        float(np.log1p(len(candidate.mentions))),
        float(index.sentence_of(first) == 0),
        float(bool(name) and name in index.title),
        *_one_hot(candidate.actor.type, ACTOR_TYPES),
        float(candidate.actor.title is not None),
        float(nearest_before),
        float(nearest_after),
        float(any(_WITH.search(body[max(0, m - 30):m]) for m in same)),
        float(any(_PREPOSITION.search(body[max(0, m - 8):m]) for m in same)),
        float(np.log1p(in_sentence)),
        site.probability,
        min(here, 10) / 10,
        float(crosses),
        candidate.score,
        *_one_hot(site.kind, PRIORITY),
    ]


@dataclass(frozen=True)
class Mlp:
    """One hidden ReLU layer and a sigmoid out: P(yes) of each row."""

    hidden: np.ndarray  # (features, units)
    hidden_bias: np.ndarray
    out: np.ndarray  # (units,)
    out_bias: float
    mean: np.ndarray  # feature standardization
    scale: np.ndarray

    def __call__(self, rows: np.ndarray) -> np.ndarray:
        x = (np.asarray(rows, dtype=np.float32) - self.mean) / self.scale
        h = np.maximum(x @ self.hidden + self.hidden_bias, 0.0)
        return 0.5 * (1.0 + np.tanh(0.5 * (h @ self.out + self.out_bias)))  # the sigmoid, without overflow

    def tensors(self, prefix: str) -> dict[str, np.ndarray]:
        return {f"{prefix}.hidden": self.hidden, f"{prefix}.hidden_bias": self.hidden_bias,
                f"{prefix}.out": self.out, f"{prefix}.out_bias": np.array([self.out_bias]),
                f"{prefix}.mean": self.mean, f"{prefix}.scale": self.scale}

    @classmethod
    def from_tensors(cls, tensors: dict[str, np.ndarray], prefix: str) -> "Mlp":
        get = lambda name: tensors[f"{prefix}.{name}"].astype(np.float32)  # noqa: E731
        return cls(get("hidden"), get("hidden_bias"), get("out"), float(get("out_bias")[0]), get("mean"), get("scale"))


def event_features(kind: str, status: str, participants: Sequence[float], sites: int, first_sentence: int,
                   trigger_probability: float, types: Sequence[str]) -> list[float]:
    p = list(participants) or [0.0]
    return [
        trigger_probability,
        float(np.mean(p)), float(min(p)), float(max(p)),
        *_one_hot(min(len(participants), 3), (1, 2, 3)),
        float(np.log1p(sites)),
        min(first_sentence, 10) / 10,
        float(first_sentence == 0),
        float("PER" in types),
        float(all(t in ("GPE", "NORP") for t in types)),
        *_one_hot(status, STATUSES),
        *_one_hot(kind, PRIORITY),
    ]


@dataclass(frozen=True)
class EventHeads:
    """The role head, the keep head and their thresholds (`models/events/`)."""

    roles: Mlp
    keep: Mlp
    role_threshold: float
    keep_threshold: float
    version: str

    FILE = "participants.safetensors"

    @classmethod
    def load(cls, model_dir: Path | str) -> "EventHeads | None":
        """The heads, or None where the model folder has none (the rules alone then decide)."""
        from safetensors.numpy import load_file

        path = Path(model_dir) / cls.FILE
        if not path.is_file():
            return None
        meta = json.loads((Path(model_dir) / "config.json").read_text())["participants"]
        tensors = load_file(str(path))
        return cls(Mlp.from_tensors(tensors, "roles"), Mlp.from_tensors(tensors, "keep"),
                   meta["role_threshold"], meta["keep_threshold"], meta["version"])

    def save(self, model_dir: Path, meta: dict) -> None:
        """The heads in fp16, their thresholds into the folder's config.json (kept otherwise)."""
        from safetensors.numpy import save_file

        tensors = {k: v.astype(np.float16) for k, v in {**self.roles.tensors("roles"),
                                                         **self.keep.tensors("keep")}.items()}
        save_file(tensors, str(model_dir / self.FILE))
        config_path = model_dir / "config.json"
        config = json.loads(config_path.read_text())
        config["participants"] = {**meta, "version": self.version, "role_threshold": self.role_threshold,
                                  "keep_threshold": self.keep_threshold}
        config_path.write_text(json.dumps(config, indent=2, ensure_ascii=False))


def choose(site: Site, candidates: Sequence[Candidate], index: ArticleIndex, roles: Mlp,
           threshold: float) -> list[tuple[Candidate, float]]:
    """The candidates the role head takes part in the event, most likely first (at most
    MAX_PARTICIPANTS)."""
    if not candidates:
        return []
    probabilities = roles(np.array([pair_features(site, c, candidates, index) for c in candidates]))
    ranked = sorted(zip(candidates, probabilities.tolist()), key=lambda cp: -cp[1])
    return [(c, p) for c, p in ranked[:MAX_PARTICIPANTS] if p >= threshold]


def position_near(candidate: Candidate, site: Site) -> int:
    """The mention that stands for the actor at this trigger: in its sentence if any (the last
    one before the trigger first), else the nearest."""
    start, end = site.sentence
    same = [m for m in candidate.mentions if start <= m < end]
    before = [m for m in same if m < site.trigger_start]
    if before:
        return max(before)
    return min(same or candidate.mentions, key=lambda m: abs(m - site.trigger_start))
