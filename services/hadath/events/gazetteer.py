"""Places, nationalities, titles and sectors: the dictionaries the event layer normalizes with.

Country names in Arabic come from pycountry's ISO 3166 translations; the rest
is a hand-written list of what Arabic political news names most often.
"""

from __future__ import annotations

import gettext
from dataclasses import dataclass
from functools import lru_cache

import pycountry

from hadath.events.arabic import normalize, without_proclitic


@dataclass(frozen=True)
class Place:
    name: str
    name_en: str
    country: str | None
    lat: float | None = None
    lon: float | None = None
    is_country: bool = False
    is_capital: bool = False  # capitals stand for their governments ("تخوض القاهرة وواشنطن جهودا")


# Common names that differ from the ISO translation.
_COUNTRY_ALIASES = {
    "USA": ["الولايات المتحدة", "أمريكا", "أميركا", "الولايات المتحدة الأمريكية", "الولايات المتحدة الأميركية"],
    "GBR": ["بريطانيا", "المملكة المتحدة"], "PSE": ["فلسطين"], "SAU": ["السعودية", "المملكة العربية السعودية"],
    "TUR": ["تركيا"], "IRN": ["إيران"], "SYR": ["سوريا", "سورية"], "RUS": ["روسيا"], "ARE": ["الإمارات"],
    "KOR": ["كوريا الجنوبية"], "PRK": ["كوريا الشمالية"], "CZE": ["التشيك"], "NLD": ["هولندا"],
}

# Nationality adjective stems (the masculine singular without ال).
_NATIONALITIES = {
    "USA": ["أمريكي", "أميركي"], "ISR": ["إسرائيلي"], "EGY": ["مصري"], "QAT": ["قطري"], "TUR": ["تركي"],
    "PSE": ["فلسطيني"], "SAU": ["سعودي"], "IRN": ["إيراني"], "JOR": ["أردني"], "LBN": ["لبناني"],
    "SYR": ["سوري"], "IRQ": ["عراقي"], "ARE": ["إماراتي"], "KWT": ["كويتي"], "BHR": ["بحريني"],
    "OMN": ["عماني"], "YEM": ["يمني"], "RUS": ["روسي"], "CHN": ["صيني"], "GBR": ["بريطاني"],
    "FRA": ["فرنسي"], "DEU": ["ألماني"], "SVK": ["سلوفاكي"], "UKR": ["أوكراني"], "SDN": ["سوداني"],
    "LBY": ["ليبي"], "TUN": ["تونسي"], "DZA": ["جزائري"], "MAR": ["مغربي"], "PAK": ["باكستاني"],
    "IND": ["هندي"], "JPN": ["ياباني"], "ITA": ["إيطالي"], "ESP": ["إسباني"], "CAN": ["كندي"],
}

_CITIES = [
    ("القدس", "Jerusalem", None, 31.778, 35.235), ("غزة", "Gaza", "PSE", 31.502, 34.467),
    ("قطاع غزة", "Gaza Strip", "PSE", 31.417, 34.350), ("رفح", "Rafah", "PSE", 31.297, 34.245),
    ("خان يونس", "Khan Yunis", "PSE", 31.346, 34.306), ("رام الله", "Ramallah", "PSE", 31.903, 35.204),
    ("الضفة الغربية", "West Bank", "PSE", 31.950, 35.300), ("تل أبيب", "Tel Aviv", "ISR", 32.085, 34.782),
    ("واشنطن", "Washington", "USA", 38.907, -77.037), ("نيويورك", "New York", "USA", 40.713, -74.006),
    ("ميامي", "Miami", "USA", 25.762, -80.192), ("فلوريدا", "Florida", "USA", 27.994, -81.760),
    ("القاهرة", "Cairo", "EGY", 30.044, 31.236), ("شرم الشيخ", "Sharm El Sheikh", "EGY", 27.916, 34.330),
    ("العريش", "Arish", "EGY", 31.132, 33.803), ("الدوحة", "Doha", "QAT", 25.286, 51.533),
    ("أنقرة", "Ankara", "TUR", 39.934, 32.860), ("إسطنبول", "Istanbul", "TUR", 41.008, 28.978),
    ("دبي", "Dubai", "ARE", 25.205, 55.271), ("أبوظبي", "Abu Dhabi", "ARE", 24.454, 54.377),
    ("الرياض", "Riyadh", "SAU", 24.713, 46.675), ("جدة", "Jeddah", "SAU", 21.486, 39.193),
    ("طهران", "Tehran", "IRN", 35.689, 51.389), ("بيروت", "Beirut", "LBN", 33.894, 35.502),
    ("دمشق", "Damascus", "SYR", 33.513, 36.292), ("بغداد", "Baghdad", "IRQ", 33.315, 44.366),
    ("موسكو", "Moscow", "RUS", 55.756, 37.617), ("بكين", "Beijing", "CHN", 39.904, 116.407),
    ("لندن", "London", "GBR", 51.507, -0.128), ("باريس", "Paris", "FRA", 48.857, 2.352),
    ("برلين", "Berlin", "DEU", 52.520, 13.405), ("جنيف", "Geneva", "CHE", 46.204, 6.143),
    ("بروكسل", "Brussels", "BEL", 50.850, 4.352), ("الخرطوم", "Khartoum", "SDN", 15.501, 32.560),
    ("صنعاء", "Sanaa", "YEM", 15.369, 44.191), ("طرابلس", "Tripoli", "LBY", 32.887, 13.191),
]

# Cities whose name stands for a government in news text.
_SEATS = {"واشنطن", "القاهرة", "الدوحة", "أنقرة", "الرياض", "طهران", "بيروت", "دمشق", "بغداد", "موسكو", "بكين",
          "لندن", "باريس", "برلين", "تل أبيب", "أبوظبي", "الخرطوم", "صنعاء", "رام الله"}

# (Arabic title, English title, sector), longest first when matching.
TITLES = [
    ("رئيس الوزراء", "prime minister", "government"), ("رئيس الحكومة", "prime minister", "government"),
    ("وزير الخارجية", "foreign minister", "government"), ("وزير الشؤون الخارجية", "foreign minister", "government"),
    ("وزير الدفاع", "defense minister", "military"), ("وزير الداخلية", "interior minister", "government"),
    ("وزير الشؤون الاستراتيجية", "strategic affairs minister", "government"),
    ("مستشار الأمن القومي", "national security adviser", "government"),
    ("رئيس مجلس الأمن القومي", "national security council head", "government"),
    ("رئيس المخابرات", "intelligence chief", "intelligence"), ("مدير المخابرات", "intelligence chief", "intelligence"),
    ("رئيس الاستخبارات", "intelligence chief", "intelligence"), ("رئيس الأركان", "chief of staff", "military"),
    ("قائد الجيش", "army commander", "military"), ("المتحدث باسم", "spokesperson", "government"),
    ("الأمين العام", "secretary-general", "international org"), ("ولي العهد", "crown prince", "government"),
    ("المبعوث", "envoy", "government"), ("مبعوث", "envoy", "government"), ("الرئيس", "president", "government"),
    ("رئيس", "president", "government"), ("الملك", "king", "government"), ("الأمير", "emir", "government"),
    ("وزير", "minister", "government"), ("السفير", "ambassador", "government"), ("سفير", "ambassador", "government"),
    ("مستشار", "adviser", "government"), ("كبير المستشارين", "senior adviser", "government"),
    ("اللواء", "major general", "military"), ("العميد", "brigadier", "military"), ("الجنرال", "general", "military"),
    ("النائب", "lawmaker", "legislature"), ("زعيم", "leader", "party"), ("قائد", "commander", "military"),
    ("نائب الرئيس", "vice president", "government"), ("السيناتور", "senator", "legislature"),
]
# Military ranks: a title only when no office is named ("رئيس المخابرات المصرية، اللواء حسن رشاد").
RANKS = {"اللواء", "العميد", "الجنرال"}
TITLES.sort(key=lambda t: -len(t[0]))

# Words in an organization's name that give its sector.
ORG_SECTORS = [
    (("المخابرات", "الاستخبارات", "الموساد", "الشاباك"), "intelligence"),
    (("الجيش", "القوات", "كتائب", "سرايا", "البنتاغون", "بنتاغون"), "military"),
    (("صحيفة", "قناة", "وكالة", "موقع", "تلفزيون", "هيئة البث", "رويترز", "أكسيوس", "تايمز",
      "أحرونوت", "هآرتس", "بوست", "سي إن إن", "بي بي سي", "فوكس نيوز", "وول ستريت",
      # Outlets quoted as sources in the region's news ("قال لـ«الشرق الأوسط»", "ذكرت واس").
      "الشرق الأوسط", "واس", "فرانس برس", "أسوشيتد برس", "الأناضول", "سبوتنيك", "دويتشه فيله"), "media"),
    (("الأمم المتحدة", "مجلس الأمن", "الاتحاد الأوروبي", "الجامعة العربية", "الصليب الأحمر", "منظمة",
      "مجلس السلام", "حلف"), "international org"),
    (("حركة", "حزب", "حماس", "فتح", "الجهاد"), "party"),
    (("الحكومة", "وزارة", "البيت الأبيض", "الخارجية", "الرئاسة", "مجلس الوزراء", "الكنيست", "الكونغرس"),
     "government"),
]


# People the region's news names most, with their Latin spelling, so analysts can join the events
# to other datasets. A distinctive last name is enough (ويتكوف); common ones need the full name
# (محمود عباس). Spelling variants (نتانياهو، غالانت/جالانت) each have a line.
_PEOPLE_LATIN = {
    "نتنياهو": "Benjamin Netanyahu", "نتانياهو": "Benjamin Netanyahu", "ويتكوف": "Steve Witkoff",
    "كوشنر": "Jared Kushner", "ترمب": "Donald Trump", "ترامب": "Donald Trump", "بايدن": "Joe Biden",
    "فانس": "JD Vance", "بلينكن": "Antony Blinken", "سوليفان": "Jake Sullivan", "روبيو": "Marco Rubio",
    "لويد أوستن": "Lloyd Austin", "هيغسيث": "Pete Hegseth", "ديرمر": "Ron Dermer", "هنجبي": "Tzachi Hanegbi",
    "هنغبي": "Tzachi Hanegbi", "غالانت": "Yoav Gallant", "جالانت": "Yoav Gallant", "يسرائيل كاتس": "Israel Katz",
    "هرتسوغ": "Isaac Herzog", "السيسي": "Abdel Fattah el-Sisi", "مدبولي": "Mostafa Madbouly",
    "عبدالعاطي": "Badr Abdelatty", "حسن رشاد": "Hassan Rashad", "محمود عباس": "Mahmoud Abbas",
    "أردوغان": "Recep Tayyip Erdogan", "فيدان": "Hakan Fidan", "بوتين": "Vladimir Putin",
    "لافروف": "Sergey Lavrov", "زيلينسكي": "Volodymyr Zelensky", "ماكرون": "Emmanuel Macron",
    "ستارمر": "Keir Starmer", "شي جين بينغ": "Xi Jinping", "خامنئي": "Ali Khamenei",
    "بزشكيان": "Masoud Pezeshkian", "عراقجي": "Abbas Araghchi", "غوتيريش": "Antonio Guterres",
    "غوتيريس": "Antonio Guterres", "الصفدي": "Ayman Safadi", "فيصل بن فرحان": "Faisal bin Farhan",
    "محمد بن سلمان": "Mohammed bin Salman", "عبد الملك الحوثي": "Abdul-Malik al-Houthi", "الشرع": "Ahmed al-Sharaa",
    "جوزيف عون": "Joseph Aoun", "نواف سلام": "Nawaf Salam", "نبيه بري": "Nabih Berri", "نعيم قاسم": "Naim Qassem",
    "السنوار": "Yahya Sinwar", "هنية": "Ismail Haniyeh", "الحية": "Khalil al-Hayya", "جعفر حسان": "Jafar Hassan",
    "أكرم إمام أوغلو": "Ekrem Imamoglu", "ماثيو ميلر": "Matthew Miller", "لايتستون": "Aryeh Lightstone",
    "غرونباوم": "Josh Gruenbaum",
}


@lru_cache(maxsize=1)
def _people_latin() -> dict[str, str]:
    return {normalize(k): v for k, v in _PEOPLE_LATIN.items()}


def person_latin(name: str) -> str | None:
    """The Latin spelling of a known person, by full name or distinctive last name."""
    known = _people_latin()
    full = normalize(name)
    return known.get(full) or known.get(full.split()[-1]) if full else None


def _country_name_ar(code: str) -> str:
    return _country_names().get(code, code)


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    ar = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["ar"])
    names = {}
    for c in pycountry.countries:
        names[c.alpha_3] = ar.gettext(c.name).split("،")[0]
    for code, aliases in _COUNTRY_ALIASES.items():
        names[code] = aliases[0]
    return names


@lru_cache(maxsize=1)
def _places() -> dict[str, Place]:
    places: dict[str, Place] = {}
    for c in pycountry.countries:
        place = Place(_country_name_ar(c.alpha_3), _english_name(c), c.alpha_3,
                      is_country=True)
        for name in [_country_names()[c.alpha_3], *_COUNTRY_ALIASES.get(c.alpha_3, [])]:
            places.setdefault(normalize(name), place)
    for name, name_en, country, lat, lon in _CITIES:
        places[normalize(name)] = Place(name, name_en, country, lat, lon, is_capital=name in _SEATS)
    return places


@lru_cache(maxsize=1)
def _nationalities() -> dict[str, str]:
    forms = {}
    for code, stems in _NATIONALITIES.items():
        for stem in stems:
            for ending in ("", "ة", "ون", "ين", "ان"):
                forms[normalize(stem + ending)] = code
                forms[normalize("ال" + stem + ending)] = code
    return forms


def lookup_place(text: str) -> Place | None:
    for candidate in without_proclitic(text.strip()):
        place = _places().get(normalize(candidate))
        if place:
            return place
    return None


def nationality(word: str) -> str | None:
    """ISO alpha-3 of a nationality adjective such as الإسرائيلي or المصرية."""
    for candidate in without_proclitic(word.strip("،,.:\"'()")):
        code = _nationalities().get(normalize(candidate))
        if code:
            return code
    return None


def country_name(code: str) -> str:
    return _country_name_ar(code)


def _english_name(country) -> str:
    return getattr(country, "common_name", None) or country.name


def country_name_en(code: str) -> str:
    country = pycountry.countries.get(alpha_3=code)
    return _english_name(country) if country else code


def org_sector(name: str) -> str | None:
    for words, sector in ORG_SECTORS:
        if any(w in name for w in words):
            return sector
    return None
