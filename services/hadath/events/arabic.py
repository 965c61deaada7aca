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


def western_digits(text: str) -> str:
    return text.translate(_ARABIC_DIGITS)
