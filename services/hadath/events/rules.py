"""Event rules: an article's sentences, entities and trigger judgements become normalized events.

Pure functions, no I/O and no torch: the pipeline's last stage calls `build_events`.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Mapping, Sequence

import numpy as np
from hadath.events import gazetteer
from hadath.events.arabic import normalize, without_proclitic
from hadath.events.dates import resolve_dates
from hadath.events.lexicon import (
    CANCELLED,
    COMPLEMENTIZER,
    FURNITURE,
    FUTURE_INDEX,
    MODE_INDEX,
    PLANNED,
    PRIORITY,
    REPORTED,
    lexicon_kind,
)
from hadath.events.participants import (
    ArticleIndex,
    Candidate,
    EventHeads,
    Site,
    choose,
    event_features,
    position_near,
)
from hadath.events.triggers import NONE, Judgement
from hadath.schemas import Actor, Article, ArticleRef, Event, Evidence, Location
from hadath.text import Entity, Sentence, Word, sentence_at, split_sentences, split_words

SYMMETRIC = {"CONSULT", "AGREE", "COOPERATE"}
MIN_SENTENCE_WORDS = 4
TITLE_WINDOW = 60  # characters before a name searched for its title
# Every event embeds its evidence: a sentence longer than this (a body without punctuation) is
# cut to this many characters around the trigger, so no event grows with its input.
EVIDENCE_MAX_CHARS = 600


@dataclass(frozen=True)
class Trigger:
    kind: str
    word: Word
    probability: float = 1.0


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
    scores: list[float] = field(default_factory=list)  # NER scores of the actors, or the role head's
    trigger_probability: float = 1.0  # the classifier's, 1.0 without one
    site: Site | None = None  # where it was first told
    sites: int = 1  # how many clauses tell it


def content_end(body: str) -> int:
    """Where the article text ends and page furniture (related links, share buttons) begins."""
    m = FURNITURE.search(body)
    return m.start() if m else len(body)


# Particles that may precede a clause's main verb ("وقد أعلنت", "كما دعا", "فيما اتهمت").
_LEADING_PARTICLES = {normalize(w) for w in ("قد", "وقد", "كما", "فيما", "ثم", "بدوره", "بدورها", "ولكن")}


def find_trigger(words: Sequence[Word], judgements: Mapping[int, Judgement] | None = None) -> Trigger | None:
    """The sentence's or clause's trigger. The lexicon proposes each candidate; the classifier's
    judgement (keyed by word start), when given, re-types it or rejects it. The main verb opening
    the clause wins (Arabic news is verb-first: in "أفرجت … عن سالا بعد احتجازها" the release is
    the event, the detention background), unless it only reports ("كشف البيت الأبيض عن عقد
    اجتماع"); otherwise the strongest type by PRIORITY."""
    found = clause_triggers(words, judgements)
    if not found:
        return None
    opening = next((w for w in words if w.text not in "،,:-" and normalize(w.text) not in _LEADING_PARTICLES), None)
    if found[0].word == opening and found[0].kind != "STATEMENT":
        return found[0]
    return min(found, key=lambda t: PRIORITY.index(t.kind))


def clause_triggers(words: Sequence[Word], judgements: Mapping[int, Judgement] | None = None) -> list[Trigger]:
    """Every trigger of the words that the classifier (when given) does not reject, in text order."""
    found: list[Trigger] = []
    for word in words:
        kind, probability = lexicon_kind(word), 1.0
        if kind is None:
            continue
        judged = judgements.get(word.start) if judgements is not None else None
        if judged is not None:
            if judged.kind == NONE:
                continue
            kind, probability = judged.kind, judged.probability
        found.append(Trigger(kind, word, probability))
    return found


def event_sentences(body: str) -> list[Sentence]:
    """The sentences that can hold an event: long enough, with a trigger word.

    Only these go through the NER model; the rest of an article cannot yield events.
    """
    found = []
    for start, end in split_sentences(body[:content_end(body)]):
        sentence = sentence_at(body, start, end)
        if len(sentence.words) >= MIN_SENTENCE_WORDS and find_trigger(sentence.words):
            found.append(sentence)
    return found


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


# First words of organizations' names, seen glued to a preposition: لجامعة الدول العربية.
_ORG_HEADS = {normalize(w) for w in ("جامعة", "منظمة", "مجلس", "هيئة", "حركة", "حزب", "وزارة", "رابطة",
                                       "الأمم", "الاتحاد", "الجامعة", "المنظمة", "الحكومة", "الجيش")}


def resolve_entity(entity: Entity, people: dict[str, str], known: set[str]) -> Entity:
    """Undo the commonest tagging slips: a glued proclitic (وكوشنر، لأكسيوس، بالبيت الأبيض) when the
    bare name occurs in the article, and a known person tagged ORG/LOC."""
    text = entity.text
    if text[:1] in ("و", "ل", "ب") and len(text) > 4:
        bare = text[1:]
        # A person's key is the last name, which the proclitic does not touch: it vouches only
        # for a one-word name (وكوشنر), never for a longer one (بنيامين نتنياهو is not ب + نيامين).
        one_word = len(text.split()) == 1
        if (one_word and person_key(bare) in people) or normalize(bare) in known \
                or normalize(bare.split()[0]) in _ORG_HEADS or gazetteer.lookup_place(bare) is not None:
            entity = Entity(bare, entity.type, entity.start + 1, entity.end, entity.score)
    if entity.type != "PERS" and person_key(entity.text) in people and len(entity.text.split()) <= 2:
        entity = Entity(entity.text, "PERS", entity.start, entity.end, entity.score)
    return entity


def build_actor(entity: Entity, body: str, people: dict[str, str],
                profiles: dict[str, Profile]) -> tuple[str, Actor] | None:
    if entity.type == "PERS":
        key = person_key(entity.text)
        p = profiles.get(key, Profile())
        name = people.get(key, entity.text)
        return key, Actor(text=entity.text, name=name, name_en=gazetteer.person_latin(name), type="PER", title=p.title,
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
# Institutions that a nationality adjective names ("السلطات الإسرائيلية", "وزارة الخارجية الروسية"):
# the NER model seldom tags such descriptions, yet they are the commonest actors in the news.
_INSTITUTIONS = {normalize(w): (sector, english) for w, sector, english in (
    ("الحكومة", "government", "government"), ("السلطات", "government", "authorities"),
    ("وزارة", "government", "ministry"), ("الرئاسة", "government", "presidency"),
    ("البرلمان", "government", "parliament"), ("الخارجية", "government", "foreign ministry"),
    ("الجيش", "military", "army"), ("القوات", "military", "forces"), ("قوات", "military", "forces"),
    ("الشرطة", "police", "police"), ("البحرية", "military", "navy"))}
_PROTESTERS = {normalize(w) for w in ("المتظاهرين", "المتظاهرون", "متظاهرين", "متظاهرون", "المحتجين",
                                       "المحتجون", "محتجين", "محتجون")}
INSTITUTION_SPAN = 4  # words from an institution noun to its nationality adjective, at most
# Nouns that make a following institution part of a title ("وزير الخارجية الأمريكي").
_TITLE_HEADS = {normalize(w) for w in ("وزير", "وزيرة", "رئيس", "رئيسة", "مستشار", "متحدث", "المتحدث", "باسم",
                                       "قائد", "مدير", "سفير", "نائب", "مساعد", "وكيل", "أمين")}


def group_actors(words: Sequence[Word], entities: Sequence[Entity]) -> list[tuple[int, str, Actor]]:
    """Actors that are descriptions, not names, outside any entity: plural nationalities
    ("مسؤولين أمريكيين", "الأردنيين"), national institutions ("الجيش الباكستاني") and protesters."""
    out = []
    taken = [(e.start, e.end) for e in entities]
    free = [not any(s <= w.start < e for s, e in taken) for w in words]
    i = 0
    while i < len(words):
        word, form = words[i], normalize(words[i].text)
        if free[i] and form in _INSTITUTIONS and not (
                i > 0 and any(normalize(f) in _TITLE_HEADS for f in without_proclitic(words[i - 1].text))):
            tail = next((j for j in range(i + 1, min(i + INSTITUTION_SPAN, len(words)))
                         if gazetteer.nationality(words[j].text) and free[j]), None)
            if tail is not None:
                text = " ".join(w.text for w in words[i:tail + 1])
                country = gazetteer.nationality(words[tail].text)
                sector, english = _INSTITUTIONS[form]
                out.append((word.start, f"ORG:{normalize(text)}",
                            Actor(text=text, name=text, name_en=f"{gazetteer.country_name_en(country)} ({english})",
                                  type="ORG", country=country, sector=gazetteer.org_sector(text) or sector,
                                  side="participant")))
                i = tail + 1
                continue
        if free[i] and form in _PROTESTERS:
            out.append((word.start, "NORP:protesters", Actor(text=word.text, name=word.text, type="NORP",
                                                             sector="protesters", side="participant")))
        elif free[i] and form.endswith(("ين", "ون")) and (country := gazetteer.nationality(word.text)):
            before = normalize(words[i - 1].text).removeprefix("ال") if i else ""
            head = words[i - 1] if before.startswith(_ACTOR_NOUNS) else None
            text = f"{head.text} {word.text}" if head else word.text
            sector = "government" if head and before.startswith(_OFFICIALS) else None
            out.append(((head or word).start, f"NORP:{country}",
                        Actor(text=text, name=text, type="NORP", country=country, sector=sector,
                              side="participant")))
        i += 1
    return out


def assign_sides(kind: str, actors: list[tuple[int, str, Actor]], trigger_start: int) -> list[tuple[str, Actor]]:
    if kind in SYMMETRIC or len(actors) < 2:
        side_of = {i: "participant" if kind in SYMMETRIC else "source" for i in range(len(actors))}
    else:
        before = [i for i, (pos, _, _) in enumerate(actors) if pos < trigger_start]
        source = before[-1] if before else 0
        others = [i for i in range(len(actors)) if i != source]
        side_of = {source: "source", others[0]: "target"}
        side_of.update({i: "participant" for i in others[1:]})
    return [(key, actor.model_copy(update={"side": side_of[i]})) for i, (_, key, actor) in enumerate(actors)]


def event_id(article_id: str, kind: str, mode: str | None, status: str, actor_keys: Sequence[str]) -> str:
    """Stable across runs; distinct within an article (a planned and a held meeting of the same
    people are two records)."""
    basis = "|".join([article_id, kind, mode or "", status, *sorted(actor_keys)])
    return hashlib.sha256(basis.encode()).hexdigest()[:24]


def clauses(body: str, span: tuple[int, int], words: Sequence[Word]) -> list[tuple[int, int, bool]]:
    """(start, end, coordinated) of the clauses of the sentence at `span` (its `words` given), in
    body offsets. They are cut at each complementizer and before a trigger joined by a comma and
    و/ف ("اتهمت الحكومة …، وطالبت مجلس الأمن …"); those coordinated clauses share the first
    one's subject."""
    start, end = span
    cuts = {start + m.start(): False for m in COMPLEMENTIZER.finditer(body[start:end])}
    cuts.update({w.start: True for before, w in zip(words, words[1:])
                 if before.text in ("،", ",") and w.text[:1] in ("و", "ف") and lexicon_kind(w)})
    bounds = sorted(cuts.items())
    starts = [(start, False), *bounds]
    ends = [cut for cut, _ in bounds] + [end]
    return [(a, b, coordinated) for (a, coordinated), b in zip(starts, ends) if body[a:b].strip()]


def span_actors(body: str, span: tuple[int, int], words: Sequence[Word], entities: Sequence[Entity],
                people: dict[str, str], profiles: dict[str, Profile]
                ) -> tuple[list[tuple[int, str, Actor]], list[float], Location | None]:
    """The actors named inside a span (in text order), their NER scores, and its location."""
    start, end = span
    inside = [e for e in entities if start <= e.start and e.end <= end]
    actor_entities, location = split_places(inside, body)
    found: list[tuple[int, str, Actor, float]] = []
    seen: set[str] = set()
    for entity in actor_entities:
        built = build_actor(entity, body, people, profiles)
        if built and built[1].sector == "media":
            continue  # outlets report events; they are not their actors
        if built and built[0] not in seen:
            seen.add(built[0])
            found.append((entity.start, *built, entity.score))
    for position, key, actor in group_actors([w for w in words if start <= w.start < end], inside):
        if key not in seen:
            seen.add(key)
            found.append((position, key, actor, 0.6))
    found.sort(key=lambda item: item[0])
    return [(pos, key, actor) for pos, key, actor, _ in found], [score for *_, score in found], location


def evidence(body: str, sentence_span: tuple[int, int], trigger: Word) -> Evidence:
    """The trigger's sentence, or the EVIDENCE_MAX_CHARS of it around the trigger."""
    start, end = sentence_span
    if end - start > EVIDENCE_MAX_CHARS:
        start = max(start, min(trigger.start - EVIDENCE_MAX_CHARS // 2, end - EVIDENCE_MAX_CHARS))
        end = start + EVIDENCE_MAX_CHARS
    return Evidence(sentence=body[start:end], start=start, end=end, trigger=trigger.text)


def span_event(article: Article, span: tuple[int, int], sentence_span: tuple[int, int], trigger: Trigger,
               words: Sequence[Word], entities: Sequence[Entity], people: dict[str, str],
               profiles: dict[str, Profile], published: date | None,
               subject: tuple[str, Actor, float] | None = None, empty_ok: bool = False
               ) -> tuple[list[str], Draft] | None:
    """The event a trigger makes with the actors of `span` (one clause, or the whole sentence);
    `subject` (key, actor, score) acts when no actor precedes the trigger (an elided subject).
    With `empty_ok` an event without actors is kept too (the role head finds them elsewhere)."""
    body = article.body
    actors, scores, location = span_actors(body, span, words, entities, people, profiles)
    if subject and subject[0] not in {k for _, k, _ in actors} and \
            not any(pos < trigger.word.start for pos, _, _ in actors):
        actors, scores = [(span[0], subject[0], subject[1]), *actors], [subject[2], *scores]
    if not empty_ok and (not actors or (
            trigger.kind == "STATEMENT" and all(a.type in ("GPE", "NORP") for _, _, a in actors))):
        return None
    text = body[span[0]:span[1]]
    status = event_status(text)
    if status == "occurred" and REPORTED.search(body[sentence_span[0]:span[0]]):
        status = "reported"  # "نقلت صحيفة … عن مسؤولين أن الوفد وصل": the cue precedes the clause
    dates = resolve_dates(text, published, future=status == "planned")
    sided = assign_sides(trigger.kind, actors, trigger.word.start)
    keys = [k for k, _ in sided]
    side = {a.side: k for k, a in sided}
    site = Site(trigger.kind, trigger.word.start, trigger.probability, span, sentence_span, tuple(keys),
                side.get("source"), side.get("target"))
    return keys, Draft(
        kind=trigger.kind, mode=consult_mode(words, trigger), status=status,
        actors=[a for _, a in sided],
        evidence=evidence(body, sentence_span, trigger.word),
        date=dates[0].date if dates else None, date_text=dates[0].text if dates else None,
        location=location, scores=scores, trigger_probability=trigger.probability, site=site,
    )


def sentence_events(article: Article, sentence: Sentence, entities: Sequence[Entity],
                    people: dict[str, str], profiles: dict[str, Profile], published: date | None,
                    judgements: Mapping[int, Judgement] | None = None,
                    empty_ok: bool = False) -> list[tuple[list[str], Draft]]:
    """One event per clause that has a trigger and actors ("وقال نتنياهو إن الاجتماع كان مثمرا" is
    his statement only); when no clause has both, one event for the sentence. With `empty_ok`,
    one per clause with a trigger."""
    span, words = (sentence.start, sentence.end), sentence.words
    if len(words) < MIN_SENTENCE_WORDS:
        return []
    context = (words, entities, people, profiles, published)
    per_clause = []
    subject = None
    for clause_start, clause_end, coordinated in clauses(article.body, span, words):
        clause = (clause_start, clause_end)
        clause_words = [w for w in words if clause[0] <= w.start < clause[1]]
        trigger = find_trigger(clause_words, judgements)
        if trigger is None:
            continue
        found = span_event(article, clause, span, trigger, *context, subject if coordinated else None, empty_ok)
        per_clause.append(found)
        if empty_ok:  # the heads judge every other type the clause's words tell too
            kinds = {trigger.kind}
            for other in clause_triggers(clause_words, judgements):
                if other.kind not in kinds:
                    kinds.add(other.kind)
                    per_clause.append(span_event(article, clause, span, other, *context, None, empty_ok))
        if found and found[0]:
            keys, draft = found
            source = next((i for i, a in enumerate(draft.actors) if a.side == "source"), 0)
            subject = (keys[source], draft.actors[source].model_copy(update={"side": "participant"}),
                       draft.scores[source])
    if any(per_clause):
        return [found for found in per_clause if found]
    trigger = find_trigger(words, judgements)
    whole = span_event(article, span, span, trigger, *context) if trigger else None
    return [whole] if whole else []


def merge_or_add(drafts: list[tuple[list[str], Draft]], keys: list[str], draft: Draft) -> None:
    """One real event mentioned in several sentences is one record: same type, mode and status
    sharing a person, or two actors (one when a mention has only one), merge, actors united."""
    people = {a.name for a in draft.actors if a.type == "PER"}
    for known_keys, known in drafts:
        if (known.kind, known.mode, known.status) != (draft.kind, draft.mode, draft.status):
            continue
        known_people = {a.name for a in known.actors if a.type == "PER"}
        shared = set(keys) & set(known_keys)
        if people & known_people or len(shared) >= min(2, len(keys), len(known_keys)):
            for key, actor in zip(keys, draft.actors):
                if key not in known_keys:
                    known_keys.append(key)
                    known.actors.append(actor)
            known.date = known.date or draft.date
            known.date_text = known.date_text or draft.date_text
            known.location = known.location or draft.location
            known.scores.extend(draft.scores)
            known.trigger_probability = max(known.trigger_probability, draft.trigger_probability)
            known.sites += draft.sites
            return
    drafts.append((keys, draft))


def real_events(drafts: list[tuple[list[str], Draft]]) -> list[tuple[list[str], Draft]]:
    """The drafts that stand for events of their own: a meeting needs two sides (one side alone
    is a fragment of the real meeting or no meeting at all), and an event whose actors all take
    part in a fuller one of the same type is that event told again (headline, lead, quote)."""
    whole = [(keys, d) for keys, d in drafts if d.kind != "CONSULT" or len(set(keys)) >= 2]
    fuller_first = sorted(range(len(whole)), key=lambda i: -len(set(whole[i][0])))
    kept: list[int] = []
    for i in fuller_first:
        keys, d = whole[i]
        if not any(whole[j][1].kind == d.kind and set(keys) <= set(whole[j][0]) for j in kept):
            kept.append(i)
    return [whole[i] for i in sorted(kept)]


def article_candidates(body: str, sentences: Sequence[Sentence], entities: Sequence[Entity],
                       people: dict[str, str], profiles: dict[str, Profile]) -> list[Candidate]:
    """Every actor the event sentences name, once, with the sentences' mentions of it."""
    found: dict[str, Candidate] = {}
    for sentence in sentences:
        actors, scores, _ = span_actors(body, (sentence.start, sentence.end), sentence.words, entities, people,
                                        profiles)
        for (position, key, actor), score in zip(actors, scores):
            candidate = found.setdefault(key, Candidate(key, actor))
            candidate.mentions.append(position)
            candidate.score = max(candidate.score, score)
    return list(found.values())


def with_participants(keys: list[str], draft: Draft, candidates: Sequence[Candidate], index: ArticleIndex,
                      heads: EventHeads) -> tuple[list[str], Draft]:
    """The draft with the participants the role head chooses among all the article's actors
    (their probabilities as its scores), sided by where each is named near the trigger."""
    site = draft.site
    chosen = choose(site, candidates, index, heads.roles, heads.role_threshold)
    probability = {c.key: p for c, p in chosen}
    placed = sorted((position_near(c, site), c.key, c.actor) for c, _ in chosen)
    sided = assign_sides(draft.kind, placed, site.trigger_start)
    return [k for k, _ in sided], replace(draft, actors=[a for _, a in sided],
                                          scores=[probability[k] for k, _ in sided])


def keep_features(draft: Draft, index: ArticleIndex) -> list[float]:
    """What the keep head reads of a merged draft."""
    return event_features(draft.kind, draft.status, draft.scores, draft.sites, index.sentence_of(draft.evidence.start),
                          draft.trigger_probability, [a.type for a in draft.actors])


def keeps(draft: Draft, index: ArticleIndex, heads: EventHeads) -> float:
    """The keep head's probability that a merged draft is a real event."""
    return float(heads.keep(np.array([keep_features(draft, index)]))[0])


def build_events(article: Article, sentences: Sequence[Sentence], entities: Sequence[Entity],
                 versions: dict[str, str], now: datetime,
                 judgements: Mapping[int, Judgement] | None = None, heads: EventHeads | None = None) -> list[Event]:
    """Events of one article's `event_sentences`; mentions of one event in several sentences
    merge into one record. `judgements` are the trigger classifier's, by trigger start offset
    (without them the lexicon alone decides); `heads` choose the participants among all the
    article's actors and the events that stand (without them, the clause's actors and the
    rules' filters)."""
    drafts = merged_drafts(read_article(article, sentences, entities, judgements, empty_ok=heads is not None), heads)
    ref = ArticleRef(url=article.url, title=article.title or None, published_at=article.published_at)
    events = []
    for keys, d in drafts:
        confidence = d.trigger_probability * sum(d.scores) / len(d.scores)  # every draft has actors
        events.append(Event(
            event_id=event_id(article.id, d.kind, d.mode, d.status, keys), article_id=article.id, source=article.source,
            article=ref, event_type=d.kind, mode=d.mode, status=d.status, date=d.date, date_text=d.date_text,
            actors=d.actors, location=d.location, evidence=d.evidence, confidence=round(confidence, 3),
            model=versions, extracted_at=now,
        ))
    return events


@dataclass
class Told:
    """An article as the rules read it: its actors, and a draft for each clause that tells an event."""

    index: ArticleIndex
    candidates: list[Candidate]
    clauses: list[tuple[list[str], Draft]]


def read_article(article: Article, sentences: Sequence[Sentence], entities: Sequence[Entity],
                 judgements: Mapping[int, Judgement] | None = None, empty_ok: bool = False) -> Told:
    """Each clause's draft with the clause's actors (`empty_ok`: drafts without any too)."""
    published = article.published_at.date() if article.published_at else None
    people = canonical_people(entities)
    known = {normalize(e.text) for e in entities}
    entities = [resolve_entity(e, people, known) for e in entities]
    profiles = article_profiles(article.body, entities)
    clauses = [found for sentence in sentences for found in sentence_events(
        article, sentence, entities, people, profiles, published, judgements, empty_ok=empty_ok)]
    candidates = article_candidates(article.body, sentences, entities, people, profiles) if empty_ok else []
    return Told(ArticleIndex(article.body, article.title), candidates, clauses)


def merged_drafts(told: Told, heads: EventHeads | None = None, keep: bool = True) -> list[tuple[list[str], Draft]]:
    """The drafts `build_events` makes events of: participants chosen (with `heads`), mentions of
    one event merged, the rules' filters, then the keep head's (unless `keep` is False)."""
    drafts: list[tuple[list[str], Draft]] = []
    for keys, draft in told.clauses:
        draft = replace(draft, actors=list(draft.actors), scores=list(draft.scores))  # told stays as read
        if heads is not None:
            keys, draft = with_participants(keys, draft, told.candidates, told.index, heads)
        if keys:
            merge_or_add(drafts, keys, draft)
    drafts = real_events(drafts)
    if heads is not None and keep:
        drafts = [(keys, d) for keys, d in drafts if keeps(d, told.index, heads) >= heads.keep_threshold]
    return drafts
