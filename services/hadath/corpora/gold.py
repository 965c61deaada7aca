"""Event gold, as the judge (`evaluation/events.py`) reads it, from any of the three forms kept:

- the shared judge's file (`../shared/eval/dev_gold.json`): {"articles": {id: {"published", "events"}}},
  its articles in a separate JSONL (.jsonl.gz too);
- the annotated corpus (`data/events/corpus.jsonl`, offsets into articles kept in a separate
  JSONL; `corpora/annotations.py`);
- the project's own paragraphs (`data/events/gold.jsonl`), articles inside, one a line:

    {"article": {...article fields...} | "article_path": "seeds/003_….txt", "published": "2025-12-23",
     "split": "dev" | "test", "events": [{"event_type": "CONSULT", "actors": ["حسن رشاد", "نتنياهو"], …}]}
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import orjson

from hadath.config import REPO_ROOT
from hadath.corpora.annotations import gold_file, to_gold
from hadath.ingest.readers import parse_seed_text, read_file
from hadath.schemas import Article


@dataclass(frozen=True)
class GoldSet:
    articles: list[Article]
    judged: dict[str, dict]  # the judge's "articles" mapping


def read_jsonl(path: Path) -> list[dict]:
    if not path.is_file():
        raise FileNotFoundError(f"no such file: {path}")
    try:
        return [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]
    except orjson.JSONDecodeError as exc:
        raise ValueError(f"{path} is not JSONL: {exc}") from exc


def articles_by_id(path: Path | None, wanted: set[str], gold: Path) -> dict[str, dict]:
    """The fields of the `wanted` articles of a JSONL(.gz) file; every one must be there."""
    if path is None:
        raise ValueError(f"{gold} holds no article texts: give them with --articles (JSONL)")
    if not path.is_file():
        raise FileNotFoundError(f"no such articles file: {path}")
    found = {str(r.fields.get("id")): r.fields for r in read_file(path) if str(r.fields.get("id")) in wanted}
    if missing := wanted - set(found):
        raise ValueError(f"{path} lacks {len(missing)} gold article(s), e.g. {sorted(missing)[0]}")
    return found


def load_gold(path: Path, articles: Path | None = None, split: str | None = None) -> GoldSet:
    """Any of the three gold forms; `articles` is the JSONL of the texts for the first two,
    `split` picks the own paragraphs' dev or test part."""
    if not path.is_file():
        raise FileNotFoundError(f"no such gold file: {path}")
    if path.suffix == ".json":
        try:
            judged = orjson.loads(path.read_bytes()).get("articles")
        except (orjson.JSONDecodeError, AttributeError) as exc:
            raise ValueError(f"{path} is not a JSON object: {exc}") from exc
        if not isinstance(judged, dict):
            raise ValueError(f'{path} is no gold file of the judge: it lacks the "articles" mapping')
        texts = articles_by_id(articles, set(judged), path)
        return GoldSet([Article.model_validate(texts[i]) for i in judged], judged)
    records = read_jsonl(path)
    if records and "sha1" in records[0]:
        texts = articles_by_id(articles, {r["id"] for r in records}, path)
        views = [to_gold(r, texts[r["id"]]["body"], texts[r["id"]].get("published")) for r in records]
        return GoldSet([Article.model_validate(texts[r["id"]]) for r in records], gold_file(views)["articles"])
    return _paragraphs(records, path, split)


def _paragraphs(records: list[dict], path: Path, split: str | None) -> GoldSet:
    """The own paragraphs: each actor string is a group of one alias."""
    articles, judged = [], {}
    for n, item in enumerate(records, 1):
        if split is not None and item.get("split", "test") != split:
            continue
        published = item.get("published")
        published_at = datetime.fromisoformat(published).replace(tzinfo=timezone.utc) if published else None
        if "article_path" in item:
            source = REPO_ROOT / item["article_path"]
            fields = parse_seed_text(source.read_text(encoding="utf-8"), source.stem, published=published_at)
        elif "article" in item:
            fields = {"source": "gold", **item["article"]}
            if published_at and not fields.get("published_at"):
                fields["published_at"] = published_at.isoformat()
        else:
            raise ValueError(f"{path}:{n}: needs 'article' or 'article_path'")
        article = Article.model_validate(fields)
        articles.append(article)
        judged[article.id] = {"published": published, "events": [
            {"type": e["event_type"], "actors": [[a] for a in e["actors"]],
             **{k: e[k] for k in ("mode", "status", "date") if e.get(k)}} for e in item.get("events", [])]}
    return GoldSet(articles, judged)
