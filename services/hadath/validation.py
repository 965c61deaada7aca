"""Decode and check incoming articles and events; every rejection carries a reason for the
dead-letter topic. One function per message kind, used by every role that takes input."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping, TypeVar

import orjson
from pydantic import BaseModel, ValidationError

from hadath.config import Settings
from hadath.schemas import Article

M = TypeVar("M", bound=BaseModel)

_ARABIC_LETTER = re.compile(r"[\u0621-\u064A\u0671-\u06D3\u06FA-\u06FF]")
_ANY_LETTER = re.compile(r"[^\W\d_]")


class InvalidMessage(ValueError):
    """A message that cannot be processed; `reason` is a short machine-readable code."""

    def __init__(self, reason: str, detail: str):
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class ArticleLimits:
    max_body_chars: int = 200_000
    min_arabic_ratio: float = 0.3

    @classmethod
    def of(cls, settings: Settings) -> "ArticleLimits":
        return cls(settings.max_body_chars, settings.min_arabic_ratio)


def arabic_ratio(text: str) -> float:
    letters = len(_ANY_LETTER.findall(text))
    return len(_ARABIC_LETTER.findall(text)) / letters if letters else 0.0


def decode_model(raw: bytes | str | Mapping[str, Any] | None, model: type[M]) -> M:
    """A message (bytes or text of JSON, or fields already parsed) as `model`."""
    if raw is None or len(raw) == 0:
        raise InvalidMessage("empty", "message has no value")
    if isinstance(raw, bytes):
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidMessage("decode", f"not UTF-8: {exc}") from None
    if isinstance(raw, Mapping):
        data = raw
    else:
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise InvalidMessage("bad_json", str(exc)) from None
    if not isinstance(data, Mapping):
        raise InvalidMessage("schema", f"expected a JSON object, got {type(data).__name__}")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or '<root>'}: {e['msg']}" for e in exc.errors())
        raise InvalidMessage("schema", problems) from None


def validate_article(raw: bytes | str | Mapping[str, Any] | None, limits: ArticleLimits = ArticleLimits()) -> Article:
    """The article a message or a file record holds, if Hadath can process it."""
    article = decode_model(raw, Article)
    if not article.body.strip():
        raise InvalidMessage("empty_body", "body is blank")
    if len(article.body) > limits.max_body_chars:
        raise InvalidMessage("oversized", f"body has {len(article.body)} characters, limit {limits.max_body_chars}")
    ratio = arabic_ratio(article.title + " " + article.body)
    if ratio < limits.min_arabic_ratio:
        raise InvalidMessage("not_arabic", f"{ratio:.0%} of letters are Arabic, need {limits.min_arabic_ratio:.0%}")
    return article
