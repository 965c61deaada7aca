"""Read articles from files: seed-format .txt, .json (one object or a list), .jsonl and .jsonl.gz."""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Iterator, TextIO

import orjson
from dateutil import parser as dateparser

SUFFIXES = (".txt", ".json", ".jsonl", ".jsonl.gz")

# " date 2026-01-25 <text>" at the very start of a file.
_DATE_PREFIX = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\s*")
# "تاريخ النشر: 20th, March 2024 GMT"
_PUBLISHED_LINE = re.compile(r"^\s*تاريخ النشر\s*:\s*(.+?)\s*$", re.MULTILINE)
# "2025-12-05@01:30:30 GMT": when the page was scraped.
_FETCHED_LINE = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})@(\d{2}:\d{2}:\d{2})\s*GMT\s*$", re.MULTILINE)
_MAX_TITLE = 200


@dataclass(frozen=True)
class SourceRecord:
    """One article's fields as read, before validation, and where it came from."""

    fields: dict[str, Any]
    origin: str


def as_utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def parse_seed_text(text: str, article_id: str, source: str = "seed",
                    published: datetime | None = None) -> dict[str, Any]:
    """Fields of a seed-format article: a plain-text page with an optional date header."""
    text = text.replace("\r\n", "\n").lstrip("\ufeff")
    published_at = None
    fetched_at = None
    m = _DATE_PREFIX.match(text)
    if m:
        published_at = datetime.fromisoformat(m.group(1)).replace(tzinfo=timezone.utc)
        text = text[m.end():]
    m = _PUBLISHED_LINE.search(text)
    if m and published_at is None:
        try:
            published_at = as_utc(dateparser.parse(m.group(1).replace("GMT", "").strip()))
        except (ValueError, OverflowError):
            pass
    m = _FETCHED_LINE.search(text)
    if m:
        fetched_at = datetime.fromisoformat(f"{m.group(1)}T{m.group(2)}+00:00")
    title = next((line.strip() for line in text.strip().split("\n")[:8] if _is_title(line.strip())), "")
    return {
        "id": article_id,
        "source": source,
        "title": title,
        "body": text.strip(),
        "language": "ar",
        "published_at": (published_at or published).isoformat() if (published_at or published) else None,
        "fetched_at": fetched_at.isoformat() if fetched_at else None,
    }


def _is_title(line: str) -> bool:
    """A headline: a few words, no final period, not a date or source header."""
    return (len(line.split()) >= 3 and len(line) <= _MAX_TITLE and not line.endswith((".", ":"))
            and not _PUBLISHED_LINE.match(line) and not _FETCHED_LINE.match(line))


def _json_records(data: Any, origin: str) -> Iterator[SourceRecord]:
    items = data if isinstance(data, list) else [data]
    for i, item in enumerate(items):
        yield SourceRecord(item if isinstance(item, dict) else {"_raw": item}, f"{origin}[{i}]")


def _jsonl_records(lines: Iterable[str], origin: str) -> Iterator[SourceRecord]:
    for n, line in enumerate(lines, 1):
        if line.strip():
            try:
                yield SourceRecord(orjson.loads(line), f"{origin}:{n}")
            except orjson.JSONDecodeError as exc:
                raise ValueError(f"{origin}:{n}: not a JSON line ({exc})") from exc


def read_stream(stream: TextIO, origin: str = "<stdin>") -> Iterator[SourceRecord]:
    """JSONL (or one JSON document) from a text stream."""
    text = stream.read()
    if text.lstrip().startswith("["):
        yield from _json_records(orjson.loads(text), origin)
        return
    yield from _jsonl_records(text.splitlines(), origin)


def read_file(path: Path, published: datetime | None = None, source: str | None = None) -> Iterator[SourceRecord]:
    if path.suffix == ".txt":
        fields = parse_seed_text(path.read_text(encoding="utf-8"), path.stem, source or "seed", published)
        yield SourceRecord(fields, str(path))
    elif path.suffix == ".json":
        yield from _json_records(orjson.loads(path.read_bytes()), str(path))
    elif path.suffix == ".jsonl":
        with path.open(encoding="utf-8") as f:
            yield from _jsonl_records(f, str(path))
    elif path.name.endswith(".jsonl.gz"):
        try:
            with gzip.open(path, "rt", encoding="utf-8") as f:
                yield from _jsonl_records(f, str(path))
        except (gzip.BadGzipFile, EOFError) as exc:
            raise ValueError(f"{path}: not a readable gzip file ({exc})") from exc
    else:
        raise ValueError(f"{path}: unsupported file type (use {', '.join(SUFFIXES)})")


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files named, plus the article files inside named folders (sorted); missing paths are an error."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out.extend(sorted(p for p in path.iterdir() if p.name.endswith(SUFFIXES) and p.is_file()))
        elif path.is_file():
            out.append(path)
        else:
            raise FileNotFoundError(f"no such file or folder: {path}")
    return out


def read_paths(paths: Iterable[Path], published: datetime | None = None) -> Iterator[SourceRecord]:
    for path in expand_paths(paths):
        yield from read_file(path, published)
