"""Organisation names built on a head noun: "وكالة الأنباء العراقية", "وزارة الصحة السعودية".

ANERcorp leaves most of these untagged, so the CRF rarely finds them; the archive wants them
as organisations (as Wojood and most guidelines do), so a small pattern adds them.
"""

from __future__ import annotations

import functools
from itertools import compress

from newsarchive.arabic import normalize
from newsarchive.ner.features import fast_prefix_splits

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
# Conjunctions and prepositions that may stand before a head noun (no article).
BARE_PREFIXES = frozenset(["و", "ف", "ب", "ك", "ل", "وب", "ول", "وك", "فب", "فل"])
# The score given to pattern spans: they do not come from the CRF's marginals.
PATTERN_SCORE = 0.7


@functools.lru_cache(maxsize=65536)
def _head(word: str) -> bool:
    # The head of a name is in construct state, so never definite: "وكالة الأنباء", yet not
    # "المكتب الإعلامي" or "للمجلس الوزاري" (a generic office or council).
    norm = normalize(word)
    if norm in ORG_HEADS:
        return True
    return any(
        stem in ORG_HEADS for prefix, stem in fast_prefix_splits(norm) if prefix in BARE_PREFIXES
    )


@functools.lru_cache(maxsize=65536)
def _definite(word: str) -> bool:
    norm = normalize(word)
    return norm.startswith("ال") and len(norm) > 3 and norm not in NOT_NAME_WORDS


def organisation_spans(tokens: list[str], taken: list[bool]) -> list[tuple[str, int, int]]:
    """("ORG", start, end) for head noun + 1-4 definite words, on tokens not tagged yet."""
    found = []
    resume = 0
    for i in compress(range(len(tokens)), map(_head, tokens)):
        if i < resume or taken[i]:
            continue
        end = i + 1
        while end < len(tokens) and end - i <= MAX_NAME_WORDS and not taken[end]:
            if not _definite(tokens[end]):
                break
            end += 1
        if end > i + 1:
            found.append(("ORG", i, end))
        resume = end
    return found
