"""The annotated event corpus: real articles coded by `GUIDELINES.md`, with character offsets.

Annotators write one draft per article in which every mention is `S<k>:<exact text>` (the k-th
sentence of the body as `show` numbers it; `#n` after the text picks its n-th occurrence in that
sentence). `resolve` checks a draft and turns it into the compact record the repository keeps
(`data/events/corpus.jsonl`): offsets into the body, keyed by article id, with a hash of the body
so a record never silently lands on other text. No torch here: annotators' tools load this alone.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Iterable, Mapping

from hadath.schemas import ActorType, ConsultMode, EventStatus, EventType
from hadath.text import split_sentences

EVENT_TYPES = set(EventType.__args__)
MODES = set(ConsultMode.__args__)
STATUSES = set(EventStatus.__args__)
ACTOR_TYPES = set(ActorType.__args__)
ROLES = {"source", "target", "participant"}
_MENTION = re.compile(r"^S(\d+):(.+?)(?:#(\d+))?$", re.DOTALL)

Span = tuple[int, int]


class AnnotationError(ValueError):
    def __init__(self, article_id: str, problems: list[str]):
        super().__init__(f"{article_id}: " + "; ".join(problems))
        self.problems = problems


def body_hash(body: str) -> str:
    return hashlib.sha1(body.encode()).hexdigest()[:12]


def numbered_sentences(body: str) -> list[Span]:
    """Sentence spans as annotators see them: index 0 is S1."""
    return split_sentences(body)


def show(article: Mapping[str, Any]) -> str:
    """The article as annotators read it: a header, the title, then S1, S2… (one per line)."""
    body = article["body"]
    lines = [f"ID {article['id']} | source {article.get('source', '?')} | published "
             f"{str(article.get('published') or article.get('published_at') or '?')[:10]}",
             f"TITLE (context only, not annotated): {article.get('title', '')}"]
    lines += [f"[S{i}] {body[start:end]}" for i, (start, end) in enumerate(numbered_sentences(body), 1)]
    return "\n".join(lines)


# What may stand between a word's start and a mention inside it: glued conjunctions and prepositions.
_PROCLITICS = {"", "و", "ف", "ب", "ل", "ك", "وب", "ول", "وك", "فب", "فل", "فك"}


def _occurrences(sentence: str, text: str) -> list[Span]:
    """Where `text` occurs in `sentence`, as (start, end) in the sentence: whole words (after a glued
    proclitic) first; any substring only when it never occurs so, since the same letters inside a
    longer word (إيران in الإيراني) are another word. `الجيش` also finds the لجيش of للجيش (ل + ال)."""
    found = [(i, i + len(text)) for i in range(len(sentence)) if sentence.startswith(text, i)]
    if text.startswith("ال"):
        glued = "لل" + text[2:]
        found += [(i + 1, i + len(glued)) for i in range(len(sentence)) if sentence.startswith(glued, i)]
    found.sort()

    def whole(start: int, end: int) -> bool:
        word_start = start
        while word_start > 0 and sentence[word_start - 1].isalpha():
            word_start -= 1
        return sentence[word_start:start] in _PROCLITICS | {"ل"} and not (end < len(sentence) and sentence[end].isalpha())

    return [span for span in found if whole(*span)] or found


def resolve_mention(spec: str, body: str, sentences: list[Span]) -> Span:
    """`S3:text` or `S3:text#2` → character span in the body; ValueError says what is wrong."""
    m = _MENTION.match(spec.strip()) if isinstance(spec, str) else None
    if not m:
        raise ValueError(f"{spec!r} is not of the form S<k>:<text> or S<k>:<text>#<n>")
    k, text, nth = int(m.group(1)), m.group(2), int(m.group(3) or 1)
    if not 1 <= k <= len(sentences):
        raise ValueError(f"{spec!r}: there is no sentence S{k} (the body has {len(sentences)})")
    start, end = sentences[k - 1]
    sentence = body[start:end]
    at = _occurrences(sentence, text)
    if len(at) < nth:
        raise ValueError(f"{spec!r}: {text!r} does not occur {nth} time(s) in S{k}: {sentence[:300]!r}")
    return start + at[nth - 1][0], start + at[nth - 1][1]


def _spans(specs: Any, body: str, sentences: list[Span], where: str, problems: list[str]) -> list[Span]:
    if not isinstance(specs, list):
        problems.append(f"{where}: expected a list of mentions")
        return []
    out = []
    for spec in specs:
        try:
            out.append(resolve_mention(spec, body, sentences))
        except ValueError as exc:
            problems.append(f"{where}: {exc}")
    return out


def resolve(draft: Mapping[str, Any], article: Mapping[str, Any]) -> dict:
    """Check an annotator's draft against its article; the compact record, or AnnotationError
    listing every problem at once (so an annotator fixes them in one pass)."""
    body = article["body"]
    sentences = numbered_sentences(body)
    problems: list[str] = []
    article_id = str(draft.get("id", ""))
    if article_id != article["id"]:
        problems.append(f"id {article_id!r} is not the article's ({article['id']!r})")
    entities, seen = [], set()
    for i, e in enumerate(draft.get("entities") or []):
        where = f"entity {e.get('id', i)}"
        if not e.get("id") or e["id"] in seen:
            problems.append(f"{where}: missing or repeated id")
        seen.add(e.get("id"))
        if not str(e.get("name") or "").strip():
            problems.append(f"{where}: no name")
        if e.get("type") not in ACTOR_TYPES:
            problems.append(f"{where}: type {e.get('type')!r} is not one of {sorted(ACTOR_TYPES)}")
        entities.append({"id": e.get("id"), "name": e.get("name"), "type": e.get("type"),
                         "title": e.get("title") or None, "for": e.get("for") or None,
                         "mentions": _spans(e.get("mentions", []), body, sentences, where, problems)})
    events, used = [], set()
    for i, v in enumerate(draft.get("events") or []):
        where = f"event {v.get('id', i)}"
        kind, mode, status = v.get("type"), v.get("mode"), v.get("status")
        if kind not in EVENT_TYPES:
            problems.append(f"{where}: type {kind!r} is not one of {sorted(EVENT_TYPES)}")
        if kind == "CONSULT" and mode not in MODES:
            problems.append(f"{where}: a CONSULT needs a mode among {sorted(MODES)}")
        if kind != "CONSULT" and mode:
            problems.append(f"{where}: only CONSULT has a mode")
        if status not in STATUSES:
            problems.append(f"{where}: status {status!r} is not one of {sorted(STATUSES)}")
        if v.get("date"):
            try:
                date.fromisoformat(v["date"])
            except (TypeError, ValueError):
                problems.append(f"{where}: date {v['date']!r} is not YYYY-MM-DD")
        triggers = _spans(v.get("triggers", []), body, sentences, where, problems)
        if not triggers:
            problems.append(f"{where}: no trigger")
        args = []
        for arg in v.get("args") or []:
            if not (isinstance(arg, list) and len(arg) == 2 and arg[0] in seen and arg[1] in ROLES):
                problems.append(f"{where}: argument {arg!r} is not [<entity id>, source|target|participant]")
                continue
            args.append([arg[0], arg[1]])
            used.add(arg[0])
        if not args:
            problems.append(f"{where}: no participant")
        events.append({"id": v.get("id", f"V{i + 1}"), "type": kind, "mode": mode if kind == "CONSULT" else None,
                       "status": status, "date": v.get("date") or None, "optional": bool(v.get("optional")),
                       "triggers": triggers, "args": args,
                       "location": _spans(v.get("location") or [], body, sentences, where, problems)})
    for e in entities:
        if e["for"] is not None and e["for"] not in seen:
            problems.append(f"entity {e['id']}: 'for' names no entity ({e['for']!r})")
    used |= {e["for"] for e in entities if e["id"] in used}
    problems += [f"entity {e['id']}: takes part in no event" for e in entities if e["id"] not in used]
    if problems:
        raise AnnotationError(article["id"], problems)
    return {"id": article["id"], "sha1": body_hash(body), "annotator": draft.get("annotator"),
            "entities": entities, "events": events}


@dataclass(frozen=True)
class GoldView:
    """A record in the shared gold format of `../shared/eval` (what `score_events.py` reads)."""

    article_id: str
    published: str | None
    events: list[dict]


def to_gold(record: Mapping[str, Any], body: str, published: str | None = None) -> GoldView:
    """Each participant becomes its surface forms: name, title and every mention's text."""
    if record["sha1"] != body_hash(body):
        raise ValueError(f"{record['id']}: the annotation was made on another text of this article")
    own = {e["id"]: [e["name"], e.get("title"), *(body[s:t] for s, t in e["mentions"])] for e in record["entities"]}
    # A person or body speaking for a country or organization is also named by it (as the dev gold does).
    forms = {e["id"]: list(dict.fromkeys(x for x in own[e["id"]] + own.get(e.get("for"), []) if x))
             for e in record["entities"]}
    events = []
    for v in record["events"]:
        ordered = sorted(v["args"], key=lambda a: ("source", "participant", "target").index(a[1]))
        gold = {"id": v["id"], "type": v["type"], "status": v["status"],
                "actors": [forms[entity] for entity, _ in ordered],
                "location": [body[s:t] for s, t in v["location"]]}
        if v["mode"]:
            gold["mode"] = v["mode"]
        if v["date"]:
            gold["date"] = v["date"]
        if v["optional"]:
            gold["optional"] = True
        events.append(gold)
    return GoldView(record["id"], published, events)


def gold_file(views: Iterable[GoldView]) -> dict:
    return {"articles": {v.article_id: {"published": v.published, "events": v.events} for v in views}}


def _shingles(text: str, size: int = 6) -> set[int]:
    words = text.split()
    return {hash(" ".join(words[i:i + size])) for i in range(max(1, len(words) - size + 1))}


def sample_articles(articles: Iterable[Mapping[str, Any]], count: int, exclude: Iterable[Mapping[str, Any]],
                    political_share: float = 0.65, min_chars: int = 600, max_chars: int = 3200,
                    seed: int = 2015) -> list[dict]:
    """Articles to annotate: `political_share` of them with three or more non-statement trigger
    words (politics and diplomacy), the rest from the ordinary mix; none of `exclude` (the dev set)
    nor a near-copy of one (wire stories reappear across outlets), no two copies of one story."""
    import random

    from hadath.events.lexicon import lexicon_kind
    from hadath.text import split_words

    excluded = {a["id"] for a in exclude}
    seen_stories = [_shingles(a["body"]) for a in exclude]
    political, ordinary = [], []
    for a in articles:
        if a["id"] in excluded or not min_chars <= len(a["body"]) <= max_chars:
            continue
        hits = sum(1 for w in split_words(a["body"]) if lexicon_kind(w) not in (None, "STATEMENT"))
        (political if hits >= 3 else ordinary).append(dict(a))
    rng = random.Random(seed)
    rng.shuffle(political)
    rng.shuffle(ordinary)
    wanted = {"political": round(count * political_share)}
    wanted["ordinary"] = count - wanted["political"]
    chosen: list[dict] = []
    for pool, name in ((political, "political"), (ordinary, "ordinary")):
        taken = 0
        for a in pool:
            if taken == wanted[name]:
                break
            shingles = _shingles(a["body"])
            if any(len(shingles & s) > 0.3 * min(len(shingles), len(s)) for s in seen_stories):
                continue
            seen_stories.append(shingles)
            chosen.append({**a, "draw": name})
            taken += 1
    return chosen


def as_predictions(view: GoldView) -> list[dict]:
    """A gold view's events as a system's output (what `score_events.py` judges): each actor
    with every surface form the annotator gave it."""
    return [{"article_id": view.article_id, "event_type": v["type"], "mode": v.get("mode"),
             "status": v["status"], "date": v.get("date"),
             "actors": [{"text": forms[0], "mentions": forms} for forms in v["actors"]]}
            for v in view.events]
