"""Turn article text into search terms fast: the shared analyzer, memoised per distinct token.

The terms are exactly what newsarchive.analyzer gives (index_terms for stems, exact() for exact
forms); only the work is shared between the many repeats of a token in news text.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from newsarchive import analyzer

# Prefix of exact-form keys in the static dictionary, so they never clash with stems.
EXACT_MARK = "="


@dataclass
class DocTerms:
    """A document's term counts per field (title, body, entity names), exact forms, tokens."""

    title: dict[str, int] = field(default_factory=dict)
    body: dict[str, int] = field(default_factory=dict)
    entities: dict[str, int] = field(default_factory=dict)
    exact: dict[str, int] = field(default_factory=dict)
    tokens: set[str] = field(default_factory=set)


class TermCache:
    """Analyze each distinct token once: news text repeats a small vocabulary many times."""

    def __init__(self) -> None:
        self._seen: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {}
        # Per run of text between spaces: (tokens with words, their exact forms, index terms).
        self._chunks: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {}
        # The stem of each exact form: the export ranks exact matches by their stem's score.
        self.exact_stem: dict[str, str] = {}

    def token(self, token: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """(exact form, index terms) for each word of one token; usually one word."""
        known = self._seen.get(token)
        if known is None:
            known = tuple(
                (form, (analyzer.stem(form), *analyzer.stem_alternatives(form)))
                for form in analyzer.exact_forms(token)
            )
            for form, terms in known:
                self.exact_stem.setdefault(form, terms[0])
            self._seen[token] = known
        return known

    def _add_chunk(self, chunk: str) -> None:
        tokens = tuple(t for t in analyzer.TOKEN_RE.findall(chunk) if self.token(t))
        words = [word for t in tokens for word in self._seen[t]]
        forms = tuple(form for form, _ in words)
        self._chunks[chunk] = tokens, forms, tuple(term for _, terms in words for term in terms)

    def _pieces(self, text: str, tokens: set[str]) -> list[str]:
        """The text's runs between spaces, all analysed (no token spans a space, so each
        distinct run is analysed once for the whole archive); adds their tokens to `tokens`."""
        pieces = text.split()
        distinct = dict.fromkeys(pieces)
        chunks = self._chunks
        for chunk in [chunk for chunk in distinct if chunk not in chunks]:
            self._add_chunk(chunk)
        tokens.update(*[chunks[chunk][0] for chunk in distinct])
        return pieces

    def document(self, title: str, text: str, entity_names: list[str]) -> DocTerms:
        """All the terms of one document, counted (C-speed Counters over cached runs)."""
        tokens: set[str] = set()
        chunks = self._chunks
        title_pieces = self._pieces(title, tokens)
        body_pieces = self._pieces(text, tokens)
        terms = DocTerms(tokens=tokens)
        terms.title = Counter([t for chunk in title_pieces for t in chunks[chunk][2]])
        terms.body = Counter([t for chunk in body_pieces for t in chunks[chunk][2]])
        terms.exact = Counter([f for chunk in title_pieces + body_pieces for f in chunks[chunk][1]])
        for name in entity_names:
            for token in analyzer.TOKEN_RE.findall(name):
                for _form, found in self.token(token):
                    terms.entities[found[0]] = terms.entities.get(found[0], 0) + 1
        return terms

    def positions(self, text: str) -> dict[str, list[int]]:
        """Index terms of the text with their word positions (for phrase search)."""
        found: dict[str, list[int]] = {}
        position = 0
        for token in analyzer.TOKEN_RE.findall(text):
            for _form, terms in self.token(token):
                for term in terms:
                    at = found.get(term)
                    if at is None:
                        found[term] = [position]
                    else:
                        at.append(position)
                position += 1
        return found
