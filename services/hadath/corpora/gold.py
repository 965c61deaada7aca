"""The project's own event gold (`data/events/gold.jsonl`): one article a line,

    {"article": {...article fields...} | "article_path": "seeds/003_….txt", "published": "2025-12-23",
     "split": "dev" | "test", "events": [{"event_type": "CONSULT", "actors": ["حسن رشاد", "نتنياهو"], …}]}
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import orjson

from hadath.config import REPO_ROOT
from hadath.ingest.readers import parse_seed_text
from hadath.schemas import Article


@dataclass(frozen=True)
class GoldArticle:
    article: Article
    split: str
    events: list[dict]


def read_gold(path: Path) -> list[GoldArticle]:
    if not path.is_file():
        raise FileNotFoundError(f"no such gold file: {path}")
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        item = orjson.loads(line)
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
        events = [{**e, "article_id": article.id} for e in item.get("events", [])]
        out.append(GoldArticle(article, item.get("split", "test"), events))
    return out
