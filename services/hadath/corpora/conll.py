"""CoNLL-style files: one `token label` per line (space or tab), blank line between sentences."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Sentence:
    tokens: list[str]
    labels: list[str]


def _clean_label(label: str) -> str:
    # ANERcorp has a few glued labels such as "Oالإصابة"; BIO tags never contain Arabic.
    label = label.strip().lstrip("\ufeff\u200e")
    if label.startswith(("B-", "I-")):
        return label
    return "O"


def parse_conll(text: str) -> list[Sentence]:
    sentences: list[Sentence] = []
    tokens: list[str] = []
    labels: list[str] = []
    for line_no, line in enumerate(text.splitlines(), 1):
        parts = line.replace("\t", " ").split()
        if not parts:
            if tokens:
                sentences.append(Sentence(tokens, labels))
                tokens, labels = [], []
            continue
        if len(parts) < 2:
            if parts[0] == "O" or parts[0].startswith(("B-", "I-")):
                continue  # a label whose token is missing (ANERcorp has a few)
            raise ValueError(f"line {line_no}: expected 'token label', got {line!r}")
        token = parts[0].strip("\ufeff\u200e")
        if not token:
            continue
        tokens.append(token)
        labels.append(_clean_label(parts[-1]))
    if tokens:
        sentences.append(Sentence(tokens, labels))
    return sentences


def read_conll(path: str | Path) -> list[Sentence]:
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no such CoNLL file: {path}")
    return parse_conll(path.read_text(encoding="utf-8"))
