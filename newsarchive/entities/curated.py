"""Find curated multi-word names the tagger missed (وكالة الأنباء العراقية), as extra mentions."""

from __future__ import annotations

import bisect
from collections.abc import Iterable

from newsarchive.arabic import WORD_RE
from newsarchive.entities.aliases import AliasTable
from newsarchive.entities.names import name_key
from newsarchive.ner import Mention

# Curated names are unambiguous, but the tagger did not vouch for them: a fixed confidence.
CURATED_SCORE = 0.9
MAX_CACHED_WORDS = 200_000  # bounds the cache of what each word can start
MIN_WORDS = 2  # one-word names (حماس = zeal, عمان = Oman or Amman) are left to the tagger


def _phrase_index(aliases: AliasTable) -> dict[str, list[tuple[tuple[str, ...], str]]]:
    """First word → [(words of a curated name, type)], longest names first."""
    index: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for key, (type_, _) in aliases.names.items():
        words = tuple(key.split(" "))
        if len(words) >= MIN_WORDS:
            index.setdefault(words[0], []).append((words, type_))
    for phrases in index.values():
        phrases.sort(key=lambda p: -len(p[0]))
    return index


_CLITICS = frozenset("وبلفك")


def _first_word_forms(key: str) -> list[tuple[str, int]]:
    """(form, letters to skip in the text) for a word and its clitic-stripped forms."""
    forms = [(key, 0)]
    if key[:1] in _CLITICS:
        forms.append((key[1:], 1))  # وكالة ← بوكالة، العراق ← بالعراق
        if key[1:2] in _CLITICS:
            forms.append((key[2:], 2))  # وبالعراق
    for cut in (2, 3):  # للأمم → الأمم, وللأمم → الأمم: no clean cut, keep the whole word
        if key[cut - 2 : cut] == "لل" and (cut == 2 or key[0] in _CLITICS):
            forms.append(("ال" + key[cut:], -1))
    return forms


class _CuratedIndex:
    """A table's multi-word names by the word forms that can start them, with the answer for
    each word as written kept: most words start no curated name, and the same words recur."""

    def __init__(self, aliases: AliasTable) -> None:
        self.phrases = _phrase_index(aliases)
        self.starts: dict[str, tuple] = {}

    def starting(self, word: str) -> tuple:
        """(words, type, letters to skip) of every name a word can start, in match order."""
        found = self.starts.get(word)
        if found is None:
            found = tuple(
                (words, type_, skip)
                for first, skip in _first_word_forms(name_key(word))
                for words, type_ in self.phrases.get(first, ())
            )
            if len(self.starts) < MAX_CACHED_WORDS:
                self.starts[word] = found
        return found


def find_curated(text: str, aliases: AliasTable) -> list[Mention]:
    """Occurrences of curated multi-word names in text, a clitic on the first word allowed."""
    index = getattr(aliases, "_curated_index", None)
    if index is None:
        index = aliases._curated_index = _CuratedIndex(aliases)  # built once per table
    words = WORD_RE.findall(text)
    # Only the words that start some name are visited: a text's distinct words are looked up
    # once, and most start none.
    starts = {word: names for word in set(words) if (names := index.starting(word))}
    if not starts:
        return []
    spans = None  # word offsets, found only for a text with a match
    found = []
    resume = 0  # words before this are inside the last match
    for i in [i for i, word in enumerate(words) if word in starts]:
        if i < resume:
            continue
        for phrase, type_, skip in starts[words[i]]:
            n = len(phrase)
            if tuple(map(name_key, words[i + 1 : i + n])) == phrase[1:]:
                if spans is None:
                    spans = [m.span() for m in WORD_RE.finditer(text)]
                begin, end = spans[i][0] + max(skip, 0), spans[i + n - 1][1]
                found.append(Mention(text[begin:end], type_, begin, end, CURATED_SCORE))
                resume = i + n
                break
    return found


def merge_curated(mentions: Iterable[Mention], curated: list[Mention]) -> list[Mention]:
    """Add curated matches, replacing tagger mentions inside them; a tagger span reaching beyond
    a curated match wins (it may be a longer name: جامعة الدول العربية للتنمية)."""
    kept = sorted(mentions, key=lambda m: (m.start, m.end))
    starts = [m.start for m in kept]
    drop: set[int] = set()
    added = []
    for c in curated:
        lo = max(0, bisect.bisect_right(starts, c.start) - 1)
        hi = bisect.bisect_left(starts, c.end)
        overlapping = [j for j in range(lo, hi) if kept[j].end > c.start]
        if any(kept[j].start < c.start or kept[j].end > c.end for j in overlapping):
            continue
        drop.update(overlapping)
        added.append(c)
    return sorted(
        [m for j, m in enumerate(kept) if j not in drop] + added, key=lambda m: (m.start, m.end)
    )
