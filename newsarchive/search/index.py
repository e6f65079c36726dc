"""Build the Whoosh index of the archive from plain records, fast.

Where a plain Whoosh setup spends its time, and what this does instead:
- analysis: terms.analyze_archive analyses each distinct run of text once for the whole
  archive and builds every field's postings as numpy arrays (sorted by term, then document);
- postings: the text fields are counted fields (Whoosh's Frequency format: no positions; the
  Whoosh engine checks phrases on the stored texts, the export uses the analysis' positions),
  written term by term from those arrays, instead of one posting at a time through Whoosh's
  pickling external-sort pool;
- Whoosh's own codec, minus per-block length statistics and block compression, with its
  inlining of short posting lists repaired and extended to a block's worth;
- inlined posting lists pickled with protocol 3 (bytes values pickle several times faster
  than with Whoosh's protocol 2; Whoosh reads either with loads());
- the archive is cut into chunks by content (newsarchive.search.chunks), a segment each; a
  rebuild keeps the segments and terms of the chunks whose documents did not change; forked
  processes analyse the others (procs, and a fresh process each), and in a rebuild one more
  writes their segments while the export runs; the terms are merged for the export, read back
  one chunk at a time, only when it needs them.
The files are Whoosh's own: `index.open_dir` and Whoosh searchers read them as usual."""

from __future__ import annotations

import shutil
from array import array
from collections.abc import Callable, Sequence
from functools import cached_property, partial
from hashlib import md5
from pathlib import Path
from pickle import dumps

import numpy as np
import whoosh
from whoosh import fields, formats, index
from whoosh.analysis import SpaceSeparatedTokenizer
from whoosh.codec.whoosh3 import W3Codec, W3PostingsWriter, W3TermInfo
from whoosh.filedb.filetables import _lengths as ROW_LENGTHS
from whoosh.filedb.filetables import md5_hash
from whoosh.system import pack_uint, pack_ushort
from whoosh.writing import SegmentWriter

from newsarchive.background import Background
from newsarchive.fingerprint import code_digest
from newsarchive.forkmap import Lazily, fork_map
from newsarchive.jsoncache import digest
from newsarchive.memory import release_free_memory
from newsarchive.search import DEFAULTS
from newsarchive.search.chunks import ChunkStore, chunk_bounds, chunk_key, entity_names
from newsarchive.search.documents import SearchDoc
from newsarchive.search.terms import (
    ArchiveTerms,
    Postings,
    analyze_archive,
    merge_archives,
    merge_positions,
    paused_gc,
)

# Field names; the stem fields are queried together, the exact field adds the exact-form bonus.
STEM_FIELDS = ("title", "body", "entities")
EXACT_FIELD = "exact"
COUNTED_FIELDS = (*STEM_FIELDS, EXACT_FIELD)
# Stored texts the Whoosh engine checks phrases on.
TEXT_FIELDS = {"title": "title_text", "body": "body_text"}
TERMINFO = W3TermInfo._struct
# Below this many documents per process, forking costs more than it saves.
MIN_DOCS_PER_PROCESS = 500
# Segments are written beside the export when the chunks to index hold at most this share of
# the documents.
BESIDE_MAX_SHARE = 0.5
NEWSARCHIVE = Path(__file__).resolve().parents[1]
CHUNKS = "chunks"  # folder in the index folder: each chunk's segment and terms, by digest


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


def fast_md5_hash(key: bytes) -> int:
    """whoosh.filedb.filetables.md5_hash: the last four bytes of the MD5 digest."""
    return int.from_bytes(md5(key, usedforsecurity=False).digest()[-4:], "big")


def add_terms(tindex, rows: list[tuple[bytes, bytes]]) -> None:
    """OrderedHashWriter.add for many (key, value) rows in key order, in one file write."""
    dbfile = tindex.dbfile
    position = dbfile.tell()
    buckets, hashfn, positions = tindex.buckets, tindex.hashfn, tindex.index
    if hashfn is md5_hash:  # the same number, without a hex string in between
        hashfn = fast_md5_hash
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


def write_counted_field(fieldwriter, name: str, fieldobj: Counted, vocabulary, part) -> None:
    """Write a counted field's term table and postings in Whoosh's own format, term by term;
    part is Postings.part() of the segment's documents, vocabulary the key strings."""
    fieldwriter.start_field(name, fieldobj)
    postwriter = fieldwriter._postwriter
    inline_limit, block_limit = postwriter._inlinelimit, postwriter._blocklimit
    prefix = pack_ushort(fieldwriter._fieldid)
    fmt = fieldobj.format
    boost = fmt.field_boost
    keys, ends, all_docs, all_counts = part
    ends = ends.tolist()
    all_docs, all_counts = all_docs.tolist(), all_counts.tolist()
    # Per frequency: its encoded value and its weight (a small integer times the boost: exact).
    top = max(all_counts, default=0) + 1
    packed = [pack_uint(f) for f in range(top)]
    weighed = [f * boost for f in range(top)]
    rows = []
    start = 0
    for key, end in zip(keys.tolist(), ends, strict=True):
        ids, freqs = all_docs[start:end], all_counts[start:end]
        start = end
        weights = list(map(weighed.__getitem__, freqs))
        values = tuple(map(packed.__getitem__, freqs))
        if len(ids) < inline_limit:
            # W3TermInfo.to_bytes of an inlined list (no length statistics), but pickled with
            # protocol 3, several times faster for bytes values; Whoosh reads it with loads().
            info = TERMINFO.pack(True, sum(weights), len(ids), 0, 0, max(weights), ids[0], ids[-1])
            info += dumps((tuple(ids), tuple(weights), values), 3)
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
        rows.append((prefix + vocabulary[key].encode("utf-8"), info))
    add_terms(fieldwriter._tindex, rows)
    fieldwriter.finish_field()


class CountedWriter(SegmentWriter):
    """Whoosh's segment writer taking the counted fields whole.

    Documents bring their stored and ID fields through add_document and the lengths of their
    counted fields through add_lengths; the counted fields' postings, documents lo..hi-1 of
    the archive's, are written at commit.
    """

    def __init__(self, ix, archive: ArchiveTerms, lo: int, hi: int, **kwargs):
        super().__init__(ix, codec=FastCodec(), **kwargs)
        self.segment = None
        self.archive, self.lo, self.hi = archive, lo, hi

    def add_lengths(self, **lengths: int) -> None:
        """Lengths of the counted fields of the document just added."""
        for name, length in lengths.items():
            # The per-document writer still points at the last document: record its length.
            self.perdocwriter.add_field(name, self.schema[name], None, length)

    def _flush_segment(self):
        self.perdocwriter.close()
        self.fieldwriter.add_postings(self.schema, None, self.pool.iter_postings())
        archive = self.archive
        for name in sorted(COUNTED_FIELDS):
            postings: Postings = getattr(archive, name)
            vocabulary = archive.forms if name == EXACT_FIELD else archive.terms
            part = postings.part(self.lo, self.hi)
            write_counted_field(self.fieldwriter, name, self.schema[name], vocabulary, part)
        self.fieldwriter.close()


def make_schema(title_boost: float, entity_boost: float) -> fields.Schema:
    """The index schema: docs by id and day, counted stems and exact forms, stored texts."""
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        url=fields.STORED(),
        title_text=fields.STORED(),
        body_text=fields.STORED(),
        source=fields.ID(),
        day=fields.ID(stored=True),
        title=Counted(field_boost=title_boost),
        body=Counted(),
        entities=Counted(field_boost=entity_boost),
        exact=Counted(),
    )


def stored_part(store: ChunkStore, key: str) -> ArchiveTerms:
    """A chunk's terms, read from the store."""
    found = store.get(key)
    if found is None:
        raise RuntimeError(f"search index: chunk {key} went missing from {store.folder}")
    return found


class IndexedArchive:
    """What indexing produced besides the Whoosh index: the analysed terms, for the export.

    Each chunk of consecutive documents was analysed on its own; the parts (a sequence that may
    read each from disk) are merged when the export first needs them, the positions last (the
    Whoosh index needs neither: each part is a segment of its own).
    """

    def __init__(
        self,
        docs: list[SearchDoc],
        parts: Sequence[ArchiveTerms],
        title_boost: float = DEFAULTS["SEARCH_TITLE_BOOST"],
        entity_boost: float = DEFAULTS["SEARCH_ENTITY_BOOST"],
        kept: int = 0,
        finish: Callable[[], None] | None = None,
    ):
        self.docs = docs
        self.parts = parts
        self._finish = finish
        # What build_index did, for the log: parts analysed now, and parts kept from before.
        self.chunks = {"indexed": len(parts) - kept, "kept": kept}
        self.title_boost = title_boost
        self.entity_boost = entity_boost

    def finish(self) -> None:
        """Wait until the Whoosh index is complete: its segments written, its table of
        contents updated."""
        if self._finish is not None:
            self._finish()
            self._finish = None

    @cached_property
    def terms(self) -> ArchiveTerms:
        """The terms of every document, merged from the parts, without their positions."""
        merged = merge_archives(self.parts)
        release_free_memory()  # what reading the parts one at a time left fragmented
        return merged

    def positions(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Every stem occurrence's (term, document, position), sorted: merged from the parts
        only when the export needs them, after the scores, so the two are never held at once."""
        return merge_positions(self.parts, self.terms.terms)


def analyze_documents(docs: list[SearchDoc]) -> ArchiveTerms:
    """Terms of the documents, numbered from 0 in the docs' order."""
    return analyze_archive(
        [doc.title for doc in docs],
        [doc.text for doc in docs],
        [entity_names(doc) for doc in docs],
    )


def write_segment(ix, docs: list[SearchDoc], archive: ArchiveTerms):
    """Write the analysed docs as one new segment (not yet in the index's table of contents)."""
    writer = CountedWriter(ix, archive, 0, len(docs), _lk=False)
    lengths = {name: getattr(archive, name).lengths.tolist() for name in COUNTED_FIELDS}
    for i, doc in enumerate(docs):
        writer.add_document(
            id=doc.id,
            url=doc.url,
            title_text=doc.title,
            body_text=doc.text,
            source=doc.source or "-",
            day=doc.day or "-",
        )
        writer.add_lengths(**{name: found[i] for name, found in lengths.items()})
    return writer._finalize_segment()


def index_salt(title_boost: float, entity_boost: float) -> str:
    """What every chunk's segment and terms depend on besides its documents: our code, Whoosh's
    version and the boosts (the postings' weights)."""
    code = code_digest([NEWSARCHIVE], suffixes=(".py",))
    return digest(code, whoosh.versionstring(), repr((title_boost, entity_boost)))


def open_chunked_index(index_dir: Path, schema: fields.Schema, salt: str):
    """The index in index_dir if it was made with this salt, else a fresh, empty one."""
    marker = index_dir / CHUNKS / "salt"
    try:
        if marker.read_text("utf-8") == salt and index.exists_in(str(index_dir)):
            return index.open_dir(str(index_dir))
    except OSError:
        pass  # no index, or not ours: start afresh
    if index_dir.exists():
        shutil.rmtree(index_dir)
    (index_dir / CHUNKS).mkdir(parents=True)
    ix = index.create_in(str(index_dir), schema)
    marker.write_text(salt, "utf-8")
    return ix


def has_files(ix, segment) -> bool:
    """Whether the segment's files are still in the index folder."""
    return bool(segment.list_files(ix.storage))


def build_index(
    docs: list[SearchDoc],
    index_dir: Path | str,
    title_boost: float = DEFAULTS["SEARCH_TITLE_BOOST"],
    entity_boost: float = DEFAULTS["SEARCH_ENTITY_BOOST"],
    procs: int = DEFAULTS["SEARCH_INDEX_PROCS"],
    batch: int = DEFAULTS["SEARCH_INDEX_BATCH"],
) -> IndexedArchive:
    """Analyse the numbered docs and start writing their Whoosh index in index_dir; return
    their terms. The index is complete once the archive's finish() has returned.

    The docs are cut into chunks of about `batch` documents (newsarchive.search.chunks), a
    segment each. A chunk whose documents the previous build already indexed keeps its segment
    and terms; the others are analysed in up to `procs` forked processes. When they are a few
    (a rebuild), their segments, more than half of a chunk's indexing time, are written in a
    process of their own, beside what the caller does next (the export, which needs only the
    terms).
    """
    index_dir = Path(index_dir)
    schema = make_schema(title_boost, entity_boost)
    salt = index_salt(title_boost, entity_boost)
    ix = open_chunked_index(index_dir, schema, salt)
    # Each chunk's segment and terms, stored apart: a kept chunk's terms are read only when the
    # export merges them, one chunk at a time.
    segment_store = ChunkStore(index_dir / CHUNKS / "segments")
    term_store = ChunkStore(index_dir / CHUNKS / "terms")
    bounds = chunk_bounds(docs, batch)
    keys = [chunk_key(docs[a:b], salt) for a, b in bounds]
    done = {}  # ids are unique, so are the chunks' keys
    for key in keys:
        segment = segment_store.get(key)
        if segment is not None and has_files(ix, segment) and term_store.has(key):
            done[key] = segment
    todo = [(a, b, key) for (a, b), key in zip(bounds, keys, strict=True) if key not in done]
    todo_docs = sum(b - a for a, b, _ in todo)
    # A few chunks' segments (a rebuild's) are written beside the export; a whole index's in the
    # processes that analyse them, each ending after its chunk: a full build's search stage is
    # not what the build waits for, and its export is the build's peak of memory.
    beside = todo_docs <= len(docs) * BESIDE_MAX_SHARE

    def index_chunk(chunk: tuple[int, int, str]) -> None:
        start, end, key = chunk
        with paused_gc():
            terms = analyze_documents(docs[start:end])
            term_store.put(key, terms)  # before the segment, which says the chunk is done
            if not beside:
                segment_store.put(key, write_segment(ix, docs[start:end], terms))

    def write_segments() -> None:
        for start, end, key in todo:
            with paused_gc():
                segment = write_segment(ix, docs[start:end], stored_part(term_store, key))
                segment_store.put(key, segment)

    # Each chunk in a forked process of its own, even when one process is asked for: an
    # analysis leaves its process's memory fragmented, and the results come back through the
    # stores.
    procs = max(1, min(procs, todo_docs // MIN_DOCS_PER_PROCESS))
    for _ in fork_map(index_chunk, todo, procs, chunksize=1, min_items=1, apart=True):
        pass
    writing = Background("search segments", write_segments) if todo and beside else None

    def finish() -> None:
        if writing is not None:
            writing.result()
        segments = [done[key] if key in done else segment_store.get(key) for key in keys]
        generation = ix.latest_generation() + 1
        index.TOC(schema, segments, generation).write(ix.storage, ix.indexname)
        index.clean_files(ix.storage, ix.indexname, generation, segments)
        # The writers' shared scratch folder (each writer's _finish would remove it under the
        # others).
        shutil.rmtree(index_dir / f"{ix.indexname}.tmp", ignore_errors=True)
        for store in (segment_store, term_store):
            store.prune(set(keys))

    parts = Lazily(partial(stored_part, term_store), keys)  # each read when asked for
    return IndexedArchive(docs, parts, title_boost, entity_boost, len(keys) - len(todo), finish)


def open_index(index_dir: Path | str):
    """Open an index built by build_index."""
    return index.open_dir(str(index_dir))
