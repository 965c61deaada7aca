"""Turn an article and its named entities into normalized events (pure functions, no I/O)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Sequence

from hadath.events import gazetteer
from hadath.events.arabic import normalize, without_proclitic
from hadath.events.dates import resolve_dates
from hadath.events.lexicon import (CANCELLED, FURNITURE, MODE_INDEX, PLANNED, PRIORITY, REPORTED,
                                   TRIGGER_INDEX)
from hadath.nlp.ner import Entity, Word, split_sentences, split_words
from hadath.schemas import Actor, Article, ArticleRef, Event, Evidence, Location

SYMMETRIC = {"CONSULT", "AGREE", "COOPERATE"}
MIN_SENTENCE_WORDS = 4
TITLE_WINDOW = 60  # characters before a name searched for its title


@dataclass(frozen=True)
class Trigger:
    kind: str
    word: Word


@dataclass
class Draft:
    """An event being assembled from one or more sentences."""

    kind: str
    mode: str | None
    status: str
    actors: list[Actor]
    evidence: Evidence
    date: date | None
    date_text: str | None
    location: Location | None
    scores: list[float] = field(default_factory=list)


def content_end(body: str) -> int:
    """Where the article text ends and page furniture (related links, share buttons) begins."""
    m = FURNITURE.search(body)
    return m.start() if m else len(body)


def find_trigger(words: Sequence[Word]) -> Trigger | None:
    best: Trigger | None = None
    for word in words:
        for form in without_proclitic(word.text):
            kind = TRIGGER_INDEX.get(normalize(form))
            if kind and (best is None or PRIORITY.index(kind) < PRIORITY.index(best.kind)):
                best = Trigger(kind, word)
                break
    return best


def event_sentences(body: str) -> list[tuple[int, int]]:
    """Spans of the sentences that can hold an event: long enough, with a trigger word.

    Only these go through the NER model; the rest of an article cannot yield events.
    """
    spans = []
    for start, end in split_sentences(body[:content_end(body)]):
        words = split_words(body[start:end])
        if len(words) >= MIN_SENTENCE_WORDS and find_trigger(words):
            spans.append((start, end))
    return spans


def consult_mode(words: Sequence[Word], trigger: Trigger) -> str | None:
    if trigger.kind != "CONSULT":
        return None
    for word in words:
        for form in without_proclitic(word.text):
            mode = MODE_INDEX.get(normalize(form))
            if mode:
                return mode
    return "meet"


def event_status(sentence: str) -> str:
    if CANCELLED.search(sentence):
        return "cancelled"
    if PLANNED.search(sentence):
        return "planned"
    if REPORTED.search(sentence):
        return "reported"
    return "occurred"


def _title_and_country(before: str) -> tuple[str | None, str | None, str | None]:
    """Title, sector and country named in the words just before a person's name."""
    title = sector = None
    for ar, en, sec in gazetteer.TITLES:
        if ar in before:
            title, sector = en, sec
            break
    country = None
    for word in split_words(before):
        country = gazetteer.nationality(word.text) or country
    return title, sector, country


def person_key(text: str) -> str:
    """Surface variants of one person share their last name: ويتكوف ~ ستيف ويتكوف."""
    return normalize(text.split()[-1]) if text.split() else normalize(text)


def canonical_people(entities: Sequence[Entity]) -> dict[str, str]:
    longest: dict[str, str] = {}
    for e in entities:
        if e.type == "PERS":
            key = person_key(e.text)
            if len(e.text) > len(longest.get(key, "")):
                longest[key] = e.text
    return longest


def build_actor(entity: Entity, body: str, floor: int, people: dict[str, str]) -> tuple[str, Actor] | None:
    before = body[max(floor, entity.start - TITLE_WINDOW):entity.start]
    if entity.type == "PERS":
        title, sector, country = _title_and_country(before)
        key = person_key(entity.text)
        return key, Actor(text=entity.text, name=people.get(key, entity.text), type="PER", title=title,
                          country=country, sector=sector, side="participant")
    if entity.type == "ORG":
        after = body[entity.end:entity.end + 20].split()
        country = next((c for c in map(gazetteer.nationality, entity.text.split() + after[:1]) if c), None)
        return normalize(entity.text), Actor(text=entity.text, name=entity.text, type="ORG", country=country,
                                             sector=gazetteer.org_sector(entity.text), side="participant")
    if entity.type == "LOC":
        place = gazetteer.lookup_place(entity.text)
        if place:
            return place.name, Actor(text=entity.text, name=place.name, name_en=place.name_en, type="GPE",
                                     country=place.country, sector="government", side="participant")
    return None


_IN_PLACE = re.compile(r"(?:^|\s)(?:في|ب|إلى|الى|من)\s*$")


def split_places(entities: Sequence[Entity], body: str) -> tuple[list[Entity], Location | None]:
    """Separate 'in X' places (the event's location) from places acting as actors (metonymy)."""
    actors, location = [], None
    for e in entities:
        if e.type == "LOC":
            place = gazetteer.lookup_place(e.text)
            if _IN_PLACE.search(body[max(0, e.start - 8):e.start]):
                if location is None and place is not None and not place.is_country:
                    location = Location(text=e.text, name=place.name, country=place.country,
                                        lat=place.lat, lon=place.lon)
                continue
        actors.append(e)
    return actors, location


def assign_sides(kind: str, actors: list[tuple[int, str, Actor]], trigger: Trigger) -> list[tuple[str, Actor]]:
    if kind in SYMMETRIC or len(actors) < 2:
        side_of = {i: "participant" if kind in SYMMETRIC else "source" for i in range(len(actors))}
    else:
        before = [i for i, (pos, _, _) in enumerate(actors) if pos < trigger.word.start]
        source = before[-1] if before else 0
        others = [i for i in range(len(actors)) if i != source]
        side_of = {source: "source", others[0]: "target"}
        side_of.update({i: "participant" for i in others[1:]})
    return [(key, actor.model_copy(update={"side": side_of[i]})) for i, (_, key, actor) in enumerate(actors)]


def event_id(article_id: str, kind: str, mode: str | None, actor_keys: Sequence[str]) -> str:
    basis = "|".join([article_id, kind, mode or "", *sorted(actor_keys)])
    return hashlib.sha256(basis.encode()).hexdigest()[:24]


def sentence_event(article: Article, span: tuple[int, int], entities: Sequence[Entity],
                   people: dict[str, str], published: date | None) -> tuple[list[str], Draft] | None:
    start, end = span
    body = article.body
    sentence = body[start:end]
    words = split_words(sentence, start)
    if len(words) < MIN_SENTENCE_WORDS:
        return None
    trigger = find_trigger(words)
    if trigger is None:
        return None
    inside = [e for e in entities if start <= e.start and e.end <= end]
    actor_entities, location = split_places(inside, body)
    actors: list[tuple[int, str, Actor]] = []
    seen: set[str] = set()
    floor = start
    scores = []
    for entity in actor_entities:
        built = build_actor(entity, body, floor, people)
        floor = entity.end
        if built and built[0] not in seen:
            seen.add(built[0])
            actors.append((entity.start, built[0], built[1]))
            scores.append(entity.score)
    if not actors or (trigger.kind == "STATEMENT" and all(a.type == "GPE" for _, _, a in actors)):
        return None
    status = event_status(sentence)
    dates = resolve_dates(sentence, published, future=status == "planned")
    sided = assign_sides(trigger.kind, actors, trigger)
    return [k for k, _ in sided], Draft(
        kind=trigger.kind, mode=consult_mode(words, trigger), status=status,
        actors=[a for _, a in sided],
        evidence=Evidence(sentence=sentence, start=start, end=end, trigger=trigger.word.text),
        date=dates[0].date if dates else None, date_text=dates[0].text if dates else None,
        location=location, scores=scores,
    )


def extract_events(article: Article, entities: Sequence[Entity], versions: dict[str, str],
                   now: datetime) -> list[Event]:
    """Events of one article; mentions of one event in several sentences merge into one record."""
    published = article.published_at.date() if article.published_at else None
    people = canonical_people(entities)
    drafts: dict[tuple, tuple[list[str], Draft]] = {}
    for span in event_sentences(article.body):
        found = sentence_event(article, span, entities, people, published)
        if found is None:
            continue
        keys, draft = found
        merge_key = (draft.kind, draft.mode, frozenset(keys))
        if merge_key in drafts:
            first = drafts[merge_key][1]
            first.date = first.date or draft.date
            first.date_text = first.date_text or draft.date_text
            first.location = first.location or draft.location
            first.scores.extend(draft.scores)
        else:
            drafts[merge_key] = (keys, draft)
    ref = ArticleRef(url=article.url, title=article.title or None, published_at=article.published_at)
    events = []
    for keys, d in drafts.values():
        mean_score = sum(d.scores) / len(d.scores) if d.scores else 0.5
        confidence = (0.35 if d.kind == "STATEMENT" else 0.45) + 0.5 * mean_score
        events.append(Event(
            event_id=event_id(article.id, d.kind, d.mode, keys), article_id=article.id, source=article.source,
            article=ref, event_type=d.kind, mode=d.mode, status=d.status, date=d.date, date_text=d.date_text,
            actors=d.actors, location=d.location, evidence=d.evidence, confidence=round(min(confidence, 1.0), 3),
            model=versions, extracted_at=now,
        ))
    return events
