"""`hadath annotate …`: the tools annotators use to code real articles (data/events/ANNOTATING.md)."""

from __future__ import annotations

from pathlib import Path

import orjson
import typer

from hadath.cli.app import annotate_app, fail, read_records
from hadath.config import REPO_ROOT

ANNOTATION_ARTICLES = REPO_ROOT / "build" / "annotation" / "articles.jsonl"
EVENTS_DATA = REPO_ROOT / "data" / "events"
JUDGE = REPO_ROOT.parent / "shared" / "eval" / "score_events.py"


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


def _resolved(folder: Path, by_id: dict[str, dict]) -> dict[str, dict]:
    """Every draft of a folder as its corpus record, by article id; a draft that does not pass
    `check` stops the command (fix it first)."""
    from hadath.corpora.annotations import AnnotationError, resolve

    if not folder.is_dir():
        fail(f"no such drafts folder: {folder}")
    out = {}
    for path in sorted(folder.glob("*.json")):
        try:
            draft = orjson.loads(path.read_bytes())
            out[draft["id"]] = resolve(draft, by_id[draft["id"]])
        except (orjson.JSONDecodeError, KeyError, TypeError, AnnotationError) as exc:
            fail(f"{path} does not pass `hadath annotate check`: {exc}")
    return out


@annotate_app.command("merge")
def annotate_merge(
    folders: list[Path] = typer.Argument(..., help="drafts folders, one per annotator"),
    articles: Path = typer.Option(ANNOTATION_ARTICLES, help="JSONL of the articles to annotate"),
    out: Path = typer.Option(EVENTS_DATA / "corpus.jsonl", help="the corpus (first annotation of each article)"),
    second: Path = typer.Option(EVENTS_DATA / "corpus-second.jsonl", help="second annotations of articles coded twice"),
    first_by: Path = typer.Option(None, help="file of article-id<TAB>annotator: whose annotation goes to the corpus"),
):
    """Build the corpus from checked drafts: one record per article, sorted by id; an article
    coded twice keeps one annotation in the corpus and the other in the second file."""
    by_id = _articles_by_id(articles)
    owners = {}
    if first_by:
        owners = dict(line.split("\t") for line in first_by.read_text().split("\n") if line.strip())
    corpus: dict[str, dict] = {}
    extra: dict[str, dict] = {}
    for folder in folders:
        for article_id, record in _resolved(folder, by_id).items():
            if article_id not in corpus:
                corpus[article_id] = record
                continue
            if owners.get(article_id) == record["annotator"]:
                corpus[article_id], record = record, corpus[article_id]
            extra[article_id] = record
    for path, records in ((out, corpus), (second, extra)):
        path.write_bytes(b"".join(orjson.dumps(records[k]) + b"\n" for k in sorted(records)))
    events = [v for r in corpus.values() for v in r["events"]]
    required = sum(not v["optional"] for v in events)
    typer.echo(f"{out}: {len(corpus)} articles, {len(events)} events ({required} required, "
               f"{len(events) - required} optional), {sum(not r['events'] for r in corpus.values())} without events; "
               f"{second}: {len(extra)} articles coded twice")


@annotate_app.command("agree")
def annotate_agree(
    first: Path = typer.Argument(..., help="corpus JSONL (one annotation per article)"),
    second: Path = typer.Argument(..., help="corpus JSONL of the same articles coded again"),
    articles: Path = typer.Option(ANNOTATION_ARTICLES, help="JSONL of the annotated articles"),
    judge: Path = typer.Option(JUDGE, help="the judge, score_events.py"),
):
    """Agreement of two annotations: event P/R/F1 of each judged against the other as gold by
    the judge's own matching; the last line is JSON."""
    import subprocess
    import sys
    import tempfile

    from hadath.corpora.annotations import as_predictions, gold_file, to_gold

    if not judge.is_file():
        fail(f"no such judge: {judge}")
    by_id = _articles_by_id(articles)
    views = []
    for path in (first, second):
        if not path.is_file():
            fail(f"no such corpus file: {path}")
        records = {r["id"]: r for r in map(orjson.loads, path.read_bytes().splitlines())}
        views.append(records)
    shared = sorted(set(views[0]) & set(views[1]))
    if not shared:
        fail("the two files share no article")
    result = {"articles": len(shared)}
    with tempfile.TemporaryDirectory() as tmp:
        for name, gold_side, predicted_side in (("second_vs_first", 0, 1), ("first_vs_second", 1, 0)):
            gold = [to_gold(views[gold_side][i], by_id[i]["body"], by_id[i].get("published")) for i in shared]
            predicted = [to_gold(views[predicted_side][i], by_id[i]["body"]) for i in shared]
            gold_path, predicted_path = Path(tmp) / "gold.json", Path(tmp) / "predicted.jsonl"
            gold_path.write_bytes(orjson.dumps(gold_file(gold)))
            predicted_path.write_bytes(b"".join(orjson.dumps(e) + b"\n" for v in predicted for e in as_predictions(v)))
            run = subprocess.run([sys.executable, str(judge), str(predicted_path), str(gold_path)],
                                 capture_output=True, text=True, check=True)
            result[name] = orjson.loads(run.stdout.strip().splitlines()[-1])
    result["mean_f1"] = round((result["second_vs_first"]["f1"] + result["first_vs_second"]["f1"]) / 2, 4)
    typer.echo(orjson.dumps(result).decode())
