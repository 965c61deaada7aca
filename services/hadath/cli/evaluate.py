"""`hadath eval …`: the NER model and the events, scored on labelled data."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import orjson
import typer

from hadath.cli.app import eval_app, fail
from hadath.config import load_settings


@eval_app.command("ner")
def eval_ner(
    data: Path = typer.Option(..., help="CoNLL file (token label per line)"),
    ner_model_dir: Optional[Path] = typer.Option(None, help="NER model folder [env HADATH_NER_MODEL_DIR]"),
):
    """Entity-level precision/recall/F1 (seqeval); the last line is JSON."""
    from hadath.corpora.conll import read_conll
    from hadath.evaluation.ner import evaluate_ner
    from hadath.nlp.ner import NerTagger

    settings = load_settings(ner_model_dir=ner_model_dir)
    try:
        sentences = read_conll(data)
        tagger = NerTagger.load(settings.ner_model_dir)
    except (FileNotFoundError, ValueError) as exc:
        fail(str(exc))
    scores = evaluate_ner(tagger, sentences)
    for kind, s in sorted(scores.per_type.items()):
        typer.echo(f"{kind:6} precision {s['precision']:.4f} recall {s['recall']:.4f} "
                   f"f1 {s['f1-score']:.4f} support {int(s['support'])}")
    typer.echo(orjson.dumps(scores.summary()).decode())


@eval_app.command("events")
def eval_events(
    gold: Path = typer.Option(..., help="gold: the judge's JSON (../shared/eval/dev_gold.json), the annotated "
                                        "corpus (data/events/corpus.jsonl) or the own paragraphs (data/events/gold.jsonl)"),
    articles: Optional[Path] = typer.Option(None, help="JSONL of the gold's articles (for the judge's JSON and the corpus)"),
    predicted: Optional[Path] = typer.Option(None, help="predicted events JSONL (default: extract now)"),
    split: Optional[str] = typer.Option(None, help="own paragraphs only: score this split (dev, test)"),
    ner_model_dir: Optional[Path] = typer.Option(None, help="NER model folder [env HADATH_NER_MODEL_DIR]"),
    event_model_dir: Optional[Path] = typer.Option(None, help="event model folder [env HADATH_EVENT_MODEL_DIR]"),
):
    """Event precision/recall/F1 by the shared judge's matching, per type, with the errors broken
    down; the last line is JSON."""
    from hadath.corpora.gold import load_gold
    from hadath.evaluation.events import evaluate_events_file

    settings = load_settings(ner_model_dir=ner_model_dir, event_model_dir=event_model_dir)
    try:
        result = evaluate_events_file(load_gold(gold, articles, split), predicted, settings)
    except (FileNotFoundError, ValueError, KeyError, orjson.JSONDecodeError) as exc:
        fail(str(exc))
    for line in result.lines():
        typer.echo(line)
    typer.echo(orjson.dumps(result.summary()).decode())
