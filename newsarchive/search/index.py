"""Build the Whoosh index of the archive from plain records, fast.

Where a plain Whoosh setup spends its time, and what this does instead:
- analysis: terms.TermCache analyses each distinct run of text once for the whole archive and
  counts a document's terms with Counters;
- postings: the text fields are counted fields (Whoosh's Frequency format: no positions; the
  Whoosh engine checks phrases on the stored texts, the export computes positions itself),
  inverted once per field with numpy and written term by term, instead of one posting at a
  time through Whoosh's pickling external-sort pool;
- Whoosh's own codec, minus per-block length statistics and block compression, with its
  inlining of short posting lists repaired and extended to a block's worth;
- optionally, forked processes write parts of the archive as separate segments (procs).
The files are Whoosh's own: `index.open_dir` and Whoosh searchers read them as usual."""

from __future__ import annotations

import multiprocessing
import shutil
from array import array
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path
from pickle import dumps

import numpy as np
from whoosh import fields, formats, index
from whoosh.analysis import SpaceSeparatedTokenizer
from whoosh.codec.whoosh3 import W3Codec, W3PostingsWriter, W3TermInfo
from whoosh.filedb.filetables import _lengths as ROW_LENGTHS
from whoosh.system import pack_uint, pack_ushort
from whoosh.writing import SegmentWriter

from newsarchive.search import DEFAULTS
from newsarchive.search.documents import SearchDoc
from newsarchive.search.terms import DocTerms, TermCache

# Field names; the stem fields are queried together, the exact field adds the exact-form bonus.
STEM_FIELDS = ("title", "body", "entities")
EXACT_FIELD = "exact"
COUNTED_FIELDS = (*STEM_FIELDS, EXACT_FIELD)
# Stored texts the Whoosh engine checks phrases on.
TEXT_FIELDS = {"title": "title_text", "body": "body_text"}
TERMINFO = W3TermInfo._struct
# Below this many documents per process, forking costs more than it saves.
MIN_DOCS_PER_PROCESS = 500


class Counted(fields.FieldType):
    """A scorable field whose value is already {term: count} (Whoosh's Frequency format)."""

    def __init__(self, field_boost: float = 1.0):
        self.format = formats.Frequency(field_boost=field_boost)
        self.analyzer = SpaceSeparatedTokenizer()
        self.scorable = True
        self.stored = False
        self.unique = False
        self.vector = None

    def index(self, value, **kwargs):
        """Yield (term bytes, frequency, weight, encoded value) for each term of the value."""
        boost = self.format.field_boost
        for term, freq in value.items():
            yield term.encode("utf-8"), freq, freq * boost, pack_uint(freq)


class InliningPostingsWriter(W3PostingsWriter):
    """Whoosh's postings writer with its inlining of short lists working.

    whoosh-reloaded 2.7.5 calls a misspelt set_inline() here; most terms of a news archive occur
    in one or two articles, and writing each as a posting block was most of the commit time.
    """

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
      which ranking every match (as this archive does) never takes;
    - posting lists shorter than a block are inlined into the term table (most terms occur
      in a few articles) instead of written as blocks;
    - blocks are not zlib-compressed (disk space for speed).
    """

    length_stats = False

    def __init__(self, blocklimit: int = 128, compression: int = 0, inlinelimit: int = 128):
        super().__init__(blocklimit=blocklimit, compression=compression, inlinelimit=inlinelimit)

    def postings_writer(self, dbfile, byteids=False):
        return InliningPostingsWriter(
            dbfile,
            blocklimit=self._blocklimit,
            byteids=byteids,
            compression=self._compression,
            inlinelimit=self._inlinelimit,
        )


def invert(per_doc: list[dict[str, int]]) -> tuple[list[str], list[int], list[int], list[int]]:
    """A field's postings from each document's {term: count}: the terms in byte order, where
    each term's postings end, and the postings' documents and counts (documents ascending)."""
    terms: list[str] = []
    counts: list[int] = []
    docs: list[int] = []
    for doc, found in enumerate(per_doc):
        terms += found
        counts += found.values()
        docs += [doc] * len(found)
    ids: dict[str, int] = {}
    term_ids = np.fromiter(map(ids.setdefault, terms, count()), np.int64, len(terms))
    ordered = sorted(ids)  # code point order is UTF-8 byte order, Whoosh's term order
    rank = np.zeros(len(terms) + 1, np.int64)
    rank[np.fromiter(map(ids.__getitem__, ordered), np.int64, len(ordered))] = np.arange(
        len(ordered)
    )
    keys = rank[term_ids]
    order = np.argsort(keys, kind="stable")
    ends = np.cumsum(np.bincount(keys, minlength=len(ordered)))
    return (
        ordered,
        ends.tolist(),
        np.asarray(docs, np.int64)[order].tolist(),
        np.asarray(counts, np.int64)[order].tolist(),
    )


def add_terms(tindex, rows: list[tuple[bytes, bytes]]) -> None:
    """OrderedHashWriter.add for many (key, value) rows in key order, in one file write."""
    dbfile = tindex.dbfile
    position = dbfile.tell()
    buckets, hashfn, positions = tindex.buckets, tindex.hashfn, tindex.index
    out = []
    for key, value in rows:
        positions.append(position)
        h = hashfn(key)
        buckets[h & 255].append((h, position))
        out.append(ROW_LENGTHS.pack(len(key), len(value)) + key + value)
        position += ROW_LENGTHS.size + len(key) + len(value)
    dbfile.write(b"".join(out))
    if rows:
        tindex.lastkey = rows[-1][0]


def write_counted_field(fieldwriter, name: str, fieldobj: Counted, per_doc) -> None:
    """Write a counted field's term table and postings in Whoosh's own format, term by term."""
    fieldwriter.start_field(name, fieldobj)
    postwriter = fieldwriter._postwriter
    inline_limit, block_limit = postwriter._inlinelimit, postwriter._blocklimit
    prefix = pack_ushort(fieldwriter._fieldid)
    fmt = fieldobj.format
    boost = fmt.field_boost
    ordered, ends, docs, counts = invert(per_doc)
    rows = []
    start = 0
    for term, end in zip(ordered, ends, strict=True):
        ids, freqs = docs[start:end], counts[start:end]
        start = end
        weights = [f * boost for f in freqs]  # small integers times the boost: exact floats
        values = tuple(map(pack_uint, freqs))
        if len(ids) < inline_limit:
            # The bytes W3TermInfo.to_bytes gives an inlined list (no length statistics).
            info = TERMINFO.pack(True, sum(weights), len(ids), 0, 0, max(weights), ids[0], ids[-1])
            info += dumps((tuple(ids), tuple(weights), values), 2)
        else:
            postwriter.start_postings(fmt, W3TermInfo())
            for block in range(0, len(ids), block_limit):
                if block:
                    postwriter._write_block()
                postwriter._ids = array("I", ids[block : block + block_limit])
                postwriter._weights = array("f", weights[block : block + block_limit])
                postwriter._values = values[block : block + block_limit]
                postwriter._maxweight = max(weights[block : block + block_limit])
            info = postwriter.finish_postings().to_bytes()
        rows.append((prefix + term.encode("utf-8"), info))
    add_terms(fieldwriter._tindex, rows)
    fieldwriter.finish_field()


class CountedWriter(SegmentWriter):
    """Whoosh's segment writer taking the counted fields whole.

    Documents bring their stored and ID fields through add_document and the lengths of their
    counted fields through add_counted; the counted fields' postings are written at commit.
    """

    def __init__(self, ix, **kwargs):
        super().__init__(ix, codec=FastCodec(), **kwargs)
        self.segment = None
        self.counted: dict[str, list[dict[str, int]]] = {name: [] for name in COUNTED_FIELDS}

    def add_counted(self, **values: dict[str, int]) -> None:
        """Counted fields of the document just added: {term: count} per field."""
        for name, found in values.items():
            self.counted[name].append(found)
            # The per-document writer still points at the last document: record its length.
            self.perdocwriter.add_field(name, self.schema[name], None, sum(found.values()))

    def _flush_segment(self):
        self.perdocwriter.close()
        self.fieldwriter.add_postings(self.schema, None, self.pool.iter_postings())
        for name in sorted(self.counted):
            write_counted_field(self.fieldwriter, name, self.schema[name], self.counted[name])
        self.fieldwriter.close()


def make_schema(title_boost: float, entity_boost: float) -> fields.Schema:
    """The index schema: numbered docs, counted stems and exact forms, stored texts."""
    return fields.Schema(
        number=fields.STORED(),
        id=fields.ID(stored=True, unique=True),
        url=fields.STORED(),
        title_text=fields.STORED(),
        body_text=fields.STORED(),
        source=fields.ID(),
        day=fields.ID(),
        title=Counted(field_boost=title_boost),
        body=Counted(),
        entities=Counted(field_boost=entity_boost),
        exact=Counted(),
    )


@dataclass
class IndexedArchive:
    """What indexing produced besides the Whoosh index: per-document terms for the export."""

    docs: list[SearchDoc]
    terms: list[DocTerms]
    exact_stem: dict[str, str] = field(default_factory=dict)
    title_boost: float = DEFAULTS["SEARCH_TITLE_BOOST"]
    entity_boost: float = DEFAULTS["SEARCH_ENTITY_BOOST"]
    # The analysis memo, so the export's phrase positions reuse it.
    cache: TermCache | None = None


def analyze_documents(docs: list[SearchDoc], cache: TermCache) -> list[DocTerms]:
    """Terms of every document."""
    return [
        cache.document(doc.title, doc.text, [e.get("name", "") for e in doc.entities])
        for doc in docs
    ]


def write_segment(ix, docs: list[SearchDoc], all_terms: list[DocTerms], lock: bool = True):
    """Write the analysed docs as one new segment; return its writer (index not committed)."""
    writer = CountedWriter(ix, _lk=lock)
    for doc, terms in zip(docs, all_terms, strict=True):
        writer.add_document(
            number=doc.number,
            id=doc.id,
            url=doc.url,
            title_text=doc.title,
            body_text=doc.text,
            source=doc.source or "-",
            day=doc.day or "-",
        )
        writer.add_counted(
            title=terms.title, body=terms.body, entities=terms.entities, exact=terms.exact
        )
    writer.segment = writer._finalize_segment()
    return writer


def _write_segment_in_child(ix, docs, all_terms, connection) -> None:
    connection.send(write_segment(ix, docs, all_terms, lock=False).segment)
    connection.close()


def build_index(
    docs: list[SearchDoc],
    index_dir: Path | str,
    title_boost: float = DEFAULTS["SEARCH_TITLE_BOOST"],
    entity_boost: float = DEFAULTS["SEARCH_ENTITY_BOOST"],
    procs: int = DEFAULTS["SEARCH_INDEX_PROCS"],
) -> IndexedArchive:
    """Create a fresh Whoosh index of the numbered docs in index_dir and return their terms.

    Analysis runs here (one memo for the whole archive); with procs > 1, forked processes
    write later parts of the docs as segments of their own while this one writes the first
    (Whoosh's multisegment idea, without its pickling of every document).
    """
    index_dir = Path(index_dir)
    if index_dir.exists():
        shutil.rmtree(index_dir)
    index_dir.mkdir(parents=True)
    ix = index.create_in(str(index_dir), make_schema(title_boost, entity_boost))
    cache = TermCache()
    all_terms = analyze_documents(docs, cache)
    procs = max(1, min(procs, len(docs) // MIN_DOCS_PER_PROCESS))
    size = max(1, -(-len(docs) // procs))
    starts = range(0, max(1, len(docs)), size)
    context = multiprocessing.get_context("fork")
    children = []
    for start in starts[1:]:
        receiver, sender = context.Pipe(duplex=False)
        part = (ix, docs[start : start + size], all_terms[start : start + size], sender)
        child = context.Process(target=_write_segment_in_child, args=part)
        child.start()
        sender.close()
        children.append((child, receiver))
    writer = write_segment(ix, docs[:size], all_terms[:size])
    try:
        segments = [writer.segment] + [receiver.recv() for _, receiver in children]
        writer._commit_toc(segments)
    finally:
        writer._finish()
        for child, _ in children:
            child.join()
    return IndexedArchive(docs, all_terms, cache.exact_stem, title_boost, entity_boost, cache)


def open_index(index_dir: Path | str):
    """Open an index built by build_index."""
    return index.open_dir(str(index_dir))
