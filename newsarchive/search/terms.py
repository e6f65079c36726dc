"""Turn article text into search terms fast: the shared analyzer, memoised per distinct token.

The terms are exactly what newsarchive.analyzer gives (index_terms for stems, exact() for exact
forms); only the work is shared between the many repeats of a token in news text.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
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


def counted(keys: Iterable) -> Counter:
    """Count keys where a tuple key stands for each of its items (none, or several)."""
    counts = Counter(keys)
    for key in [key for key in counts if type(key) is tuple]:
        times = counts.pop(key)
        for item in key:
            counts[item] += times
    return counts


def one_or_all(items: tuple[str, ...]) -> str | tuple[str, ...]:
    """The only item, or the tuple when there are none or several (see counted)."""
    return items[0] if len(items) == 1 else items


class TermCache:
    """Analyze each distinct token once: news text repeats a small vocabulary many times.

    Documents are split at spaces (no token spans one) and each distinct run of text is
    analysed once for the whole archive; a document's counts are then C-speed Counters over
    its runs mapped to their term, exact form and token (tuples when a run has several).
    """

    def __init__(self) -> None:
        self._seen: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {}
        # Per run of text between spaces: its index terms, exact forms and tokens.
        self._terms: dict[str, str | tuple[str, ...]] = {}
        self._forms: dict[str, str | tuple[str, ...]] = {}
        self._tokens: dict[str, str | tuple[str, ...]] = {}
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

    def _learn(self, pieces: list[str]) -> None:
        """Analyse the runs not seen before."""
        for run in set(pieces).difference(self._terms):
            tokens = tuple(t for t in analyzer.TOKEN_RE.findall(run) if self.token(t))
            words = [word for t in tokens for word in self._seen[t]]
            self._tokens[run] = one_or_all(tokens)
            self._forms[run] = one_or_all(tuple(form for form, _ in words))
            self._terms[run] = one_or_all(tuple(term for _, terms in words for term in terms))

    def document(self, title: str, text: str, entity_names: list[str]) -> DocTerms:
        """All the terms of one document, counted."""
        title_pieces, body_pieces = title.split(), text.split()
        self._learn(title_pieces + body_pieces)
        terms = DocTerms()
        terms.title = counted(map(self._terms.__getitem__, title_pieces))
        terms.body = counted(map(self._terms.__getitem__, body_pieces))
        terms.exact = counted(map(self._forms.__getitem__, title_pieces + body_pieces))
        terms.tokens = set(counted(map(self._tokens.__getitem__, title_pieces + body_pieces)))
        for name in entity_names:
            for token in analyzer.TOKEN_RE.findall(name):
                for _form, found in self.token(token):
                    terms.entities[found[0]] = terms.entities.get(found[0], 0) + 1
        return terms

    def positions(self, text: str) -> dict[str, list[int]]:
        """Index terms of the text with their word positions (for phrase search)."""
        found: dict[str, list[int]] = {}
        position = 0
        for token in analyzer.token_pattern(text).findall(text):
            for _form, terms in self.token(token):
                for term in terms:
                    at = found.get(term)
                    if at is None:
                        found[term] = [position]
                    else:
                        at.append(position)
                position += 1
        return found
