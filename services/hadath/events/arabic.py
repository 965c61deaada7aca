"""Arabic text normalization for dictionary look-ups (never for what is shown to users)."""

from __future__ import annotations

import re

_DIACRITICS = re.compile(r"[\u064B-\u0652\u0670\u0640]")  # harakat, dagger alif, tatweel
_ALEF = re.compile(r"[أإآٱ]")
_ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
# Clitics that attach to a noun in news text: conjunctions and prepositions.
_PROCLITICS = ("وال", "بال", "لل", "فال", "كال", "و", "ب", "ل", "ف")


def normalize(text: str) -> str:
    text = _DIACRITICS.sub("", text)
    text = _ALEF.sub("ا", text)
    return text.replace("ى", "ي").replace("ة", "ه").translate(_ARABIC_DIGITS).strip()


def without_proclitic(word: str) -> list[str]:
    """The word and its readings with one leading conjunction/preposition removed."""
    out = [word]
    for prefix in _PROCLITICS:
        if word.startswith(prefix) and len(word) - len(prefix) >= 3:
            rest = word[len(prefix):]
            out.append("ال" + rest if prefix in ("وال", "بال", "فال", "كال") else rest)
            if prefix == "لل":
                out.append("ال" + rest)
    return out


# Inflectional endings of verbs and pronoun suffixes (normalized spelling), longest first: قالت،
# اتفقوا، يجتمعون، رفضه. Not the noun plurals ات/ين nor the dual ان: they turn بيانات (data),
# الاتصالات (telecoms) and طالبان into triggers.
_SUFFIXES = ("هما", "وا", "ون", "تا", "ها", "هم", "ت", "ا", "ه")


def stems(word: str) -> list[str]:
    """A word's normalized spelling and its readings without one inflectional ending or with
    another imperfect prefix: التقوا → التقي, تنسحب → ينسحب, ستلتقي → تلتقي, يلتقي. A word in
    ة is a noun and stays whole (إضافة is not أضاف + ه). Look-ups try the readings in order."""
    form = normalize(word)
    if word.endswith("ة"):
        return [form]
    out = [form]
    if form[:1] == "س" and form[1:2] in ("ي", "ت") and len(form) > 4:
        out.append(form[1:])
    for f in list(out):
        if f[:1] == "ت" and len(f) > 3:
            out.append("ي" + f[1:])
    for f in list(out):
        for suffix in _SUFFIXES:
            if f.endswith(suffix) and len(f) - len(suffix) >= 3:
                out.append(f[:-len(suffix)])
                if suffix == "وا":
                    out.append(f[:-2] + "ي")  # defective verbs: التقوا ← التقى
    return out


def western_digits(text: str) -> str:
    return text.translate(_ARABIC_DIGITS)
