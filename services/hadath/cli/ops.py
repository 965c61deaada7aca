"""Looking at a running deployment: tail a topic, status, and the message schemas."""

from __future__ import annotations

import asyncio
from typing import Optional

import orjson
import typer

from hadath.cli.app import BrokersOpt, app, fail
from hadath.config import load_settings


@app.command()
def tail(
    brokers: Optional[str] = BrokersOpt,
    dlq: bool = typer.Option(False, help="tail the articles dead-letter topic instead"),
    limit: Optional[int] = typer.Option(None, min=1, help="stop after N messages"),
    follow: bool = typer.Option(True, help="keep waiting for new messages"),
):
    """Print events (JSON lines) as they arrive, from the beginning."""
    from hadath.tools.tail import tail_topic

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
    from hadath.tools.status import gather_status

    settings = load_settings(brokers=brokers, database_url=database_url)
    try:
        report = asyncio.run(gather_status(settings))
    except ConnectionError as exc:
        fail(str(exc))
    typer.echo(orjson.dumps(report, option=orjson.OPT_INDENT_2).decode())


@app.command()
def schemas(check: bool = typer.Option(False, help="fail if schemas/ is out of date instead of writing")):
    """Write the JSON Schemas in schemas/ from the message models."""
    from hadath.schemas import stale_schemas, write_schemas

    if check:
        stale = stale_schemas()
        if stale:
            fail(f"out of date: {', '.join(stale)} (run `hadath schemas`)", 1)
        typer.echo("schemas up to date")
        return
    for path in write_schemas():
        typer.echo(f"wrote {path}")
