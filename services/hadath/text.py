"""Words, sentences and entity spans of a text: what the model, the rules and their tests share.

Pure Python, no torch: the event rules and their tests load this, never the model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Sequence

MAX_WORDS = 96  # words per model window; long sentences are cut into windows

# A word is a run of letters/digits (with inner dots for numbers and
# abbreviations) or one punctuation mark, as in ANERcorp's tokenization.
_WORD = re.compile(r"\w+(?:[.,]\d+)*|[^\w\s]", re.UNICODE)
_SENTENCE_END = re.compile(r"(?<=[.!?؟\n])\s+|\n+")


@dataclass(frozen=True)
class Word:
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Entity:
    """A named-entity span with character offsets into its text."""

    text: str
    type: str
    start: int
    end: int
    score: float


def split_words(text: str, offset: int = 0) -> list[Word]:
    return [Word(m.group(), m.start() + offset, m.end() + offset) for m in _WORD.finditer(text)]


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Character spans of sentences (newlines always end one)."""
    spans, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        if text[start:m.start()].strip():
            spans.append((start, m.start()))
        start = m.end()
    if text[start:].strip():
        spans.append((start, len(text.rstrip())))
    return spans


def windows(words: Sequence, size: int = MAX_WORDS) -> Iterable[Sequence]:
    for i in range(0, len(words), size):
        yield words[i:i + size]


def text_windows(text: str, spans: Sequence[tuple[int, int]] | None = None) -> list[list[Word]]:
    """The model windows of a text's sentences (or of `spans`), words with offsets into the text."""
    return [list(window) for start, end in (spans if spans is not None else split_sentences(text))
            for window in windows(split_words(text[start:end], start))]


@dataclass(frozen=True)
class Sentence:
    """A sentence's span in its text and its words (offsets into the text)."""

    start: int
    end: int
    words: tuple[Word, ...]


def sentence_at(text: str, start: int, end: int) -> Sentence:
    return Sentence(start, end, tuple(split_words(text[start:end], start)))
