"""Text keys for matching names across scripts: Kyrgyz/Russian Cyrillic and their Latin spellings.

`match_key("Кыштут") == match_key("Kyshtut")`, `match_key("Жаны-Жер") == match_key("Dzhany-Dzher")`:
the key folds both scripts onto one rough Latin form, drops punctuation, and collapses the
letters that Kyrgyz and Russian spellings of one name disagree on (ө/о, ү/у, ң/н, ж/дж/zh/j).
It is a key for finding candidates, not a transliteration to show anyone.
"""

import re
import unicodedata
from decimal import Decimal

_CYRILLIC = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "д": "d",
    "е": "e",
    "ё": "e",
    "ж": "j",
    "з": "z",
    "и": "i",
    "й": "y",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "ң": "n",
    "о": "o",
    "ө": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ү": "u",
    "ф": "f",
    "х": "h",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "sh",
    "ъ": "",
    "ы": "y",
    "ь": "",
    "э": "e",
    "ю": "yu",
    "я": "ya",
}
# Latin spellings in use for the same sounds, folded onto the forms above (longest first).
_LATIN_FOLDS = [("dzh", "j"), ("dj", "j"), ("zh", "j"), ("kh", "h"), ("w", "v"), ("ı", "i")]
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
# A "y" next to a vowel is the glide й, written "i" as often as "y" in Latin (Aibek, Aybek — Айбек; Aizada —
# Айзада): folded to "i" on both sides. A "y" between consonants is ы (Kyshtut — Кыштут) and stays.
_GLIDE_Y = re.compile(r"(?<=[aeiou])y|y(?=[aeiou])")


def match_key(text: str) -> str:
    """A script-independent key for comparing names (see module docstring)."""
    text = unicodedata.normalize("NFC", text or "").lower()
    text = "".join(_CYRILLIC.get(ch, ch) for ch in text)
    # Strip accents from Latin letters (ö → o, ü → u) after the Cyrillic has been mapped.
    text = "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))
    for source, target in _LATIN_FOLDS:
        text = text.replace(source, target)
    # "дж" maps to "dj" above only if it went through the Latin folds: do it once more.
    text = text.replace("dj", "j")
    text = _GLIDE_Y.sub("i", text)
    return _NON_ALNUM.sub("", text)


_WORD_BREAK = re.compile(r"[\W_]+")


def match_words(text: str) -> list[str]:
    """The `match_key` of each word of `text` (split on spaces and punctuation), without repeats or one-letter
    words, in the order typed: `match_words("Kerben meriyasy") == ["kerben", "meriiasy"]`.

    Each is found as it is inside the name's own key, where the words are run together: `match_key` folds a
    glide "y" only between letters of one word, never across a space or a hyphen."""
    words = []
    for word in _WORD_BREAK.split(unicodedata.normalize("NFC", text or "")):
        key = match_key(word)
        if len(key) >= 2 and key not in words:
            words.append(key)
    return words


NBSP = "\u00a0"  # keeps "12 500 som" on one line


def format_amount(amount) -> str:
    """An amount of money the way the project writes it: 12500 → "12 500", 12500.5 → "12 500,50" (thousands
    apart by a non-breaking space, a decimal comma, tyiyn only when there are any)."""
    amount = Decimal(amount)
    text = f"{amount:,.2f}" if amount != amount.to_integral_value() else f"{amount:,.0f}"
    return text.replace(",", NBSP).replace(".", ",")


def format_som(amount, unit: str) -> str:
    """`format_amount` and the word for som in the language of the page or document: "12 500 som"."""
    return format_amount(amount) + NBSP + unit
