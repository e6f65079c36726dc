"""Turn article text into search terms fast: the shared analyzer, memoised per distinct token.

The terms are exactly what newsarchive.analyzer gives (index_terms for stems, exact() for exact
forms); only the work is shared between the many repeats of a token in news text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from newsarchive import analyzer

# Prefix of exact-form keys in the static dictionary, so they never clash with stems.
EXACT_MARK = "="


@dataclass
class DocTerms:
    """A document's terms per field: stems with positions, entity stems, exact forms, tokens."""

    title: dict[str, list[int]] = field(default_factory=dict)
    body: dict[str, list[int]] = field(default_factory=dict)
    entities: dict[str, int] = field(default_factory=dict)
    exact: dict[str, int] = field(default_factory=dict)
    tokens: set[str] = field(default_factory=set)


class TermCache:
    """Analyze each distinct token once: news text repeats a small vocabulary many times."""

    def __init__(self) -> None:
        self._seen: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {}
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

    def positions(self, text: str, exact: dict, tokens: set[str]) -> dict[str, list[int]]:
        """Index terms of the text with their word positions; counts exact forms and tokens."""
        found: dict[str, list[int]] = {}
        position = 0
        seen = self._seen
        # The hot loop of indexing: locals and dict.get, no per-token method calls when cached.
        for token in analyzer.TOKEN_RE.findall(text):
            words = seen.get(token)
            if words is None:
                words = self.token(token)
            if not words:
                continue
            tokens.add(token)
            for form, terms in words:
                exact[form] = exact.get(form, 0) + 1
                for term in terms:
                    at = found.get(term)
                    if at is None:
                        found[term] = [position]
                    else:
                        at.append(position)
                position += 1
        return found

    def document(self, title: str, text: str, entity_names: list[str]) -> DocTerms:
        """All the terms of one document."""
        exact: dict[str, int] = {}
        tokens: set[str] = set()
        terms = DocTerms(tokens=tokens)
        terms.title = self.positions(title, exact, tokens)
        terms.body = self.positions(text, exact, tokens)
        for name in entity_names:
            for token in analyzer.TOKEN_RE.findall(name):
                for _form, found in self.token(token):
                    terms.entities[found[0]] = terms.entities.get(found[0], 0) + 1
        terms.exact = exact
        return terms
