"""Document consistency: a name tagged confidently once is tagged where the CRF missed it."""

from __future__ import annotations

from collections import Counter, defaultdict
from itertools import chain

from newsarchive.arabic import normalize
from newsarchive.ner.features import fast_prefix_splits as prefix_splits
from newsarchive.ner.gazetteers import STOPWORDS

# Only mentions at least this sure teach the rest of the document.
MIN_SOURCE_SCORE = 0.6
# A person's last name alone, later in the document, refers to the same person.
PER_SURNAMES = True

Span = tuple[str, int, int, float]


def _variants(words: list[str]) -> set[tuple[str, ...]]:
    first = words[0]
    firsts = {first, *(stem for _, stem in prefix_splits(first))}
    return {
        (f, *words[1:]) for f in firsts if not (len(words) == 1 and (f in STOPWORDS or len(f) < 3))
    }


def document_names(
    sentences: list[list[str]], found: list[list[Span]]
) -> dict[tuple[str, ...], tuple[str, float]]:
    """Confident names of a document: normalised phrase -> (majority type, best score)."""
    votes: dict[tuple[str, ...], Counter[str]] = defaultdict(Counter)
    best: dict[tuple[str, ...], float] = {}
    for tokens, spans in zip(sentences, found, strict=True):
        for etype, start, end, score in spans:
            if score < MIN_SOURCE_SCORE:
                continue
            words = [normalize(t) for t in tokens[start:end]]
            phrases = _variants(words)
            if etype == "PER" and len(words) > 1 and PER_SURNAMES:
                phrases |= _variants(words[-1:])  # "مايكل كوريلا" ... later just "كوريلا"
            for phrase in phrases:
                votes[phrase][etype] += 1
                best[phrase] = max(best.get(phrase, 0.0), score)
    return {p: (min(c, key=lambda t: (-c[t], t)), best[p]) for p, c in votes.items()}


def fill_gaps(
    keys: list[list[str]],
    spans: list[Span],
    names: dict[tuple[str, ...], tuple[str, float]],
    starts: frozenset[str] | None = None,
    max_len: int = 6,
) -> list[tuple[str, int, int]]:
    """New (type, start, end) spans where a document name occurs on untagged tokens.

    keys[i] holds token i normalised, then without each possible clitic prefix; starts
    (the first words of names, computed once per document by the caller) is optional.
    """
    if not names:
        return []
    if starts is None:
        starts = frozenset(phrase[0] for phrase in names)
    if starts.isdisjoint(chain.from_iterable(keys)):
        return []
    tagged = [False] * len(keys)
    for _, start, end, _ in spans:
        for i in range(start, end):
            tagged[i] = True
    norms = [key[0] for key in keys]
    added = []
    resume = 0
    # Only tokens that may start a name are tried, left to right after the last match.
    for i in [i for i, key in enumerate(keys) if not starts.isdisjoint(key)]:
        if i < resume or tagged[i]:
            continue
        firsts = keys[i]
        for n in range(min(max_len, len(keys) - i), 0, -1):
            if any(tagged[i : i + n]):
                continue
            rest = tuple(norms[i + 1 : i + n])
            hit = next((names[(f, *rest)] for f in firsts if (f, *rest) in names), None)
            if hit:
                added.append((hit[0], i, i + n))
                resume = i + n
                break
    return added


def relabel(
    tokens: list[str], spans: list[Span], names: dict[tuple[str, ...], tuple[str, float]]
) -> list[Span]:
    """Unsure spans take the type that the document's confident mentions of that name have."""
    result = []
    for etype, start, end, score in spans:
        if score < MIN_SOURCE_SCORE:
            words = [normalize(t) for t in tokens[start:end]]
            hit = next((names[p] for p in sorted(_variants(words)) if p in names), None)
            if hit and hit[0] != etype:
                etype = hit[0]
        result.append((etype, start, end, score))
    return result


def widen(
    keys: list[list[str]],
    spans: list[Span],
    names: dict[tuple[str, ...], tuple[str, float]],
    multi_starts: frozenset[str],
    max_len: int = 6,
) -> list[Span]:
    """Spans that lie inside a longer document name on otherwise untagged tokens grow to it.

    "كييف" tagged alone where the document elsewhere names "دينامو كييف" confidently becomes
    that name, with its type. keys is as for fill_gaps; multi_starts holds the first words of
    the names of two words or more (computed once per document by the caller).
    """
    if not spans or not multi_starts:
        return spans
    # Tokens that may start a longer name: most sentences have none near a span.
    can_start = [not multi_starts.isdisjoint(key) for key in keys]
    if not any(can_start):
        return spans
    tagged = [False] * len(keys)
    for _, start, end, _ in spans:
        for i in range(start, end):
            tagged[i] = True
    norms = [key[0] for key in keys]
    result = []
    for etype, start, end, score in spans:
        best = None
        for i in range(max(0, start - max_len + 1), start + 1):
            if not can_start[i] or any(tagged[i:start]):
                continue
            for stop in range(min(len(keys), i + max_len), end - 1, -1):
                if stop - i <= end - start or any(tagged[end:stop]):
                    continue
                rest = tuple(norms[i + 1 : stop])
                hit = next((names[(f, *rest)] for f in keys[i] if (f, *rest) in names), None)
                if hit:
                    best = (hit[0], i, stop, score)  # the longest from the leftmost start
                    break
            if best:
                break
        if best:
            for j in range(best[1], best[2]):
                tagged[j] = True
        result.append(best or (etype, start, end, score))
    return result
