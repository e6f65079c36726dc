"""Organisation names built on a head noun: "وكالة الأنباء العراقية", "وزارة الصحة السعودية".

ANERcorp leaves most of these untagged, so the CRF rarely finds them; the archive wants them
as organisations (as Wojood and most guidelines do), so a small pattern adds them.
"""

from __future__ import annotations

from newsarchive.arabic import normalize, prefix_splits

# Head nouns that start an organisation's name when definite words follow them.
ORG_HEADS = frozenset(
    normalize(w)
    for w in """وكالة وزارة منظمة هيئة جامعة مؤسسة جمعية مجلس اتحاد صندوق بنك مصرف محكمة
    شركة حزب حركة جبهة مكتب مركز معهد أكاديمية كلية مستشفى نادي لجنة رابطة نقابة""".split()
)
# Definite words that end an organisation name rather than continue it.
NOT_NAME_WORDS = frozenset(
    normalize(w)
    for w in """الذي التي الذين اللذين اللتين الآن اليوم الأمس الماضي الماضية الحالي الحالية
    المقبل المقبلة الجديد الجديدة السابق السابقة""".split()
)
MAX_NAME_WORDS = 4
# The score given to pattern spans: they do not come from the CRF's marginals.
PATTERN_SCORE = 0.7


def _head(word: str) -> bool:
    norm = normalize(word)
    return norm in ORG_HEADS or any(stem in ORG_HEADS for _, stem in prefix_splits(norm))


def _definite(word: str) -> bool:
    norm = normalize(word)
    return norm.startswith("ال") and len(norm) > 3 and norm not in NOT_NAME_WORDS


def organisation_spans(tokens: list[str], taken: list[bool]) -> list[tuple[str, int, int]]:
    """("ORG", start, end) for head noun + 1-4 definite words, on tokens not tagged yet."""
    found = []
    i = 0
    while i < len(tokens):
        if taken[i] or not _head(tokens[i]):
            i += 1
            continue
        end = i + 1
        while end < len(tokens) and end - i <= MAX_NAME_WORDS and not taken[end]:
            if not _definite(tokens[end]):
                break
            end += 1
        if end > i + 1:
            found.append(("ORG", i, end))
        i = end
    return found
