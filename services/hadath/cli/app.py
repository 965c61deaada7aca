"""The `hadath` command tree and what every command shares: user errors, logging, input files."""

from __future__ import annotations

import logging
import sys
from datetime import datetime
from pathlib import Path
from typing import NoReturn, Optional

import typer

app = typer.Typer(help="Hadath: Arabic news → structured events, over Kafka.", no_args_is_help=True,
                  pretty_exceptions_enable=False)
train_app = typer.Typer(help="Train the models.", no_args_is_help=True)
eval_app = typer.Typer(help="Evaluate on labelled data.", no_args_is_help=True)
annotate_app = typer.Typer(help="Annotate real articles with events (data/events/ANNOTATING.md).",
                           no_args_is_help=True)
app.add_typer(train_app, name="train")
app.add_typer(eval_app, name="eval")
app.add_typer(annotate_app, name="annotate")

BrokersOpt = typer.Option(None, "--brokers", "-b", help="Kafka bootstrap servers [env HADATH_BROKERS]")


def setup_logging(verbose: bool = False) -> None:
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    for noisy in ("aiokafka", "faust", "mode"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def fail(message: str, code: int = 2) -> NoReturn:
    """A user error: one line on stderr and a non-zero exit, never a traceback."""
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    raise typer.Exit(code)


def published_option(value: Optional[str]) -> Optional[datetime]:
    if value is None:
        return None
    try:
        from hadath.ingest.readers import as_utc

        return as_utc(datetime.fromisoformat(value))
    except ValueError:
        fail(f"--published must be an ISO date such as 2026-01-25, got {value!r}")


def read_records(paths: list[Path], published: Optional[datetime] = None) -> list:
    """The article records of files, folders or `-` (stdin), or a one-line error."""
    from hadath.ingest.readers import read_paths, read_stream

    try:
        if [str(p) for p in paths] == ["-"]:
            return list(read_stream(sys.stdin))
        return list(read_paths(paths, published))
    except (FileNotFoundError, ValueError) as exc:
        fail(str(exc))
