import orjson
import pytest

from hadath.schemas import Article
from hadath.validation import ArticleLimits, InvalidMessage, arabic_ratio, validate_article

BODY = "التقى رئيس الوزراء بالوفد في القاهرة اليوم."


def article(**fields) -> bytes:
    return orjson.dumps({"id": "a1", "source": "test", "body": BODY, **fields})


def test_valid_article_keeps_unknown_fields_in_extra():
    parsed = validate_article(article(section="politics", published_at="2026-01-25T10:00:00Z"))
    assert parsed.extra == {"section": "politics"}
    assert parsed.published_at.year == 2026


@pytest.mark.parametrize("raw, reason", [
    (b"", "empty"),
    (b"{not json", "bad_json"),
    (b"[1, 2]", "schema"),
    (orjson.dumps({"id": "a1", "body": BODY}), "schema"),  # no source
    (article(published_at="yesterday"), "schema"),
    (article(body="   "), "empty_body"),
    (article(body="The prime minister met the delegation in Cairo today."), "not_arabic"),
    (b'{"id": "a1", "source": "s", "body": "\xff\xfe"}', "decode"),
])
def test_invalid_messages_carry_a_reason(raw, reason):
    with pytest.raises(InvalidMessage) as err:
        validate_article(raw)
    assert err.value.reason == reason
    assert err.value.detail


def test_oversized_body():
    with pytest.raises(InvalidMessage) as err:
        validate_article(article(body=BODY * 10), ArticleLimits(max_body_chars=100))
    assert err.value.reason == "oversized"


def test_arabic_ratio_counts_letters_only():
    assert arabic_ratio("مرحبا 123 !!") == 1.0
    assert arabic_ratio("abc مرحبا") == pytest.approx(5 / 8)


def test_article_model_round_trips_through_json():
    a = Article(id="x", source="s", body=BODY)
    assert Article.model_validate_json(a.model_dump_json()) == a
