"""Message models. The JSON Schemas in `schemas/` are generated from them (`hadath schemas`)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from hadath.config import REPO_ROOT

SCHEMA_DIR = REPO_ROOT / "schemas"

EventType = Literal[
    "CONSULT", "AGREE", "REQUEST", "REJECT", "ACCUSE", "THREATEN", "SUPPORT", "COOPERATE", "AID",
    "CONCEDE", "RETREAT", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT", "STATEMENT",
]
ConsultMode = Literal["meet", "visit", "phone", "virtual", "multilateral"]
EventStatus = Literal["occurred", "planned", "cancelled", "reported"]
ActorType = Literal["PER", "ORG", "GPE", "NORP"]
Side = Literal["source", "target", "participant"]

# PostgreSQL text cannot hold NUL (U+0000): an article's NULs are dropped on the way in, and an
# event that holds one is refused, so none reaches a store.
Text = Annotated[str, Field(pattern="^[^\\x00]*$")]


def without_nul(value: Any) -> Any:
    """`value` (a JSON value) with every NUL character removed from its strings."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {without_nul(k): without_nul(v) for k, v in value.items()}
    if isinstance(value, list):
        return [without_nul(v) for v in value]
    return value


def _iso_time(value: Any) -> bool:
    try:
        dt.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return False
    return True


class Article(BaseModel):
    """An article as scrapers publish it to `hadath.articles.v1` (key = id)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"$id": "article.v1.json"})

    id: str = Field(min_length=1, max_length=256)
    source: str = Field(min_length=1, max_length=256, description="publisher or feed name")
    url: str | None = Field(None, max_length=4096)
    # Every event carries the title: a bound here bounds the events.
    title: str = Field("", max_length=1000)
    body: str = Field(min_length=1, description="the text; its length limit is a setting (HADATH_MAX_BODY_CHARS)")
    language: str = Field("ar", max_length=16)
    published_at: dt.datetime | None = Field(None, description="ISO-8601 publication time")
    fetched_at: dt.datetime | None = None
    extra: dict[str, Any] = Field(default_factory=dict, description="fields this schema does not name")

    @model_validator(mode="before")
    @classmethod
    def _keep_unknown_fields(cls, data: Any) -> Any:
        if isinstance(data, dict):
            data = without_nul(data)
            if "published_at" not in data and _iso_time(data.get("published")):
                data["published_at"] = data["published"]  # SaudiNewsNet's name for it (kept in extra too)
            known = set(cls.model_fields)
            unknown = {k: v for k, v in data.items() if k not in known}
            if unknown:
                data = {k: v for k, v in data.items() if k in known}
                data["extra"] = {**data.get("extra", {}), **unknown}
        return data


class Actor(BaseModel):
    text: Text
    name: Text | None = None
    name_en: Text | None = None
    type: ActorType
    title: Text | None = None
    country: str | None = Field(None, pattern="^[A-Z]{3}$")
    sector: Text | None = None
    side: Side


class Location(BaseModel):
    text: Text
    name: Text | None = None
    country: str | None = Field(None, pattern="^[A-Z]{3}$")
    lat: float | None = None
    lon: float | None = None


class Evidence(BaseModel):
    sentence: Text
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    trigger: Text


class ArticleRef(BaseModel):
    """What the sink stores of the source article."""

    url: Text | None = None
    title: Text | None = None
    published_at: dt.datetime | None = None


class Event(BaseModel):
    """A normalized event as the extractor publishes it to `hadath.events.v1` (key = event_id)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"$id": "event.v1.json"})

    event_id: Text = Field(max_length=256)
    article_id: Text = Field(max_length=256)
    source: Text | None = None
    article: ArticleRef | None = None
    event_type: EventType
    mode: ConsultMode | None = None
    status: EventStatus
    date: dt.date | None = None
    date_text: Text | None = None
    actors: list[Actor]
    location: Location | None = None
    evidence: Evidence
    confidence: float = Field(ge=0, le=1)
    model: dict[str, Text]
    extracted_at: dt.datetime


MODELS: dict[str, type[BaseModel]] = {"article.v1.json": Article, "event.v1.json": Event}


def json_schema(model: type[BaseModel]) -> dict:
    schema = model.model_json_schema()
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


def write_schemas(directory: Path = SCHEMA_DIR) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, model in MODELS.items():
        path = directory / name
        path.write_text(json.dumps(json_schema(model), indent=2, ensure_ascii=False) + "\n")
        written.append(path)
    return written


def stale_schemas(directory: Path = SCHEMA_DIR) -> list[str]:
    """The schema files that differ from what the models generate (or are missing)."""
    return [name for name, model in MODELS.items()
            if not (directory / name).is_file() or json.loads((directory / name).read_text()) != json_schema(model)]
