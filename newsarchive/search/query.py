"""Queries: parsing (mirrored by theme/static/js/search/query.js) and the Whoosh engine.

A query is words and "quoted phrases"; every word must match (as its stem, in title, body or
entity names) and every phrase must appear as consecutive words. Ranking, identical in both
engines: more words matched in their exact form first, then the sum of the words' quantised
BM25F scores (stem score + exact-form bonus), then the newer article. The index keeps no
positions: the Whoosh engine checks phrases on the stored title and body texts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import query as wq

from newsarchive import analyzer
from newsarchive.search.index import EXACT_FIELD, STEM_FIELDS, TEXT_FIELDS, open_index
from newsarchive.search.scoring import quantize

QUOTES_RE = re.compile("[«»“”„\u201f]")


@dataclass
class Unit:
    """One query word: the term it must match and its exact form (for the bonus)."""

    stem: str
    exact: str


@dataclass
class ParsedQuery:
    """Distinct words of the query, and its phrases as lists of stems."""

    units: list[Unit] = field(default_factory=list)
    phrases: list[list[str]] = field(default_factory=list)


def parse_query(text: str) -> ParsedQuery:
    """Split a query into words and quoted phrases (an unclosed quote is ignored)."""
    parts = QUOTES_RE.sub('"', text).split('"')
    if len(parts) % 2 == 0:  # unclosed quote: its text counts as plain words
        parts[-2:] = [parts[-2] + " " + parts[-1]]
    parsed = ParsedQuery()
    seen: set[str] = set()
    for index, part in enumerate(parts):
        forms = [form for form, _start, _end in analyzer.exact_spans(part)]
        stems = [analyzer.stem(form) for form in forms]
        if index % 2 == 1 and len(stems) > 1:
            parsed.phrases.append(stems)
        for form, stem in zip(forms, stems, strict=True):
            if stem not in seen:
                seen.add(stem)
                parsed.units.append(Unit(stem, form))
    return parsed


@dataclass
class Result:
    """One ranked article."""

    id: str
    url: str
    title: str
    day: str  # ISO day, or "-" when undated
    score: int
    exact: int


def _scores(searcher, q) -> dict[int, float]:
    return {hit.docnum: hit.score for hit in searcher.search(q, limit=None)}


def _stem_scores(searcher, stem: str) -> dict[int, float]:
    return _scores(searcher, wq.Or([wq.Term(f, stem) for f in STEM_FIELDS]))


def resolve_stem(searcher, unit: Unit) -> dict[int, float]:
    """Scores of the word's stem; a word that may carry a bare clitic (بمصر) is read as its
    clitic-free stem (مصر) when that is in over twice as many articles (as the JS engine does)."""
    best = _stem_scores(searcher, unit.stem)
    for alternative in analyzer.stem_alternatives(unit.exact):
        scores = _stem_scores(searcher, alternative)
        if scores and len(scores) > 2 * len(best):
            best = scores
    return best


def has_phrase(stored: dict, phrase: list[str]) -> bool:
    """Whether the document's stored title or body has the phrase's stems at consecutive words
    (a word counts with its bare-clitic variants, as in the index)."""
    for name in TEXT_FIELDS.values():
        words = [set(terms) for terms in analyzer.index_terms(stored.get(name) or "")]
        for start in range(len(words) - len(phrase) + 1):
            if all(stem in words[start + i] for i, stem in enumerate(phrase)):
                return True
    return False


def whoosh_search(index_dir: Path | str, text: str) -> list[Result]:
    """Every article matching the query, ranked, using the Whoosh index."""
    parsed = parse_query(text)
    if not parsed.units:
        return []
    ix = open_index(index_dir)
    with ix.searcher() as searcher:
        matched: set[int] | None = None
        totals: dict[int, int] = {}
        exact_counts: dict[int, int] = {}
        per_unit = []
        for unit in parsed.units:
            stem_scores = resolve_stem(searcher, unit)
            exact_scores = _scores(searcher, wq.Term(EXACT_FIELD, unit.exact))
            per_unit.append((stem_scores, exact_scores))
            docs = set(stem_scores)
            matched = docs if matched is None else matched & docs
        for phrase in parsed.phrases:
            matched = {doc for doc in matched if has_phrase(searcher.stored_fields(doc), phrase)}
        for doc in matched:
            total, exact = 0, 0
            for stem_scores, exact_scores in per_unit:
                total += quantize(stem_scores[doc])
                if doc in exact_scores:
                    total += quantize(exact_scores[doc])
                    exact += 1
            totals[doc], exact_counts[doc] = total, exact
        results = []
        for doc in matched:
            stored = searcher.stored_fields(doc)
            results.append(
                Result(
                    stored["id"],
                    stored["url"],
                    stored["title_text"],
                    stored["day"],
                    totals[doc],
                    exact_counts[doc],
                )
            )
    # Ties go newest first, as the export's numbering by (dated, day, id) does.
    results.sort(key=lambda r: (r.exact, r.score, r.day != "-", r.day, r.id), reverse=True)
    return results
