"""Resolve Arabic date expressions against an article's publication date."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from hadath.events.arabic import western_digits

_WEEKDAYS = {  # Python weekday numbers
    "الاثنين": 0, "الإثنين": 0, "الثلاثاء": 1, "الأربعاء": 2, "الاربعاء": 2, "الخميس": 3,
    "الجمعة": 4, "السبت": 5, "الأحد": 6, "الاحد": 6,
}
_MONTHS = {
    "يناير": 1, "فبراير": 2, "مارس": 3, "أبريل": 4, "ابريل": 4, "إبريل": 4, "مايو": 5, "يونيو": 6,
    "يونيه": 6, "يوليو": 7, "يوليه": 7, "أغسطس": 8, "اغسطس": 8, "سبتمبر": 9, "أكتوبر": 10,
    "اكتوبر": 10, "نوفمبر": 11, "ديسمبر": 12,
    "كانون الثاني": 1, "شباط": 2, "آذار": 3, "اذار": 3, "نيسان": 4, "أيار": 5, "ايار": 5,
    "حزيران": 6, "تموز": 7, "آب": 8, "اب": 8, "أيلول": 9, "ايلول": 9, "تشرين الأول": 10,
    "تشرين الاول": 10, "تشرين الثاني": 11, "كانون الأول": 12, "كانون الاول": 12,
}
_MONTH_ALT = "|".join(sorted(map(re.escape, _MONTHS), key=len, reverse=True))
_WEEKDAY_ALT = "|".join(sorted(map(re.escape, _WEEKDAYS), key=len, reverse=True))

_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
# "29 ديسمبر", "7 أكتوبر/تشرين الأول 2023", "20 نوفمبر 2025"
_DAY_MONTH = re.compile(rf"(?<!\d)(\d{{1,2}})\s+({_MONTH_ALT})(?:\s*/\s*(?:{_MONTH_ALT}))?(?:\s+(?:عام\s+)?(\d{{4}}))?")
_WEEKDAY = re.compile(rf"(?<![\w])(اليوم\s+)?(?:[وب]?(?:يوم\s+)?)({_WEEKDAY_ALT})(?![\w])")
_RELATIVE = [
    (re.compile(r"(?<![\w])أمس الأول(?![\w])|(?<![\w])أول أمس(?![\w])"), -2),
    (re.compile(r"(?<![\w])(?:[وب]?أمس|البارحة)(?![\w])"), -1),
    (re.compile(r"(?<![\w])(?:اليوم|الليلة)(?![\w])"), 0),
    (re.compile(r"(?<![\w])(?:غدا|غداً|غدًا)(?![\w])"), 1),
    (re.compile(r"(?<![\w])الأسبوع (?:المقبل|القادم)(?![\w])"), 7),
    (re.compile(r"(?<![\w])الأسبوع (?:الماضي|المنصرم)(?![\w])"), -7),
]


# Relative dates reach at most a year around the publication date: a published date nearer
# date.min or date.max than that (a scraper's 0001-01-01) resolves only explicit dates.
_REACH = timedelta(days=400)


@dataclass(frozen=True)
class ResolvedDate:
    date: date
    text: str
    start: int


def _nearest_year(month: int, day: int, published: date) -> date | None:
    candidates = []
    for year in (published.year - 1, published.year, published.year + 1):
        try:
            candidates.append(date(year, month, day))
        except ValueError:
            continue
    return min(candidates, key=lambda d: abs((d - published).days)) if candidates else None


def _weekday(target: int, published: date, future: bool) -> date:
    """The named weekday nearest the publication date: on or before it, or on or after it for plans."""
    delta = (published.weekday() - target) % 7
    if future:
        return published + timedelta(days=(target - published.weekday()) % 7)
    return published - timedelta(days=delta)


def resolve_dates(text: str, published: date | None, future: bool = False) -> list[ResolvedDate]:
    """Every date expression in `text` that can be pinned to a day, in text order."""
    plain = western_digits(text)  # same length as text, so offsets carry over
    if published and not date.min + _REACH <= published <= date.max - _REACH:
        published = None
    found: list[ResolvedDate] = []
    for m in _ISO.finditer(plain):
        try:
            found.append(ResolvedDate(date(*map(int, m.groups())), text[m.start():m.end()], m.start()))
        except ValueError:
            pass
    for m in _DAY_MONTH.finditer(plain):
        day, month = int(m.group(1)), _MONTHS[m.group(2)]
        if m.group(3):
            try:
                value = date(int(m.group(3)), month, day)
            except ValueError:
                continue
        elif published:
            value = _nearest_year(month, day, published)
        else:
            continue
        if value:
            found.append(ResolvedDate(value, text[m.start():m.end()], m.start()))
    if published:
        for m in _WEEKDAY.finditer(plain):
            if m.group(1):  # "اليوم الأحد": today, named
                continue
            found.append(ResolvedDate(_weekday(_WEEKDAYS[m.group(2)], published, future), m.group(2), m.start()))
        for pattern, days in _RELATIVE:
            for m in pattern.finditer(plain):
                found.append(ResolvedDate(published + timedelta(days=days), m.group(), m.start()))
    found.sort(key=lambda r: r.start)
    return found
