"""The product's roles: publish and replay articles, run the worker and the sink, extract
offline, and the demo that runs them all."""

from __future__ import annotations

import asyncio
import shutil
import sys
from pathlib import Path
from typing import Optional

import orjson
import typer

from hadath.cli.app import BrokersOpt, app, fail, published_option, read_records, setup_logging
from hadath.config import SEEDS, load_settings, masked


def _publish(settings, records, rate, validate, label: str) -> None:
    from tqdm import tqdm

    from hadath.ingest.producer import publish_records

    with tqdm(total=len(records), desc=label, unit="article", file=sys.stderr) as bar:
        try:
            report = asyncio.run(publish_records(settings, records, rate, validate, on_sent=bar.update))
        except ConnectionError as exc:
            fail(str(exc))
    for origin, reason in report.rejected:
        typer.secho(f"rejected {origin}: {reason}", fg=typer.colors.YELLOW, err=True)
    typer.echo(orjson.dumps({"published": report.published, "rejected": len(report.rejected)}).decode())
    if report.rejected:
        raise typer.Exit(1)


@app.command()
def publish(
    paths: list[Path] = typer.Argument(..., help="files (.txt seed format, .json, .jsonl), folders, or - for stdin"),
    published: Optional[str] = typer.Option(None, help="publication date for .txt files without one"),
    validate: bool = typer.Option(True, help="check articles as the worker will before sending"),
    brokers: Optional[str] = BrokersOpt,
):
    """Publish articles to the articles topic (key = article id)."""
    settings = load_settings(brokers=brokers)
    _publish(settings, read_records(paths, published_option(published)), None, validate, "publish")


@app.command()
def replay(
    directory: Path = typer.Argument(SEEDS, help="folder of article files"),
    rate: Optional[float] = typer.Option(None, min=0.001, help="articles per second (default: as fast as possible)"),
    loop: int = typer.Option(1, min=1, help="publish the corpus N times"),
    distinct: bool = typer.Option(False, help="give each loop's copies new ids (load tests) instead of the same"),
    brokers: Optional[str] = BrokersOpt,
):
    """Replay a corpus (default: seeds/) through the pipeline."""
    from hadath.ingest.readers import SourceRecord

    if not directory.is_dir():
        fail(f"not a folder: {directory}")
    base = read_records([directory])
    records = [SourceRecord({**r.fields, "id": f"{r.fields.get('id')}~{n}" if distinct and n else r.fields.get("id")},
                            r.origin) for n in range(loop) for r in base]
    _publish(load_settings(brokers=brokers), records, rate, True, "replay")


@app.command()
def worker(
    brokers: Optional[str] = BrokersOpt,
    processing_guarantee: Optional[str] = typer.Option(None, help="at_least_once or exactly_once (real Kafka)"),
    batch_size: Optional[int] = typer.Option(None, min=1, help="articles per model call"),
    extractor: Optional[str] = typer.Option(None, help="full or noop"),
    verbose: bool = False,
):
    """Run the extractor worker (a faust app; start several for more throughput)."""
    import faust

    from hadath.extractor.app import create_app
    from hadath.kafka import ensure_topics
    from hadath.pipeline.run import load_pipeline

    setup_logging(verbose)
    settings = load_settings(brokers=brokers, processing_guarantee=processing_guarantee,
                             batch_size=batch_size, extractor=extractor)
    try:
        asyncio.run(ensure_topics(settings))
        pipeline = load_pipeline(settings)
    except (ConnectionError, FileNotFoundError, ValueError) as exc:
        fail(str(exc))
    faust_app = create_app(settings, pipeline)
    faust.Worker(faust_app, loglevel="WARNING" if not verbose else "INFO").execute_from_commandline()


@app.command()
def sink(
    brokers: Optional[str] = BrokersOpt,
    database_url: Optional[str] = typer.Option(None, help="sqlite:///PATH or postgresql://… [env HADATH_DATABASE_URL]"),
    verbose: bool = False,
):
    """Run the sink: events topic → database."""
    from hadath.sink.consumer import main

    setup_logging(verbose)
    try:
        main(load_settings(brokers=brokers, database_url=database_url))
    except (ConnectionError, ValueError) as exc:
        fail(str(exc))


@app.command()
def extract(
    paths: list[Path] = typer.Argument(..., help="article files or folders (.txt, .json, .jsonl), or -"),
    published: Optional[str] = typer.Option(None, help="publication date for .txt files without one"),
    ner_model_dir: Optional[Path] = typer.Option(None, help="NER model folder [env HADATH_NER_MODEL_DIR]"),
    event_model_dir: Optional[Path] = typer.Option(None, help="event model folder [env HADATH_EVENT_MODEL_DIR]"),
):
    """Extract events offline (no broker): one event JSON per line on stdout."""
    from hadath.pipeline.run import load_pipeline, run_isolated
    from hadath.validation import ArticleLimits, InvalidMessage, validate_article

    settings = load_settings(ner_model_dir=ner_model_dir, event_model_dir=event_model_dir)
    limits = ArticleLimits.of(settings)
    articles = []
    for record in read_records(paths, published_option(published)):
        try:
            articles.append(validate_article(record.fields, limits))
        except InvalidMessage as exc:
            typer.secho(f"skipped {record.origin}: {exc}", fg=typer.colors.YELLOW, err=True)
    try:
        pipeline = load_pipeline(settings)
    except (FileNotFoundError, ValueError) as exc:
        fail(str(exc))
    for outcome in run_isolated(pipeline, articles):
        if outcome.events is None:
            typer.secho(f"failed {outcome.article.id}: {outcome.error}", fg=typer.colors.RED, err=True)
            continue
        for event in outcome.events:
            sys.stdout.write(orjson.dumps(event.model_dump(mode="json")).decode() + "\n")


@app.command()
def demo(
    directory: Path = typer.Argument(SEEDS, help="corpus to replay"),
    timeout: float = typer.Option(600, help="give up after this many seconds"),
):
    """Start an embedded broker, the worker and the sink; replay the seeds; show the events."""
    from hadath.ingest.producer import publish_records
    from hadath.tools.console import print_events
    from hadath.tools.local import collect, local_stack

    work_dir = Path(".hadath") / "demo"
    shutil.rmtree(work_dir, ignore_errors=True)
    records = read_records([directory])
    typer.echo(f"starting the embedded broker, worker and sink (logs in {work_dir}/)…", err=True)
    with local_stack(work_dir) as stack:
        stack.start_worker()
        stack.start_sink()

        async def run():
            report = await publish_records(stack.settings, records)
            typer.echo(f"published {report.published} articles; extracting…", err=True)
            return await collect(stack, report.published, report.last_offsets, timeout)

        try:
            result = asyncio.run(run())
        except (TimeoutError, RuntimeError) as exc:
            fail(str(exc), 1)
    print_events(result.events)
    typer.echo(orjson.dumps({"articles": result.articles, "events": len(result.events),
                             "dead_letters": len(result.dead_letters), "store": masked(result.store)}).decode())
