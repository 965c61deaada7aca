"""Trigger words of each PLOVER event type, status cues and page furniture.

Forms are written as they appear in news text; look-ups normalize both sides
(hamza-less alef, ى→ي, ة→ه, no diacritics) and strip one proclitic.
"""

from __future__ import annotations

import re

from hadath.events.arabic import normalize, stems, without_proclitic
from hadath.text import Word

TRIGGERS: dict[str, list[str]] = {
    "CONSULT": [
        "التقى", "يلتقي", "سيلتقي", "تلتقي", "ستلتقي", "التقت", "التقيا", "لقاء", "اللقاء", "لقاءات", "اجتمع",
        "يجتمع", "سيجتمع", "اجتمعت", "اجتماع", "الاجتماع", "اجتماعا", "اجتماعات", "محادثات", "المحادثات",
        "مباحثات", "المباحثات", "مشاورات", "المشاورات", "مناقشات", "المناقشات", "استقبل", "يستقبل",
        "استقبلت", "زار", "يزور", "سيزور", "زيارة", "الزيارة", "قمة", "القمة", "مؤتمر", "المؤتمر",
        "اتصال", "اتصالا", "الاتصال", "هاتف", "بحث", "بحثا", "يبحث", "لبحث", "يتوجه", "تستضيف", "يستضيف",
    ],
    # Verbs only: the noun اتفاق mostly names an existing deal ("اتفاق غزة"), not a new one.
    "AGREE": ["اتفق", "اتفقا", "اتفقت", "اتفقوا", "وقع", "وقعت", "وقعا", "وافق", "وافقت", "توصل", "توصلا"],
    "REQUEST": ["طالب", "طالبت", "يطالب", "مطالبة", "طلب", "طلبت", "دعا", "دعت", "يدعو", "حث", "حثت",
                "ناشد", "ناشدت"],
    "REJECT": ["رفض", "رفضت", "يرفض", "ترفض", "الرفض", "رفضه", "رفضها"],
    "ACCUSE": ["اتهم", "اتهمت", "يتهم", "اتهام", "اتهامات", "ندد", "نددت", "أدان", "أدانت", "إدانة",
               "استنكر", "استنكرت", "انتقد", "انتقدت"],
    "THREATEN": ["هدد", "هددت", "يهدد", "تهديد", "تهديدات", "توعد", "توعدت", "حذر", "حذرت", "يحذر"],
    "SUPPORT": ["دعم", "يدعم", "أيد", "أيدت", "تأييد", "أشاد", "أشادت", "رحب", "رحبت", "ترحيب"],
    # Definite nouns (التعاون، المساعدات، الإفراج…) mostly name a topic under discussion, not an act.
    "COOPERATE": ["تعاون", "تنسيق", "شراكة", "تعاونت"],
    "AID": ["مساعدات", "إغاثة", "منحة", "تبرع", "تبرعت"],
    "CONCEDE": ["تراجع", "تراجعت", "تنازل", "تنازلت", "أفرج", "أفرجت"],
    "RETREAT": ["انسحب", "انسحبت", "انسحاب", "الانسحاب", "ينسحب"],
    "PROTEST": ["تظاهر", "تظاهروا", "تظاهرة", "مظاهرة", "مظاهرات", "احتج", "احتجوا", "احتجاج", "احتجاجات",
                "اعتصام", "إضراب"],
    "SANCTION": ["عقوبات", "العقوبات", "حظر", "الحظر", "قطع", "طرد", "جمد", "تجميد"],
    "MOBILIZE": ["حشد", "حشدت", "حشود", "استنفار", "تعبئة"],
    "COERCE": ["اعتقل", "اعتقلت", "اعتقال", "احتجز", "احتجاز", "حصار", "أغلق", "إغلاق", "هدم", "مداهمة",
               "داهم", "داهمت", "سيطر", "سيطرت"],
    "ASSAULT": ["قصف", "قصفت", "غارة", "غارات", "هجوم", "هجمات", "هاجم", "هاجمت", "اشتباك", "اشتباكات",
                "قتل", "قتلت", "اغتيال", "استهدف", "استهدفت"],
    "STATEMENT": ["قال", "قالت", "يقول", "أعلن", "أعلنت", "صرح", "صرحت", "أكد", "أكدت", "أوضح", "أوضحت",
                  "أضاف", "أضافت", "بيان", "البيان", "كشف", "كشفت"],
}
# When several types fire in one sentence the most specific wins. Threats and mobilizations come
# before ASSAULT because they embed the attack they threaten or prepare ("هدد بهجوم", "حشد لهجوم");
# AID comes late because aid is mostly the object of another act ("طالب بإدخال المساعدات").
PRIORITY = ["THREATEN", "MOBILIZE", "ASSAULT", "COERCE", "SANCTION", "RETREAT", "CONCEDE", "PROTEST",
            "ACCUSE", "REJECT", "AGREE", "CONSULT", "REQUEST", "AID", "SUPPORT", "COOPERATE", "STATEMENT"]

MODE_CUES: list[tuple[str, tuple[str, ...]]] = [
    ("virtual", ("افتراضي", "افتراضيا", "الافتراضي", "الفيديو", "المرئي", "مرئي", "بعد")),
    ("phone", ("هاتفي", "هاتفيا", "الهاتف", "هاتف", "اتصالا", "اتصال")),
    ("multilateral", ("قمة", "القمة", "مؤتمر", "المؤتمر", "الوسطاء", "متعدد")),
    ("visit", ("زار", "يزور", "سيزور", "زيارة", "الزيارة", "يتوجه")),
]

CANCELLED = re.compile(r"أُ?لغي|ألغ[يت]|إلغاء|الغاء|أرجئ|تأجيل|أجّ?ل|ألغى")
PLANNED = re.compile(
    r"(?<![\w])(?:سوف|من المقرر|من المنتظر|من المتوقع|يعتزم|تعتزم|المرتقب|المرتقبة|غدا|غداً"
    r"|(?:الأسبوع|الشهر|العام) (?:المقبل|القادم))(?![\w])")
# Imperfect verbs that, with the future prefix س, mark a plan (سيلتقي، ستعقد); checked word by word
# because a bare "س + letters" pattern also matches names and nouns (ستيف، سياسة، سيطر).
FUTURE_VERBS = ["يتم", "يعقد", "تعقد", "يصل", "تصل", "يتوجه", "تتوجه", "يبدأ", "تبدأ", "يبحث", "يناقش", "يجتمع",
                "تجتمع", "يلتقي", "تلتقي", "يزور", "تزور", "يستضيف", "تستضيف", "يشارك", "تشارك", "يوقع", "توقع",
                "يعود", "يسافر", "يستقبل", "تستقبل", "نعود", "ندخل", "يقوم", "تقوم"]
# Complementizers open reported speech: "قال X اليوم إن Y التقى Z" holds two events, X's statement
# and Y's meeting, each with its own actors and date.
COMPLEMENTIZER = re.compile(r"(?<!\w)(?:إن|أن|بأن|إنه|أنه|بأنه)(?!\w)")
REPORTED = re.compile(r"نقلت?\s.*\sعن|نقلا عن|نقلاً عن|وفق[اًا]? ?(?:ل)?مصادر|مصادر مطلعة|بحسب|حسبما|ذكرت صحيفة"
                      r"|ذكر موقع|قال موقع|أفادت|تقارير")

# Lines from which on a page is furniture, not article text.
FURNITURE = re.compile(
    r"^\s*(?:مقالات مشابهة|مقالات ذات صلة|اقرأ أيضا|اقرأ أيضاً|إقرأ أيضا|طباعة|شارك|تصنيفات|قصص قد تهمك"
    r"|كلمات دلالية|الكلمات المفتاحية|المزيد من)", re.MULTILINE)


def _index() -> dict[str, str]:
    index: dict[str, str] = {}
    for kind in PRIORITY:
        for form in TRIGGERS[kind]:
            index.setdefault(normalize(form), kind)
    return index


TRIGGER_INDEX = _index()
MODE_INDEX = {normalize(cue): mode for mode, cues in MODE_CUES for cue in cues}
FUTURE_INDEX = {normalize("س" + verb) for verb in FUTURE_VERBS + [f for forms in TRIGGERS.values() for f in forms
                                                                    if f.startswith(("ي", "ت"))]}


def lexicon_kind(word: Word | str) -> str | None:
    """The event type the lexicon gives a word (one proclitic and one inflection stripped), if any."""
    text = word.text if isinstance(word, Word) else word
    return next((TRIGGER_INDEX[s] for f in without_proclitic(text) for s in stems(f) if s in TRIGGER_INDEX), None)


def is_candidate(word: Word) -> bool:
    """A word the lexicon knows as a trigger: the candidates the trigger classifier judges."""
    return lexicon_kind(word) is not None
