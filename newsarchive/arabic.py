"""Arabic text handling shared by the reader, the tagger and the search analyzer."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

# Harakat, Quranic marks and superscript alef: they never change which word is meant.
DIACRITICS_RE = re.compile(
    "[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed]"
)
TATWEEL = "\u0640"
# Zero-width and direction-control characters that scraped text carries invisibly.
INVISIBLE_RE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")

_LETTER_VARIANTS = {
    "أ": "ا",
    "إ": "ا",
    "آ": "ا",
    "ٱ": "ا",
    "ى": "ي",
    "ة": "ه",
    **{chr(0x0660 + d): str(d) for d in range(10)},  # Arabic-Indic digits
    **{chr(0x06F0 + d): str(d) for d in range(10)},  # Extended (Persian) digits
}
_LETTERS = str.maketrans(_LETTER_VARIANTS)
# Search also seats every hamza alike: on waw or ya, the seat follows spelling conventions that
# differ between outlets (مسؤول / مسئول, شؤون / شئون). The tagger keeps them apart: its model
# learned normalize()'s letters.
_SEARCH_LETTERS = str.maketrans(_LETTER_VARIANTS | {"ؤ": "ء", "ئ": "ء"})

# A word: a run of letters, marks and digits (Arabic or not); punctuation splits words.
WORD_RE = re.compile(r"[^\W_]+(?:[\u064b-\u065f\u0670\u0640][^\W_]*)*", re.UNICODE)

# Article groups, longest first: optional و/ف, optional ب/ك/ل, then ال (ل + ال is written لل).
# These are unambiguous, so they are always stripped when 2 or more letters remain (light10).
ARTICLE_PREFIXES = (
    "وبال",
    "وكال",
    "فبال",
    "فكال",
    "ولل",
    "فلل",
    "وال",
    "فال",
    "بال",
    "كال",
    "لل",
    "ال",
)

# Attached clitics, longest first: conjunction, preposition, article and their combinations.
PREFIXES = (
    "وبال",
    "وكال",
    "وفال",
    "ولل",
    "فبال",
    "فلل",
    "وال",
    "فال",
    "بال",
    "كال",
    "لل",
    "ال",
    "وب",
    "ول",
    "وك",
    "فب",
    "فل",
    "و",
    "ف",
    "ب",
    "ك",
    "ل",
)


def fold(text: str) -> str:
    """Fold presentation forms (NFKC) and drop diacritics, tatweel and invisible marks."""
    text = unicodedata.normalize("NFKC", text)
    text = INVISIBLE_RE.sub("", text)
    return DIACRITICS_RE.sub("", text).replace(TATWEEL, "")


# A word of basic Arabic letters, ASCII digits and Latin letters only, which fold() leaves as it
# is (NFKC-stable, no marks, no tatweel): most words.
PLAIN_WORD_RE = re.compile("[\u0621-\u063a\u0641-\u064a0-9A-Za-z]+")


def _unified(text: str, letters: dict[int, str]) -> str:
    """Fold (a plain word needs none), then translate the letters."""
    if not PLAIN_WORD_RE.fullmatch(text):
        text = fold(text)
    return text.translate(letters)


def normalize(text: str) -> str:
    """Fold, then unify alef, ya and taa-marbuta variants and digits (for matching, not display)."""
    return _unified(text, _LETTERS)


def search_normalize(text: str) -> str:
    """normalize(), with hamza on waw and on ya as the bare hamza, lowercased: the search
    analyzer's letters."""
    return _unified(text, _SEARCH_LETTERS).lower()


def words(text: str) -> list[str]:
    """Split text into words, dropping punctuation."""
    return WORD_RE.findall(text)


def word_spans(text: str) -> Iterator[tuple[str, int, int]]:
    """Yield each word with its start and end offsets in the text."""
    for match in WORD_RE.finditer(text):
        yield match.group(), match.start(), match.end()


def prefix_splits(word: str, min_stem: int = 2) -> Iterator[tuple[str, str]]:
    """Yield every (prefix, stem) split of a word by known clitics, longest prefix first."""
    for prefix in PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= min_stem:
            yield prefix, word[len(prefix) :]


ARABIC_CHAR_RE = re.compile("[\u0600-\u06ff\ufb50-\ufeff]")


def is_arabic(word: str) -> bool:
    """True when the word has at least one Arabic letter."""
    # A regular expression: a loop over the characters in Python was a tenth of linking's time.
    return ARABIC_CHAR_RE.search(word) is not None


PRESENTATION_FORMS_RE = re.compile("[\ufb50-\ufdff\ufe70-\ufeff]+")


def fold_presentation_forms(text: str) -> str:
    """Replace Arabic presentation forms (U+FB50-U+FDFF, U+FE70-U+FEFF) by their letters (NFKC)."""
    return PRESENTATION_FORMS_RE.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
