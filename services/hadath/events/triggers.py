"""The trigger classifier: which event type, if any, a trigger word evokes in its sentence.

The lexicon proposes candidates (every word it knows as a trigger); the classifier reads the
NER encoder's features of each candidate (`NerTagger.run`) with the lexicon's type, and says
NONE or a PLOVER type.
In general news about a third of the lexicon's hits are no event at all: share prices that
تراجع, an aid centre's name (مركز الملك سلمان للإغاثة), someone who رفض الكشف عن هويته.
The model is a linear softmax head, the event model of `models/events/`, trained by
`hadath train events`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np

from hadath.events.lexicon import PRIORITY
from hadath.text import Word

NONE = "NONE"
CLASSES = (NONE, *PRIORITY)


@dataclass(frozen=True)
class Judgement:
    kind: str  # a PLOVER type, or NONE
    probability: float


def inputs(vectors: np.ndarray, kinds: Sequence[str | None]) -> np.ndarray:
    """The classifier's input rows: encoder features, then the lexicon's type one-hot (its prior)."""
    prior = np.zeros((len(kinds), len(CLASSES)), dtype=np.float32)
    for row, kind in enumerate(kinds):
        prior[row, CLASSES.index(kind or NONE)] = 1.0
    return np.concatenate([vectors.astype(np.float32), prior], axis=1)


class TriggerClassifier:
    def __init__(self, weight: np.ndarray, bias: np.ndarray, version: str, encoder: str | None = None):
        self.weight = weight.astype(np.float32)  # (classes, features)
        self.bias = bias.astype(np.float32)
        self.version = version
        self.encoder = encoder  # version of the NER model whose features it was trained on

    @classmethod
    def load(cls, model_dir: Path | str) -> "TriggerClassifier":
        from safetensors.numpy import load_file

        model_dir = Path(model_dir)
        if not (model_dir / "config.json").is_file():
            raise FileNotFoundError(
                f"no event model in {model_dir}: train one with `hadath train events` (see README)")
        meta = json.loads((model_dir / "config.json").read_text())
        if tuple(meta["classes"]) != CLASSES:
            raise ValueError(f"{model_dir}: trained for classes {meta['classes']}, this code has {list(CLASSES)}")
        tensors = load_file(str(model_dir / "head.safetensors"))
        return cls(tensors["weight"], tensors["bias"], meta["version"], meta.get("encoder"))

    def save(self, model_dir: Path, meta: dict) -> None:
        from safetensors.numpy import save_file

        model_dir.mkdir(parents=True, exist_ok=True)
        save_file({"weight": self.weight.astype(np.float16), "bias": self.bias.astype(np.float16)},
                  str(model_dir / "head.safetensors"))
        (model_dir / "config.json").write_text(
            json.dumps({**meta, "version": self.version, "classes": list(CLASSES)}, indent=2, ensure_ascii=False))

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        logits = features.astype(np.float32) @ self.weight.T + self.bias
        logits -= logits.max(axis=-1, keepdims=True)
        exp = np.exp(logits)
        return exp / exp.sum(axis=-1, keepdims=True)

    def judge(self, features: Mapping[Word, np.ndarray], kinds: Mapping[Word, str]) -> dict[int, Judgement]:
        """A judgement for each candidate word (its encoder features and its lexicon type), keyed by
        its start offset."""
        if not features:
            return {}
        words = sorted(features, key=lambda w: w.start)
        probs = self.probabilities(inputs(np.stack([features[w] for w in words]), [kinds[w] for w in words]))
        return {w.start: Judgement(CLASSES[int(p.argmax())], round(float(p.max()), 4)) for w, p in zip(words, probs)}
