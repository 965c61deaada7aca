from datetime import date

import pytest

from hadath.events.dates import resolve_dates

SUNDAY = date(2026, 1, 25)


def first(text, published=SUNDAY, future=False):
    found = resolve_dates(text, published, future)
    return (found[0].date, found[0].text) if found else None


@pytest.mark.parametrize("text, expected", [
    ("عقدوا السبت مع نتنياهو اجتماعات", date(2026, 1, 24)),
    ("قال اليوم الأحد إن", SUNDAY),
    ("وصل أمس إلى القاهرة", date(2026, 1, 24)),
    ("التقاه الخميس الماضي", date(2026, 1, 22)),
    ("في 29 ديسمبر", date(2025, 12, 29)),
    ("في 7 أكتوبر/تشرين الأول 2023", date(2023, 10, 7)),
    ("يوم ١٥ كانون الثاني", date(2026, 1, 15)),
    ("بتاريخ 2026-01-20", date(2026, 1, 20)),
])
def test_past_expressions(text, expected):
    assert first(text)[0] == expected


def test_planned_weekday_points_forward():
    assert first("سيلتقي الوزير الجمعة", future=True)[0] == date(2026, 1, 30)


def test_next_week():
    assert first("يزور واشنطن الأسبوع المقبل")[0] == date(2026, 2, 1)


def test_without_publication_date_only_absolute_dates_resolve():
    assert first("عقدوا السبت اجتماعا", published=None) is None
    assert first("في 20 نوفمبر 2025", published=None)[0] == date(2025, 11, 20)


def test_date_text_is_as_written():
    assert first("في ٢٩ ديسمبر")[1] == "٢٩ ديسمبر"
