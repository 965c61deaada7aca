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
from hadath.events.lexicon import (CANCELLED, FURNITURE, FUTURE_INDEX, MODE_INDEX, PLANNED, PRIORITY,
                                   REPORTED, TRIGGER_INDEX)
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
    future = any(normalize(form) in FUTURE_INDEX for w in split_words(sentence) for form in without_proclitic(w.text))
    if future or PLANNED.search(sentence):
        return "planned"
    if REPORTED.search(sentence):
        return "reported"
    return "occurred"


@dataclass(frozen=True)
class Profile:
    title: str | None = None
    sector: str | None = None
    country: str | None = None


# Whole words only (الأمير is not in الأميركي), with an optional proclitic.
_TITLE_PATTERNS = [(re.compile(rf"(?<!\w)[وبلف]?{re.escape(ar)}(?!\w)"), ar, en, sector)
                   for ar, en, sector in gazetteer.TITLES]


def title_profile(before: str) -> Profile:
    """Title, sector and country named in the words just before a person's name.

    The office nearest the name wins (a rank such as اللواء only when no office is named, the
    longer title when two end together); the country is a nationality adjective between that
    title and the name.
    """
    best = max(((ar not in gazetteer.RANKS, m.end(), len(ar), en, sector)
                for pattern, ar, en, sector in _TITLE_PATTERNS for m in pattern.finditer(before)), default=None)
    if best and len(split_words(before[best[1]:])) > 4:
        best = None  # too far from the name to be its title
    tail = before[best[1]:] if best else " ".join(before.split()[-2:])
    country = next((c for c in map(gazetteer.nationality, (w.text for w in split_words(tail))) if c), None)
    return Profile(best[3], best[4], country) if best else Profile(country=country)


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


def resolve_entity(entity: Entity, people: dict[str, str], known: set[str]) -> Entity:
    """Undo the commonest tagging slips: a glued proclitic (وكوشنر، لأكسيوس، بالبيت الأبيض) when the
    bare name occurs in the article, and a known person tagged ORG/LOC."""
    text = entity.text
    if text[:1] in ("و", "ل", "ب") and len(text) > 4:
        bare = text[1:]
        if person_key(bare) in people or normalize(bare) in known or gazetteer.lookup_place(bare) is not None:
            entity = Entity(bare, entity.type, entity.start + 1, entity.end, entity.score)
    if entity.type != "PERS" and person_key(entity.text) in people and len(entity.text.split()) <= 2:
        entity = Entity(entity.text, "PERS", entity.start, entity.end, entity.score)
    return entity


def build_actor(entity: Entity, body: str, people: dict[str, str],
                profiles: dict[str, Profile]) -> tuple[str, Actor] | None:
    if entity.type == "PERS":
        key = person_key(entity.text)
        p = profiles.get(key, Profile())
        return key, Actor(text=entity.text, name=people.get(key, entity.text), type="PER", title=p.title,
                          country=p.country, sector=p.sector, side="participant")
    if entity.type == "ORG":
        after = body[entity.end:entity.end + 20].split()
        country = next((c for c in map(gazetteer.nationality, entity.text.split() + after[:1]) if c), None)
        place = gazetteer.lookup_place(entity.text)
        return normalize(entity.text), Actor(text=entity.text, name=entity.text, type="ORG",
                                             country=country or (place.country if place else None),
                                             sector=gazetteer.org_sector(entity.text), side="participant")
    if entity.type == "LOC":
        place = gazetteer.lookup_place(entity.text)
        if place and (place.is_country or place.is_capital):
            return place.name, Actor(text=entity.text, name=place.name, name_en=place.name_en, type="GPE",
                                     country=place.country, sector="government", side="participant")
    return None


def article_profiles(body: str, entities: Sequence[Entity]) -> dict[str, Profile]:
    """Each person's title and country from the mention that names them (one person, one profile)."""
    profiles: dict[str, Profile] = {}
    floor = 0
    for e in entities:
        # "مستشار الأمن القومي لنتنياهو": a title before a glued ل belongs to someone else.
        if e.type == "PERS" and body[e.start - 1:e.start] != "ل":
            found = title_profile(body[max(floor, e.start - TITLE_WINDOW):e.start])
            known = profiles.get(person_key(e.text), Profile())
            profiles[person_key(e.text)] = Profile(known.title or found.title, known.sector or found.sector,
                                                   known.country or found.country)
        floor = e.end
    return profiles


_IN_PLACE = re.compile(r"(?:^|\s)(?:في|ب|إلى|الى|من)\s*$")


def split_places(entities: Sequence[Entity], body: str) -> tuple[list[Entity], Location | None]:
    """Separate the event's location ("في القدس") from places acting as actors (capitals, countries)."""
    actors, location = [], None
    for e in entities:
        if e.type == "LOC":
            place = gazetteer.lookup_place(e.text)
            where = bool(_IN_PLACE.search(body[max(0, e.start - 8):e.start]))
            if place is not None and (where or not (place.is_country or place.is_capital)):
                if location is None and where:
                    location = Location(text=e.text, name=place.name, country=place.country,
                                        lat=place.lat, lon=place.lon)
                continue
        actors.append(e)
    return actors, location


# Stems of nouns that a plural nationality qualifies as a group actor ("مسؤولين أمريكيين").
_ACTOR_NOUNS = tuple(map(normalize, ("مسؤول", "قوات", "جنود", "وفد", "دبلوماسي", "مستوطن")))
_OFFICIALS = normalize("مسؤول")


def group_actors(words: Sequence[Word], entities: Sequence[Entity]) -> list[tuple[int, str, Actor]]:
    """NORP actors named by a plural nationality ("مسؤولين أمريكيين", "الأردنيين") outside any entity."""
    out = []
    taken = [(e.start, e.end) for e in entities]
    for i, word in enumerate(words):
        if any(s <= word.start < e for s, e in taken) or not normalize(word.text).endswith(("ين", "ون")):
            continue
        country = gazetteer.nationality(word.text)
        if not country:
            continue
        before = normalize(words[i - 1].text).removeprefix("ال") if i else ""
        head = words[i - 1] if before.startswith(_ACTOR_NOUNS) else None
        text = f"{head.text} {word.text}" if head else word.text
        sector = "government" if head and before.startswith(_OFFICIALS) else None
        out.append(((head or word).start, f"NORP:{country}",
                    Actor(text=text, name=text, type="NORP", country=country, sector=sector, side="participant")))
    return out


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


# Complementizers open reported speech: in "قال X اليوم إن الاجتماع…" the date is the saying's.
_COMPLEMENTIZER = re.compile(r"(?<!\w)(?:إن|أن|بأن|إنه|أنه|بأنه)(?!\w)")


def trigger_clause(sentence: str, trigger_at: int) -> tuple[int, int]:
    """Character span of the clause holding the trigger, between complementizers."""
    start, end = 0, len(sentence)
    for m in _COMPLEMENTIZER.finditer(sentence):
        if m.end() <= trigger_at:
            start = m.end()
        elif m.start() > trigger_at:
            end = m.start()
            break
    return start, end


def sentence_event(article: Article, span: tuple[int, int], entities: Sequence[Entity],
                   people: dict[str, str], profiles: dict[str, Profile],
                   published: date | None) -> tuple[list[str], Draft] | None:
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
    scores = []
    for entity in actor_entities:
        built = build_actor(entity, body, people, profiles)
        if built and built[0] not in seen:
            seen.add(built[0])
            actors.append((entity.start, built[0], built[1]))
            scores.append(entity.score)
    for position, key, actor in group_actors(words, inside):
        if key not in seen:
            seen.add(key)
            actors.append((position, key, actor))
            scores.append(0.6)
    actors.sort(key=lambda item: item[0])
    if not actors or (trigger.kind == "STATEMENT" and all(a.type in ("GPE", "NORP") for _, _, a in actors)):
        return None
    status = event_status(sentence)
    clause_start, clause_end = trigger_clause(sentence, trigger.word.start - start)
    dates = resolve_dates(sentence[clause_start:clause_end], published, future=status == "planned")
    sided = assign_sides(trigger.kind, actors, trigger)
    return [k for k, _ in sided], Draft(
        kind=trigger.kind, mode=consult_mode(words, trigger), status=status,
        actors=[a for _, a in sided],
        evidence=Evidence(sentence=sentence, start=start, end=end, trigger=trigger.word.text),
        date=dates[0].date if dates else None, date_text=dates[0].text if dates else None,
        location=location, scores=scores,
    )


def merge_or_add(drafts: list[tuple[list[str], Draft]], keys: list[str], draft: Draft) -> None:
    """One real event mentioned in several sentences is one record: same type, mode and status
    sharing a person (or, without people, the same actors) merge, actors united."""
    people = {a.name for a in draft.actors if a.type == "PER"}
    for known_keys, known in drafts:
        if (known.kind, known.mode, known.status) != (draft.kind, draft.mode, draft.status):
            continue
        known_people = {a.name for a in known.actors if a.type == "PER"}
        if (people & known_people) or (not people and not known_people and set(keys) == set(known_keys)):
            for key, actor in zip(keys, draft.actors):
                if key not in known_keys:
                    known_keys.append(key)
                    known.actors.append(actor)
            known.date = known.date or draft.date
            known.date_text = known.date_text or draft.date_text
            known.location = known.location or draft.location
            known.scores.extend(draft.scores)
            return
    drafts.append((keys, draft))


def extract_events(article: Article, entities: Sequence[Entity], versions: dict[str, str],
                   now: datetime, spans: Sequence[tuple[int, int]] | None = None) -> list[Event]:
    """Events of one article; mentions of one event in several sentences merge into one record.

    `spans` are the article's `event_sentences`, when the caller has them already (it chose
    what to tag with them).
    """
    published = article.published_at.date() if article.published_at else None
    people = canonical_people(entities)
    known = {normalize(e.text) for e in entities}
    entities = [resolve_entity(e, people, known) for e in entities]
    profiles = article_profiles(article.body, entities)
    drafts: list[tuple[list[str], Draft]] = []
    for span in event_sentences(article.body) if spans is None else spans:
        found = sentence_event(article, span, entities, people, profiles, published)
        if found is not None:
            merge_or_add(drafts, *found)
    ref = ArticleRef(url=article.url, title=article.title or None, published_at=article.published_at)
    events = []
    for keys, d in drafts:
        mean_score = sum(d.scores) / len(d.scores) if d.scores else 0.5
        confidence = (0.35 if d.kind == "STATEMENT" else 0.45) + 0.5 * mean_score
        events.append(Event(
            event_id=event_id(article.id, d.kind, d.mode, keys), article_id=article.id, source=article.source,
            article=ref, event_type=d.kind, mode=d.mode, status=d.status, date=d.date, date_text=d.date_text,
            actors=d.actors, location=d.location, evidence=d.evidence, confidence=round(min(confidence, 1.0), 3),
            model=versions, extracted_at=now,
        ))
    return events
