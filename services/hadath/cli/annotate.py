"""`hadath annotate …`: the tools annotators use to code real articles (data/events/ANNOTATING.md)."""

from __future__ import annotations

from pathlib import Path

import orjson
import typer

from hadath.cli.app import annotate_app, fail, read_records
from hadath.config import REPO_ROOT

ANNOTATION_ARTICLES = REPO_ROOT / "build" / "annotation" / "articles.jsonl"


def _articles_by_id(path: Path) -> dict[str, dict]:
    if not path.is_file():
        fail(f"no such articles file: {path}")
    out = {}
    for record in read_records([path]):
        fields = record.fields
        out[str(fields.get("id"))] = fields
    return out


@annotate_app.command("show")
def annotate_show(
    ids: list[str] = typer.Argument(..., help="article ids"),
    articles: Path = typer.Option(ANNOTATION_ARTICLES, help="JSONL of the articles to annotate"),
):
    """Print articles with numbered sentences (S1, S2…), as mentions refer to them."""
    from hadath.corpora.annotations import show

    by_id = _articles_by_id(articles)
    for article_id in ids:
        if article_id not in by_id:
            fail(f"no article {article_id} in {articles}")
        typer.echo(show(by_id[article_id]) + "\n")


@annotate_app.command("check")
def annotate_check(
    drafts: list[Path] = typer.Argument(..., help="draft files (one JSON object each)"),
    articles: Path = typer.Option(ANNOTATION_ARTICLES, help="JSONL of the articles to annotate"),
):
    """Check drafts against their articles: every mention found, every field valid."""
    from hadath.corpora.annotations import AnnotationError, resolve

    by_id = _articles_by_id(articles)
    bad = 0
    for path in drafts:
        try:
            draft = orjson.loads(path.read_bytes())
            if str(draft.get("id")) not in by_id:
                raise AnnotationError(str(draft.get("id")), [f"no such article in {articles}"])
            record = resolve(draft, by_id[draft["id"]])
        except (OSError, orjson.JSONDecodeError, AttributeError) as exc:
            bad += 1
            typer.echo(f"BAD {path}: not a readable JSON object ({exc})")
            continue
        except AnnotationError as exc:
            bad += 1
            typer.echo(f"BAD {path}:")
            for problem in exc.problems:
                typer.echo(f"  - {problem}")
            continue
        typer.echo(f"OK {path}: {len(record['entities'])} entities, {len(record['events'])} events")
    if bad:
        raise typer.Exit(1)
