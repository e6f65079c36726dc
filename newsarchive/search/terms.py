"""Turn the whole archive's text into search postings fast, as numpy arrays.

The terms are exactly what newsarchive.analyzer gives (index_terms for stems, exact() for exact
forms, the same word positions); only the work is organised differently:
- documents are split at spaces (no token spans one) and each distinct run of text in the
  archive is analysed once, each distinct token once, each distinct word form once;
- every run, form and term gets an integer id, and a field's postings are then numpy
  expansions and sorts of those ids (no per-word Python work at all).
"""

from __future__ import annotations

import gc
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain, count

import numpy as np

from newsarchive import analyzer

# Prefix of exact-form keys in the static dictionary, so they never clash with stems.
EXACT_MARK = "="

INT = np.int64
# Postings and positions: the largest arrays, with values far below 2**31 (term ids, document
# numbers, counts); a product of two of them must be taken in INT.
SMALL = np.int32


@contextmanager
def paused_gc():
    """Pause Python's cyclic garbage collector: building millions of small lists and tuples
    (none of them cyclic) otherwise triggers collections that scan them all, over and over."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def gather(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Indices starts[i] .. starts[i] + lengths[i] - 1 for every i, concatenated."""
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, INT)
    ends = np.cumsum(lengths)
    shift = np.repeat(starts - (ends - lengths), lengths)
    return np.arange(total, dtype=INT) + shift


def csr(lists: list) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(starts, lengths, flat values) of a list of integer lists."""
    lengths = np.fromiter(map(len, lists), INT, len(lists))
    flat = np.asarray(list(chain.from_iterable(lists)), INT)
    starts = np.cumsum(lengths) - lengths
    return starts, lengths, flat


@dataclass
class Postings:
    """A field's postings sorted by (key, doc): key ids (into a sorted vocabulary), documents,
    frequencies; and each document's length (the sum of its frequencies)."""

    key: np.ndarray
    doc: np.ndarray
    freq: np.ndarray
    lengths: np.ndarray

    @classmethod
    def count(cls, keys: np.ndarray, docs: np.ndarray, n_docs: int) -> Postings:
        """Postings from one (key, doc) pair per occurrence."""
        combined = keys.astype(INT) * max(n_docs, 1) + docs
        unique, freq = np.unique(combined, return_counts=True)
        return cls(
            (unique // max(n_docs, 1)).astype(SMALL),
            (unique % max(n_docs, 1)).astype(SMALL),
            freq.astype(SMALL),
            np.bincount(docs, minlength=n_docs).astype(SMALL),
        )

    def part(self, lo: int, hi: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Documents lo..hi-1 renumbered from 0: (distinct keys, where each one's postings end,
        documents, frequencies)."""
        inside = (self.doc >= lo) & (self.doc < hi)
        key, doc, freq = self.key[inside], self.doc[inside] - lo, self.freq[inside]
        keys, starts = np.unique(key, return_index=True)
        ends = np.append(starts[1:], len(key)).astype(INT) if len(key) else starts.astype(INT)
        return keys, ends, doc, freq

    def df(self, size: int) -> np.ndarray:
        """Documents per key, for keys 0..size-1."""
        return np.bincount(self.key, minlength=size).astype(INT)


@dataclass
class ArchiveTerms:
    """Every search term of the archive, as arrays over documents numbered 0..n-1.

    terms: stems (with bare-clitic variants and entity stems) in code point order; forms: exact
    forms in code point order; form_stem[f]: the term id of form f's stem. Postings per field:
    title, body, entities (stem ids), exact (form ids). Word positions for phrases: per
    occurrence of a stem, its document and position (title words first, then a gap of one,
    then the body). Tokens: (token, doc) pairs for the vocabulary, token strings in `tokens`.
    """

    n_docs: int
    terms: list[str]
    forms: list[str]
    form_stem: np.ndarray
    title: Postings
    body: Postings
    entities: Postings
    exact: Postings
    # SMALL, the largest arrays; None once merged (merge_positions gives them apart)
    pos_term: np.ndarray | None
    pos_doc: np.ndarray | None
    pos_at: np.ndarray | None
    tokens: list[str]
    token_docs: np.ndarray  # per distinct token: in how many documents it occurs

    def drop_counts(self) -> None:
        """Let go of the per-field postings once they are scored (the export's largest arrays)."""
        self.title = self.body = self.entities = self.exact = None

    @property
    def exact_stem(self) -> dict[str, str]:
        """Each exact form's stem."""
        terms = self.terms
        return {form: terms[s] for form, s in zip(self.forms, self.form_stem.tolist(), strict=True)}


class Vocabulary:
    """Integer ids for tokens, exact forms and terms, each analysed once."""

    def __init__(self) -> None:
        self.term_ids: dict[str, int] = {}
        self.form_ids: dict[str, int] = {}
        self.form_terms: list[tuple[int, ...]] = []  # per form: its term, then variants
        self.tokens: list[str] = []  # in order of first appearance
        self.token_ids: dict[str, int] = {}
        self.token_forms: list[tuple[int, ...]] = []  # per token: its forms (usually one)

    def term(self, text: str) -> int:
        found = self.term_ids.get(text)
        if found is None:
            found = self.term_ids[text] = len(self.term_ids)
        return found

    def form(self, form: str) -> int:
        found = self.form_ids.get(form)
        if found is None:
            found = self.form_ids[form] = len(self.form_terms)
            term = self.term
            alternatives = analyzer.stem_alternatives(form)
            self.form_terms.append((term(analyzer.stem(form)), *map(term, alternatives)))
        return found

    def add_tokens(self, tokens: list[str]) -> list[int]:
        """The ids of the tokens, analysing new ones (normalised in one pass)."""
        index = self.token_ids
        new = [t for t in dict.fromkeys(tokens) if t not in index]
        form = self.form
        for token, forms in zip(new, analyzer.exact_forms_many(new), strict=True):
            index[token] = len(self.tokens)
            self.tokens.append(token)
            self.token_forms.append(tuple(map(form, forms)))
        return list(map(index.__getitem__, tokens))


def _split(texts: list[str], ids: dict[str, int], counter) -> tuple[np.ndarray, np.ndarray]:
    """(run code per piece, document per piece) of the texts split at spaces; a new run gets
    the counter's next value, so codes grow with a run's first appearance."""
    pieces: list[str] = []
    lengths: list[int] = []
    for text in texts:
        split = text.split()
        pieces += split
        lengths.append(len(split))
    codes = np.fromiter(map(ids.setdefault, pieces, counter), INT, len(pieces))
    docs = np.repeat(np.arange(len(texts), dtype=INT), np.asarray(lengths, INT))
    return codes, docs


def doc_counts(keys: np.ndarray, docs: np.ndarray, size: int, n: int) -> np.ndarray:
    """For keys 0..size-1: in how many distinct documents each occurs."""
    pairs = np.sort(keys * max(n, 1) + docs)
    distinct = pairs[np.append(True, pairs[1:] != pairs[:-1])] if len(pairs) else pairs
    return np.bincount(distinct // max(n, 1), minlength=size).astype(INT)


def analyze_archive(titles: list[str], texts: list[str], entity_names: list[list[str]]):
    """ArchiveTerms of the documents (titles, body texts, entity names per document)."""
    n = len(texts)
    run_codes: dict[str, int] = {}
    counter = count()
    title_codes, title_docs = _split(titles, run_codes, counter)
    body_codes, body_docs = _split(texts, run_codes, counter)
    runs = list(run_codes)
    run_of_code = np.zeros(next(counter), INT)
    run_of_code[np.fromiter(run_codes.values(), INT, len(runs))] = np.arange(len(runs))
    # Runs to tokens to forms, as id arrays (each distinct token analysed once).
    fast, full = analyzer._FAST_TOKEN_RE.findall, analyzer.TOKEN_RE.findall
    run_tokens = [fast(run) if "_" not in run else full(run) for run in runs]
    vocab = Vocabulary()
    token_flat = np.asarray(vocab.add_tokens(list(chain.from_iterable(run_tokens))), INT)
    token_len = np.fromiter(map(len, run_tokens), INT, len(runs))
    token_start = np.cumsum(token_len) - token_len
    token_form_start, token_form_len, token_form_flat = csr(vocab.token_forms)
    # Entity names: the stem of each of their words (no variants), per document.
    entity_terms: list[int] = []
    entity_docs: list[int] = []
    for doc, names in enumerate(entity_names):
        for name in names:
            tokens = full(name)
            for token in vocab.add_tokens(tokens):
                for form in vocab.token_forms[token]:
                    entity_terms.append(vocab.form_terms[form][0])
                    entity_docs.append(doc)

    # Sorted vocabularies: ids become ranks, so a key's order is Whoosh's term order.
    terms = sorted(vocab.term_ids)
    term_rank = np.zeros(len(terms), INT)
    term_rank[np.fromiter(map(vocab.term_ids.__getitem__, terms), INT, len(terms))] = np.arange(
        len(terms)
    )
    forms = sorted(vocab.form_ids)
    form_rank = np.zeros(len(forms), INT)
    form_rank[np.fromiter(map(vocab.form_ids.__getitem__, forms), INT, len(forms))] = np.arange(
        len(forms)
    )
    form_term_start, form_term_len, form_term_flat = csr(vocab.form_terms)
    form_term_flat = term_rank[form_term_flat]
    form_stem = np.zeros(len(forms), INT)
    form_stem[form_rank] = form_term_flat[form_term_start]

    def words(codes, docs):
        """Per word of the texts: its form id, document and position in its document; and
        per token: its id and document."""
        run = run_of_code[codes]
        lengths = token_len[run]
        token = token_flat[gather(token_start[run], lengths)]
        token_doc = np.repeat(docs, lengths)
        lengths = token_form_len[token]
        form = token_form_flat[gather(token_form_start[token], lengths)]
        doc = np.repeat(token_doc, lengths)
        per_doc = np.bincount(doc, minlength=n).astype(INT)
        position = np.arange(len(doc), dtype=INT) - np.repeat(np.cumsum(per_doc) - per_doc, per_doc)
        return form, doc, position, per_doc, token, token_doc

    def stems(form, doc, position):
        """Per stem occurrence (variants included): term rank, document, position."""
        lengths = form_term_len[form]
        term = form_term_flat[gather(form_term_start[form], lengths)]
        return term, np.repeat(doc, lengths), np.repeat(position, lengths)

    t_form, t_doc, t_pos, title_words, t_tok, t_tok_doc = words(title_codes, title_docs)
    b_form, b_doc, b_pos, _, b_tok, b_tok_doc = words(body_codes, body_docs)
    t_term, t_term_doc, t_term_pos = stems(t_form, t_doc, t_pos)
    b_term, b_term_doc, b_term_pos = stems(b_form, b_doc, b_pos)
    # A gap of one position between title and body: no phrase runs from one into the other.
    b_term_pos = b_term_pos + (title_words + 1)[b_term_doc]
    pos_term = np.concatenate([t_term, b_term])
    pos_doc = np.concatenate([t_term_doc, b_term_doc])
    pos_at = np.concatenate([t_term_pos, b_term_pos])
    order = np.lexsort((pos_at, pos_doc, pos_term))

    token_docs = doc_counts(
        np.concatenate([t_tok, b_tok]), np.concatenate([t_tok_doc, b_tok_doc]), len(vocab.tokens), n
    )

    return ArchiveTerms(
        n_docs=n,
        terms=terms,
        forms=forms,
        form_stem=form_stem,
        title=Postings.count(t_term, t_term_doc, n),
        body=Postings.count(b_term, b_term_doc, n),
        entities=Postings.count(
            term_rank[np.asarray(entity_terms, INT)], np.asarray(entity_docs, INT), n
        ),
        exact=Postings.count(
            form_rank[np.concatenate([t_form, b_form])], np.concatenate([t_doc, b_doc]), n
        ),
        pos_term=pos_term[order].astype(SMALL),
        pos_doc=pos_doc[order].astype(SMALL),
        pos_at=pos_at[order].astype(SMALL),
        tokens=vocab.tokens,
        token_docs=token_docs.astype(INT),
    )


COUNTED = ("title", "body", "entities", "exact")  # the Postings fields, exact over forms


def merge_archives(parts: Sequence[ArchiveTerms]) -> ArchiveTerms:
    """One ArchiveTerms of parts that analysed consecutive runs of the documents, without the
    word positions (merge_positions gives them, when the export has let go of the rest).

    The parts are read twice, one at a time (a sequence that loads each from disk never holds
    them all): first for the vocabularies and sizes, then to fill the merged arrays.
    """
    term_set: set[str] = set()
    form_set: set[str] = set()
    token_docs: dict[str, int] = {}
    sizes = dict.fromkeys(("docs", *COUNTED), 0)
    for part in parts:
        term_set.update(part.terms)
        form_set.update(part.forms)
        for token, found in zip(part.tokens, part.token_docs.tolist(), strict=True):
            token_docs[token] = token_docs.get(token, 0) + found
        sizes["docs"] += part.n_docs
        for name in COUNTED:
            sizes[name] += len(getattr(part, name).key)
    terms, forms = sorted(term_set), sorted(form_set)
    del term_set, form_set
    term_index = {t: i for i, t in enumerate(terms)}
    form_index = {f: i for i, f in enumerate(forms)}
    n = sizes["docs"]
    merged = {
        name: Postings(*(np.empty(sizes[name], SMALL) for _ in range(3)), np.empty(n, SMALL))
        for name in COUNTED
    }
    form_stem = np.zeros(len(forms), INT)
    filled = dict.fromkeys(COUNTED, 0)
    offset = 0
    for part in parts:
        term_map = vocabulary_map(part.terms, term_index)
        form_map = vocabulary_map(part.forms, form_index)
        form_stem[form_map] = term_map[part.form_stem]
        docs = slice(offset, offset + part.n_docs)
        for name in COUNTED:
            source, target = getattr(part, name), merged[name]
            at = slice(filled[name], filled[name] + len(source.key))
            target.key[at] = (form_map if name == "exact" else term_map)[source.key]
            target.doc[at] = source.doc + offset
            target.freq[at] = source.freq
            target.lengths[docs] = source.lengths
            filled[name] = at.stop
        offset = docs.stop
    # Each part is sorted by (key, document) and the parts hold consecutive documents, so a
    # stable sort by key alone puts the whole in (key, document) order.
    for postings in merged.values():
        order = np.argsort(postings.key, kind="stable")
        for name in ("key", "doc", "freq"):
            setattr(postings, name, getattr(postings, name)[order])
    return ArchiveTerms(
        n_docs=n,
        terms=terms,
        forms=forms,
        form_stem=form_stem,
        **merged,
        pos_term=None,
        pos_doc=None,
        pos_at=None,
        tokens=list(token_docs),
        token_docs=np.fromiter(token_docs.values(), INT, len(token_docs)),
    )


def merge_positions(
    parts: Sequence[ArchiveTerms], terms: list[str]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(term, document, position) of every stem occurrence in the parts, in that order, with
    term ids into the merged vocabulary; the parts are read one at a time."""
    term_index = {t: i for i, t in enumerate(terms)}
    found: list[list[np.ndarray]] = [[], [], []]
    offset = 0
    for part in parts:
        found[0].append(vocabulary_map(part.terms, term_index)[part.pos_term])
        found[1].append(part.pos_doc + offset)
        found[2].append(part.pos_at)
        offset += part.n_docs
    del term_index
    # Each part is in that order and the parts hold consecutive documents: a stable sort by
    # term alone orders the whole. One array at a time, so only one is ever held twice.
    merged = [np.concatenate(found[0])]
    found[0] = None
    order = np.argsort(merged[0], kind="stable")
    merged[0] = merged[0][order]
    for i in (1, 2):
        merged.append(np.concatenate(found[i])[order])
        found[i] = None
    return merged[0], merged[1], merged[2]


def vocabulary_map(words: list[str], index: dict[str, int]) -> np.ndarray:
    """The merged id of each of a part's words."""
    return np.fromiter(map(index.__getitem__, words), SMALL, len(words))
