"""The document a pipeline passes through its stages: one article and what each stage found."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from hadath.events.triggers import Judgement
from hadath.schemas import Article, Event
from hadath.text import Entity, Sentence, Word


@dataclass
class Document:
    article: Article
    sentences: list[Sentence] = field(default_factory=list)  # those that can hold an event
    candidates: dict[Word, str] = field(default_factory=dict)  # trigger words and the lexicon's type
    entities: list[Entity] = field(default_factory=list)
    features: dict[Word, np.ndarray] = field(default_factory=dict)  # encoder features of the candidates
    judgements: dict[int, Judgement] = field(default_factory=dict)  # by candidate start offset
    events: list[Event] = field(default_factory=list)
