"""Build the Whoosh index of the archive from plain records, fast.

Speed comes from doing the analysis once per distinct word (terms.TermCache) and handing Whoosh
ready-made term counts through a pre-analysed field type, storing positions only where phrase
search needs them (title and body stems) and storing no text but what results show.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import fields, formats, index
from whoosh.analysis import SpaceSeparatedTokenizer
from whoosh.codec.whoosh3 import W3Codec, W3PostingsWriter
from whoosh.system import pack_uint

from newsarchive.search import DEFAULTS
from newsarchive.search.documents import SearchDoc
from newsarchive.search.terms import DocTerms, TermCache

# Field names; the stem fields are queried together, the exact field adds the exact-form bonus.
STEM_FIELDS = ("title", "body", "entities")
EXACT_FIELD = "exact"


class PreAnalyzed(fields.FieldType):
    """A scorable field whose value is already {term: positions} or {term: count}."""

    def __init__(self, positions: bool, field_boost: float = 1.0):
        fmt = formats.Positions if positions else formats.Frequency
        self.format = fmt(field_boost=field_boost)
        self.analyzer = SpaceSeparatedTokenizer()
        self.positions = positions
        self.scorable = True
        self.stored = False
        self.unique = False
        self.vector = None

    def index(self, value, **kwargs):
        """Yield (term bytes, frequency, weight, encoded value) for each term of the value."""
        boost = self.format.field_boost
        if self.positions:
            encode = self.format.encode
            for term, positions in value.items():
                yield (
                    term.encode("utf-8"),
                    len(positions),
                    len(positions) * boost,
                    encode(positions),
                )
        else:
            for term, count in value.items():
                yield term.encode("utf-8"), count, count * boost, pack_uint(count)


class InliningPostingsWriter(W3PostingsWriter):
    """Whoosh's postings writer with its inlining of short lists working.

    whoosh-reloaded 2.7.5 calls a misspelt set_inline() here; most terms of a news archive occur
    in one or two articles, and writing each as a posting block was most of the commit time.
    """

    def add_posting(self, id_, weight, vbytes, length=None):
        """Buffer one posting (Whoosh's version, minus its per-posting type assertions)."""
        if len(self._ids) >= self._blocklimit:
            self._write_block()
        self._ids.append(id_)
        self._weights.append(weight)
        if weight > self._maxweight:
            self._maxweight = weight
        if vbytes:
            self._values.append(vbytes)

    def finish_postings(self):
        if not self.written() and len(self) < self._inlinelimit:
            terminfo = self._terminfo
            terminfo.add_block(self)
            terminfo.set_inlined(self._ids, self._weights, self._values)
            self._terminfo = None
            return terminfo
        return super().finish_postings()


class FastCodec(W3Codec):
    """Whoosh's codec, tuned for building the whole index at once.

    - no per-block length statistics: they only serve Whoosh's early-termination shortcuts,
      which ranking every match (as this archive does) never takes, and gathering them read a
      column per posting;
    - short posting lists are inlined into the term table instead of written as blocks;
    - blocks are not zlib-compressed (disk space for speed).
    """

    length_stats = False

    def __init__(self, blocklimit: int = 128, compression: int = 0, inlinelimit: int = 8):
        super().__init__(blocklimit=blocklimit, compression=compression, inlinelimit=inlinelimit)

    def postings_writer(self, dbfile, byteids=False):
        return InliningPostingsWriter(
            dbfile,
            blocklimit=self._blocklimit,
            byteids=byteids,
            compression=self._compression,
            inlinelimit=self._inlinelimit,
        )


def make_schema(title_boost: float, entity_boost: float) -> fields.Schema:
    """The index schema: numbered docs, stems with positions in title and body, exact forms."""
    return fields.Schema(
        number=fields.NUMERIC(int, bits=32, stored=True, signed=False),
        id=fields.ID(stored=True, unique=True),
        url=fields.STORED(),
        title_text=fields.STORED(),
        source=fields.ID(),
        day=fields.ID(),
        title=PreAnalyzed(positions=True, field_boost=title_boost),
        body=PreAnalyzed(positions=True),
        entities=PreAnalyzed(positions=False, field_boost=entity_boost),
        exact=PreAnalyzed(positions=False),
    )


@dataclass
class IndexedArchive:
    """What indexing produced besides the Whoosh index: per-document terms for the export."""

    docs: list[SearchDoc]
    terms: list[DocTerms]
    exact_stem: dict[str, str] = field(default_factory=dict)
    title_boost: float = DEFAULTS["SEARCH_TITLE_BOOST"]
    entity_boost: float = DEFAULTS["SEARCH_ENTITY_BOOST"]


def analyze_documents(docs: list[SearchDoc]) -> tuple[list[DocTerms], dict[str, str]]:
    """Terms of every document, and the stem of each exact form."""
    cache = TermCache()
    all_terms = [
        cache.document(doc.title, doc.text, [e.get("name", "") for e in doc.entities])
        for doc in docs
    ]
    return all_terms, cache.exact_stem


def build_index(
    docs: list[SearchDoc],
    index_dir: Path | str,
    title_boost: float = DEFAULTS["SEARCH_TITLE_BOOST"],
    entity_boost: float = DEFAULTS["SEARCH_ENTITY_BOOST"],
    limitmb: int = DEFAULTS["SEARCH_INDEX_MB"],
    procs: int = DEFAULTS["SEARCH_INDEX_PROCS"],
) -> IndexedArchive:
    """Create a fresh Whoosh index of the numbered docs in index_dir and return their terms."""
    index_dir = Path(index_dir)
    if index_dir.exists():
        shutil.rmtree(index_dir)
    index_dir.mkdir(parents=True)
    all_terms, exact_stem = analyze_documents(docs)
    ix = index.create_in(str(index_dir), make_schema(title_boost, entity_boost))
    # With procs > 1 Whoosh writes one segment per process and keeps them (multisegment): no
    # merge pass. Analysis stays in this process, where the per-token memo is shared.
    options = {"procs": procs, "multisegment": True, "batchsize": 250} if procs > 1 else {}
    writer = ix.writer(limitmb=limitmb, codec=FastCodec(), **options)
    for doc, terms in zip(docs, all_terms, strict=True):
        writer.add_document(
            number=doc.number,
            id=doc.id,
            url=doc.url,
            title_text=doc.title,
            source=doc.source or "-",
            day=doc.day or "-",
            title=terms.title,
            body=terms.body,
            entities=terms.entities,
            exact=terms.exact,
        )
    writer.commit()
    return IndexedArchive(docs, all_terms, exact_stem, title_boost, entity_boost)


def open_index(index_dir: Path | str):
    """Open an index built by build_index."""
    return index.open_dir(str(index_dir))
