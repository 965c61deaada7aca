"""Human-readable views of events."""

from __future__ import annotations

from typing import Sequence

from rich.console import Console
from rich.table import Table


def actor_label(actor: dict) -> str:
    name = actor.get("name") or actor["text"]
    extra = ", ".join(x for x in (actor.get("title"), actor.get("country"), actor.get("sector")) if x)
    return f"{name} ({extra})" if extra else name


def print_events(events: Sequence[dict], console: Console | None = None) -> None:
    console = console or Console(width=160)
    table = Table(title=f"{len(events)} events", show_lines=True)
    for column in ("article", "type", "status", "date", "actors", "location", "trigger"):
        table.add_column(column)
    for e in sorted(events, key=lambda e: (e["article_id"], e["evidence"]["start"])):
        kind = e["event_type"] + (f"/{e['mode']}" if e.get("mode") else "")
        actors = "\n".join(f"{a['side']}: {actor_label(a)}" for a in e["actors"])
        location = (e.get("location") or {}).get("name") or ""
        table.add_row(e["article_id"][:14], kind, e["status"], e.get("date") or "", actors, location,
                      e["evidence"]["trigger"])
    console.print(table)
