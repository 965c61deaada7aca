"""The event layer on hand-made entities: the rules alone, without the model."""

from datetime import datetime, timezone

from hadath.events.rules import build_events, content_end, event_id, event_sentences, event_status
from hadath.schemas import Article
from hadath.text import Entity

NOW = datetime(2026, 1, 26, tzinfo=timezone.utc)
VERSIONS = {"ner": "hand", "events": "test"}


def extract_events(article: Article, ents: list[Entity], versions=VERSIONS, now=NOW, judgements=None):
    """The rules alone on an article, hand-made entities standing in for the model's."""
    return build_events(article, event_sentences(article.body), ents, versions, now, judgements)


def entities(text: str, *spans: tuple[str, str]) -> list[Entity]:
    out, cursor = [], 0
    for surface, kind in spans:
        start = text.index(surface, cursor)
        out.append(Entity(surface, kind, start, start + len(surface), 0.9))
        cursor = start + len(surface)
    return out


def test_meeting_between_egyptian_intelligence_chief_and_israeli_prime_minister():
    body = ("التقى رئيس المخابرات المصرية، اللواء حسن رشاد، رئيس الوزراء الإسرائيلي، بنيامين نتنياهو، "
            "في القدس، اليوم الثلاثاء، لإجراء محادثات.")
    article = Article(id="003", source="t", body=body, published_at=datetime(2025, 12, 23, tzinfo=timezone.utc))
    ents = entities(body, ("حسن رشاد", "PERS"), ("بنيامين نتنياهو", "PERS"), ("القدس", "LOC"))
    (event,) = extract_events(article, ents, VERSIONS, NOW)
    assert (event.event_type, event.mode, event.status) == ("CONSULT", "meet", "occurred")
    assert str(event.date) == "2025-12-23"
    rashad, netanyahu = event.actors
    assert (rashad.title, rashad.country, rashad.sector) == ("intelligence chief", "EGY", "intelligence")
    assert (netanyahu.title, netanyahu.country) == ("prime minister", "ISR")
    assert {a.side for a in event.actors} == {"participant"}
    assert event.location.name == "القدس" and event.location.lat is not None
    assert body[event.evidence.start:event.evidence.end] == event.evidence.sentence


def test_virtual_meeting_mode():
    body = "عقد مستشار الأمن القومي الأمريكي جيك سوليفان اجتماعا افتراضيا مع وزير الشؤون الاستراتيجية رون ديرمر."
    ents = entities(body, ("جيك سوليفان", "PERS"), ("رون ديرمر", "PERS"))
    (event,) = extract_events(Article(id="4", source="t", body=body), ents, VERSIONS, NOW)
    assert (event.event_type, event.mode) == ("CONSULT", "virtual")
    assert event.actors[0].title == "national security adviser"


def test_mentions_of_one_event_in_several_sentences_merge_and_variants_are_one_actor():
    body = ("التقى المبعوث الأمريكي ستيف ويتكوف رئيس الوزراء بنيامين نتنياهو في القدس.\n"
            "وقال مكتب نتنياهو إن ويتكوف التقى نتنياهو لبحث المرحلة الثانية.")
    ents = entities(body, ("ستيف ويتكوف", "PERS"), ("بنيامين نتنياهو", "PERS"), ("القدس", "LOC"),
                    ("نتنياهو", "PERS"), ("ويتكوف", "PERS"), ("نتنياهو", "PERS"))
    events = extract_events(Article(id="m", source="t", body=body), ents, VERSIONS, NOW)
    consults = [e for e in events if e.event_type == "CONSULT"]
    assert len(consults) == 1
    assert {a.name for a in consults[0].actors} == {"ستيف ويتكوف", "بنيامين نتنياهو"}


def test_page_furniture_yields_nothing():
    body = "نص الخبر هنا.\nمقالات مشابهة\nالتقى الرئيس جو بايدن الرئيس إيمانويل ماكرون في باريس."
    ents = entities(body, ("جو بايدن", "PERS"), ("إيمانويل ماكرون", "PERS"), ("باريس", "LOC"))
    assert content_end(body) == body.index("مقالات")
    assert extract_events(Article(id="f", source="t", body=body), ents, VERSIONS, NOW) == []


def test_status_cues():
    assert event_status("سيلتقي الرئيس نظيره الأسبوع المقبل") == "planned"
    assert event_status("وكان من المقرر عقد الاجتماع لكنه أُلغي") == "cancelled"
    assert event_status("نقلت صحيفة هآرتس عن مصادر أن الوفد وصل") == "reported"
    assert event_status("التقى الرئيس نظيره في القاهرة") == "occurred"


def test_assault_has_source_and_target():
    body = "قصف الجيش الإسرائيلي مواقع لحركة حماس في رفح."
    ents = entities(body, ("الجيش الإسرائيلي", "ORG"), ("حماس", "ORG"), ("رفح", "LOC"))
    (event,) = extract_events(Article(id="s", source="t", body=body), ents, VERSIONS, NOW)
    assert event.event_type == "ASSAULT"
    sides = {a.text: a.side for a in event.actors}
    assert sides == {"الجيش الإسرائيلي": "source", "حماس": "target"}
    assert event.actors[0].country == "ISR" and event.actors[0].sector == "military"


def test_event_ids_are_deterministic():
    assert event_id("a", "CONSULT", "meet", "occurred", ["x", "y"]) == \
        event_id("a", "CONSULT", "meet", "occurred", ["y", "x"])
    assert event_id("a", "CONSULT", "meet", "occurred", ["x"]) != event_id("b", "CONSULT", "meet", "occurred", ["x"])
    assert event_id("a", "CONSULT", "meet", "planned", ["x"]) != event_id("a", "CONSULT", "meet", "occurred", ["x"])


def test_plural_nationalities_are_group_actors():
    body = "احتج مئات اللبنانيين أمام مقر الحكومة في بيروت، وحضر الوقفة مسؤولين أمريكيين."
    events = extract_events(Article(id="n", source="t", body=body), [], VERSIONS, NOW)
    (event,) = events
    assert event.event_type == "PROTEST"
    assert [(a.text, a.type, a.country) for a in event.actors] == [
        ("اللبنانيين", "NORP", "LBN"), ("مسؤولين أمريكيين", "NORP", "USA")]
    assert event.actors[1].sector == "government"


def test_a_date_in_the_reporting_clause_is_not_the_events():
    body = ("قال المبعوث ستيف ويتكوف، اليوم الأحد، إن مناقشات المسؤولين مع بنيامين نتنياهو كانت بناءة.\n"
            "وأضاف ويتكوف أن مسؤولين أمريكيين عقدوا السبت مع نتنياهو اجتماعات.")
    ents = entities(body, ("ستيف ويتكوف", "PERS"), ("بنيامين نتنياهو", "PERS"), ("ويتكوف", "PERS"),
                    ("نتنياهو", "PERS"))
    article = Article(id="d", source="t", body=body, published_at=datetime(2026, 1, 25, tzinfo=timezone.utc))
    (event,) = [e for e in extract_events(article, ents, VERSIONS, NOW) if e.event_type == "CONSULT"]
    assert (str(event.date), event.date_text) == ("2026-01-24", "السبت")


def test_a_statement_about_a_meeting_is_two_events_with_their_own_actors_and_dates():
    body = ("قال المبعوث الأمريكي ستيف ويتكوف، اليوم الأحد، إن مسؤولين أمريكيين التقوا نتنياهو "
            "أمس السبت في القدس.")
    article = Article(id="s", source="t", body=body, published_at=datetime(2026, 1, 25, tzinfo=timezone.utc))
    ents = entities(body, ("ستيف ويتكوف", "PERS"), ("نتنياهو", "PERS"), ("القدس", "LOC"))
    events = {e.event_type: e for e in extract_events(article, ents, VERSIONS, NOW)}
    assert set(events) == {"STATEMENT", "CONSULT"}
    assert [a.name for a in events["STATEMENT"].actors] == ["ستيف ويتكوف"]
    assert str(events["STATEMENT"].date) == "2026-01-25"
    assert {a.name for a in events["CONSULT"].actors} == {"مسؤولين أمريكيين", "نتنياهو"}
    assert str(events["CONSULT"].date) == "2026-01-24"


def test_a_clause_without_actors_makes_no_event_of_its_own():
    body = "وقال رئيس الوزراء بنيامين نتنياهو إن الاجتماع كان مثمرا وبناء."
    article = Article(id="m", source="t", body=body)
    (event,) = extract_events(article, entities(body, ("بنيامين نتنياهو", "PERS")), VERSIONS, NOW)
    assert (event.event_type, event.evidence.trigger) == ("STATEMENT", "وقال")


def test_a_coordinated_clause_shares_the_subject_and_the_opening_verb_wins():
    body = ("أفرجت السلطات الإيرانية عن الصحفية تشيشيليا سالا بعد احتجازها في طهران، "
            "وطالبت الحكومة الإيطالية بالإفراج عن مواطن إيراني.")
    article = Article(id="c", source="t", body=body)
    events = extract_events(article, entities(body, ("تشيشيليا سالا", "PERS"), ("طهران", "LOC")), VERSIONS, NOW)
    assert [(e.event_type, e.evidence.trigger) for e in events] == [("CONCEDE", "أفرجت"), ("REQUEST", "وطالبت")]
    release, request = events
    assert [(a.name, a.side) for a in release.actors] == [("السلطات الإيرانية", "source"),
                                                          ("تشيشيليا سالا", "target")]
    authorities = release.actors[0]
    assert (authorities.country, authorities.sector, authorities.name_en) == ("IRN", "government", "Iran (authorities)")
    assert [(a.name, a.side) for a in request.actors] == [("السلطات الإيرانية", "source"),
                                                          ("الحكومة الإيطالية", "target")]


def test_news_outlets_are_not_actors():
    body = "وقال موقع أكسيوس إن جيك سوليفان التقى رون ديرمر في واشنطن."
    article = Article(id="a", source="t", body=body)
    ents = entities(body, ("أكسيوس", "ORG"), ("جيك سوليفان", "PERS"), ("رون ديرمر", "PERS"), ("واشنطن", "LOC"))
    (event,) = extract_events(article, ents, VERSIONS, NOW)
    assert event.event_type == "CONSULT"
    assert {a.name for a in event.actors} == {"جيك سوليفان", "رون ديرمر"}
