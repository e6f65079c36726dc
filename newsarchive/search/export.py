"""Write the static search files the browser client reads (format: docs/search-format in report).

Layout under the search folder (all JSON, small files, fetched lazily):
- manifest.json   counts and shard numbers; the only file every query needs;
- t/<n>.json      dictionary shard: {term: [df, [doc, score, ...] best first (head)]}, and for
                  a term longer than the head, where its full postings are: [..., file, place];
                  exact forms under "=form" with score = stem score + exact bonus;
- p/<n>.json      full postings of terms longer than the head, a few to a file:
                  [[[doc gaps], [scores]], ...];
- x/<n>.json      positions for phrases: {term: [doc gap, count, position gaps..., ...]}
                  (title words, a gap of one, then body words);
- c/<n>.json      result cards, SEARCH_CARDS_PER_CHUNK per file, in document-number order;
- a/<doc>.json    an article's text (its first PASSAGE_TEXT_CHARS characters), fetched for the
                  results shown, to cut their snippet around the matched words;
- n/<n>.json      entity name completion by first two letters of a name word;
- e/<n>.json      documents of each entity: {id: [doc gaps]};
- v/<n>.json      vocabulary for "did you mean": [[exact form, spelling, df], ...];
- f/<n>.json      entity codes of each document, for the result facets (see export_facets);
- m/<n>.json      entities by facet number: {number: [id, name, type, url, count]};
- s.json, d.json  documents per source, first document of each day (for filters).
Documents are numbered in date order, so a date range is a number range.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import pickle
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from subprocess import PIPE

import numpy as np
import orjson

from newsarchive import analyzer
from newsarchive.dates import arabic_date
from newsarchive.jsoncache import write_atomically
from newsarchive.memory import release_free_memory
from newsarchive.search import DEFAULTS
from newsarchive.search.hashing import FNV_OFFSET, FNV_PRIME, shard_of
from newsarchive.search.index import IndexedArchive
from newsarchive.search.scoring import K1, SCALE, B, idf, stored_length
from newsarchive.search.terms import EXACT_MARK, SMALL, Postings, paused_gc
from newsarchive.sitecommit import files_under

DATA_DIRS = ("t", "p", "x", "c", "a", "n", "e", "v", "f", "m")
# Facets: documents per f/ file, and the type codes of entities.
FACET_CHUNK = 256
FACET_TYPES = {"PER": 0, "LOC": 1, "ORG": 2}
# Characters of an article's text kept for the snippet passage (a/<doc>.json).
PASSAGE_TEXT_CHARS = 3000
VOCAB_MIN_DF = DEFAULTS["SEARCH_VOCAB_MIN_DF"]
VOCAB_PER_SHARD = 3000
FORMAT_VERSION = 3  # the client (engine.js) refuses files of another version
PUT_BATCH = 64  # files sent to the putting process at a time
PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])  # the folder holding newsarchive


def gaps(numbers: list[int]) -> list[int]:
    """Delta-encode ascending numbers (gzip then squeezes the small gaps)."""
    out, last = [], 0
    for n in numbers:
        out.append(n - last)
        last = n
    return out


def name_key(form: str) -> str:
    """Completion/vocabulary shard key of a normalised word: two letters after any article."""
    if form.startswith("ال") and len(form) >= 4:
        form = form[2:]
    return form[:2]


class Writer:
    """Write compact JSON files and keep a fingerprint of everything written.

    A file that already holds the same bytes is left as it is, inode and all; one that differs
    is replaced by a new file, never rewritten in place: a folder updated from the previous
    export has its files hard-linked into the live site. A rebuild that adds a few articles
    changes about half the files, so the rest are not written, nor later compared byte for byte
    with the live site's.

    With a record (a file outside root), each file's digest and inode are kept there for the
    next export, which then knows without opening a file whether it holds the bytes to write:
    opening a file cost about 100 µs here, and an export has 20,000 files. The files are put
    on disk by a process of their own (putfiles), whose system calls overlap the export's
    computing: a thread would wait for the interpreter's lock after each of them.
    """

    def __init__(self, root: Path | str, record: Path | str | None = None):
        # Plain strings: Path objects were an eighth of the time to write 24,827 files (profiled).
        self.root = os.fspath(root)
        self.digest = hashlib.sha1()
        self.record = record and Path(record)
        self.known = self._recorded()  # relative path -> (inode, digest), as they are now
        # Every file this export wrote or left as it was, with its (inode, digest) once known:
        # what finish() keeps, and the record for the next export.
        self.kept: dict[str, tuple[int, bytes]] = {}
        self._batch: list[tuple[str, bytes, bool]] = []  # files to put, not yet sent
        self._sent: dict[str, bytes] = {}  # files sent to be put, with their digests
        self._putter: subprocess.Popen | None = None  # the putting process (putfiles)

    def _recorded(self) -> dict[str, tuple[int, bytes]]:
        """The previous export's record, for the files still on disk with the same inode; the
        record goes until this export is done, so that a killed export leaves none."""
        if not self.record:
            return {}
        try:
            recorded = pickle.loads(self.record.read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError, ValueError):
            return {}
        self.record.unlink()
        present = {relative: entry.inode() for relative, entry in files_under(self.root)}
        return {k: v for k, v in recorded.items() if present.get(k) == v[0]}

    def write(self, relative: str, data) -> int:
        """Write data as JSON to root/relative (unless it holds those bytes) and return its size."""
        # Sorted keys: the same archive gives the same bytes whatever the process's hash seed.
        # orjson: 8 times json's encoder here. It keeps a UTF-8 copy inside each str it writes,
        # which these files' strings, mostly made for them, do not outlive.
        text = orjson.dumps(data, option=orjson.OPT_SORT_KEYS)
        self.digest.update(relative.encode() + text)
        digest = hashlib.blake2b(text, digest_size=16).digest()
        known = self.known.get(relative)
        if known is not None and known[1] == digest:
            self.kept[relative] = known
        else:
            # A recorded file of another digest holds other bytes: it need not be read.
            self._batch.append((relative, text, known is None))
            self._sent[relative] = digest
            if len(self._batch) >= PUT_BATCH:
                self._send()
        return len(text)

    def _send(self) -> None:
        """Send the files to put to the putting process, started on the first batch."""
        if self._putter is None:
            command = [sys.executable, "-m", "newsarchive.search.putfiles", self.root]
            # Found wherever this package is, installed or not.
            path = os.pathsep.join(filter(None, [PACKAGE_ROOT, os.environ.get("PYTHONPATH")]))
            env = os.environ | {"PYTHONPATH": path}
            self._putter = subprocess.Popen(command, stdin=PIPE, stdout=PIPE, stderr=PIPE, env=env)
        try:
            pickle.dump(self._batch, self._putter.stdin, pickle.HIGHEST_PROTOCOL)
        except BrokenPipeError:
            self._end_putter()  # it failed: raises its error
        self._batch = []

    def _end_putter(self) -> dict[str, int]:
        """Wait for the putting process to end: the inodes of the files it put, or its error."""
        inodes, error = self._putter.communicate()
        if self._putter.returncode != 0:
            message = error.decode(errors="replace").strip()
            raise RuntimeError(
                f"search export: writing the files under {self.root} failed: {message}"
            )
        return pickle.loads(inodes)

    def stop(self) -> None:
        """End the putting process if it still runs (the export failed before finish)."""
        if self._putter is not None and self._putter.returncode is None:
            self._putter.kill()
            self._putter.communicate()

    def finish(self, folders: Iterable[str]) -> None:
        """Wait for the files to be put, delete those under these folders of root that this
        writer did not write (a previous export's, or a killed one's), and save the record."""
        if self._batch:
            self._send()
        if self._putter is not None:
            with contextlib.suppress(BrokenPipeError):  # if it failed, _end_putter says why
                pickle.dump(None, self._putter.stdin)
            for relative, inode in self._end_putter().items():
                self.kept[relative] = (inode, self._sent[relative])
        for folder in folders:
            for relative, _ in files_under(os.path.join(self.root, folder)):
                if f"{folder}/{relative}" not in self.kept:
                    os.unlink(os.path.join(self.root, folder, relative))
        if self.record:
            write_atomically(self.record, pickle.dumps(self.kept, pickle.HIGHEST_PROTOCOL))


def norms(postings: Postings, n: int) -> np.ndarray:
    """Each document's BM25 length norm K1*((1-B)+B*len/avglen) in a field, as Whoosh has it."""
    lengths = postings.lengths.tolist()
    avg = (sum(lengths) / (n or 1)) or 1
    stored = {length: stored_length(length) for length in set(lengths)}
    return np.array([K1 * ((1 - B) + B * stored[length] / avg) for length in lengths], float)


def idfs(postings: Postings, size: int, n: int) -> np.ndarray:
    """Whoosh's idf of keys 0..size-1 in a field (unused where a key is absent)."""
    df = postings.df(size)
    values, inverse = np.unique(df, return_inverse=True)
    return np.array([idf(n, d) for d in values.tolist()], float)[inverse.reshape(-1)]


def field_scores(postings: Postings, boost: float, size: int, n: int) -> np.ndarray:
    """BM25 of every posting of a field, with the operations of Whoosh's BM25F in its order."""
    w = postings.freq * boost  # integers times the boost, as Whoosh's weights
    # idf * ((w * (K1 + 1)) / (w + norm)), in place: two arrays of the field's size, not five
    # (+ and * commute exactly, so the result is the same to the bit).
    scores = norms(postings, n)[postings.doc]
    scores += w
    w *= K1 + 1
    np.divide(w, scores, out=scores)
    scores *= idfs(postings, size, n)[postings.key]
    return scores


@dataclass
class Scored:
    """Postings with their quantised scores, sorted by (key, doc)."""

    key: np.ndarray
    doc: np.ndarray
    score: np.ndarray


def score_postings(archive: IndexedArchive) -> tuple[Scored, Scored]:
    """Quantised BM25F score of every (stem, doc) and (exact form, doc), as Whoosh ranks them:
    title + (body + entities) for a stem; an exact form adds its own BM25 to its stem's."""
    terms = archive.terms
    n = max(terms.n_docs, 1)
    size = len(terms.terms)
    # Summed into one array in this order: (0.0 + body + entities) + title is bit for bit
    # Whoosh's title + (body + entities), since an absent field adds 0.0 and + commutes.
    fields = [
        (terms.body, 1.0),
        (terms.entities, archive.entity_boost),
        (terms.title, archive.title_boost),
    ]
    union = np.concatenate([pair_codes(p, n) for p, _ in fields])
    union.sort()  # not np.unique: it hashes first, 5 times slower here
    union = union[np.append(True, union[1:] != union[:-1])] if len(union) else union
    total = np.zeros(len(union), float)
    for postings, boost in fields:
        # Computed again, not kept from the union: three such arrays at once were the peak.
        at = np.searchsorted(union, pair_codes(postings, n))
        total[at] += field_scores(postings, boost, size, terms.n_docs)
    del at
    stem_scores = quantize_all(total)
    del total
    stems = Scored((union // n).astype(SMALL), (union % n).astype(SMALL), stem_scores)
    exact = terms.exact
    bonus = quantize_all(field_scores(exact, 1.0, len(terms.forms), terms.n_docs))
    at = np.searchsorted(union, terms.form_stem[exact.key] * n + exact.doc)
    exacts = Scored(exact.key, exact.doc, stem_scores[at] + bonus)
    return stems, exacts


def pair_codes(postings: Postings, n: int) -> np.ndarray:
    """One number per posting, key * n + doc, in int64 (past 2**31): they sort as (key, doc)."""
    return postings.key.astype(np.int64) * n + postings.doc


def quantize_all(scores: np.ndarray) -> np.ndarray:
    """scoring.quantize of every score (round half to even, like Python's round)."""
    return np.rint(scores * SCALE).astype(SMALL)


def shard_count(total_bytes: int, target_kb: float) -> int:
    """How many shards keep each near the target size."""
    return max(1, math.ceil(total_bytes / (target_kb * 1024)))


def fnv1a_all(keys: list[str]) -> list[int]:
    """hashing.fnv1a of every key, a byte column at a time for all keys at once."""
    encoded = [key.encode("utf-8") for key in keys]
    if not encoded:
        return []
    width = max(map(len, encoded))
    matrix = np.frombuffer(b"".join(e.ljust(width, b"\0") for e in encoded), np.uint8)
    matrix = matrix.reshape(len(encoded), width).astype(np.uint64)
    lengths = np.fromiter(map(len, encoded), np.int64, len(encoded))
    value = np.full(len(encoded), FNV_OFFSET, np.uint64)
    for column in range(width):
        inside = lengths > column
        value[inside] = ((value[inside] ^ matrix[inside, column]) * FNV_PRIME) & 0xFFFFFFFF
    return value.tolist()


@dataclass
class Heads:
    """Per key of a field: where its postings start, its document count and its best postings,
    flat [doc, score, ...]."""

    starts: np.ndarray  # key k's postings are scored[starts[k]:starts[k + 1]]
    df: np.ndarray
    pairs: np.ndarray
    bounds: np.ndarray  # key k's pairs are pairs[bounds[k]:bounds[k + 1]]

    def best(self, k: int) -> list[int]:
        """Key k's best postings as [doc, score, ...], best first."""
        return self.pairs[self.bounds[k] : self.bounds[k + 1]].tolist()


def best_first(scored: Scored) -> np.ndarray:
    """The order of postings by key, then score and document both descending."""
    if not len(scored.key):
        return np.arange(0)
    docs = int(scored.doc.max()) + 1
    scores = int(scored.score.max()) + 1
    if int(scored.score.min()) < 0 or (int(scored.key.max()) + 1) * scores * docs >= 2**63:
        return np.lexsort((-scored.doc, -scored.score, scored.key))
    # One int64 per posting sorts 4 times faster than lexsort's three keys (the export's
    # largest sort); the keys are distinct (key, doc) pairs, so the order is the same.
    combined = scored.key.astype(np.int64) * scores
    combined += scores - 1 - scored.score
    combined *= docs
    combined += docs - 1 - scored.doc
    return np.argsort(combined)


def head_entries(scored: Scored, size: int, head: int) -> Heads:
    """Per key 0..size-1: df and [doc, score, ...] best first, up to head postings."""
    order = best_first(scored)
    key = scored.key[order]
    starts = np.searchsorted(scored.key, np.arange(size + 1))
    rank = np.arange(len(key)) - starts[:-1][key]
    keep = rank < head
    pairs = np.empty(2 * int(keep.sum()), np.int64)
    pairs[0::2], pairs[1::2] = scored.doc[order][keep], scored.score[order][keep]
    kept = 2 * np.searchsorted(key[keep], np.arange(size + 1))
    return Heads(starts, np.diff(starts), pairs, kept)


def by_shard(hashes: np.ndarray, keep: np.ndarray, shards: int) -> list[np.ndarray]:
    """The kept indices of each shard (hash % shards), ascending."""
    indices = np.flatnonzero(keep)
    shard = hashes[indices] % shards
    order = np.argsort(shard, kind="stable")
    cuts = np.searchsorted(shard[order], np.arange(shards + 1))
    return [indices[order[cuts[n] : cuts[n + 1]]] for n in range(shards)]


def pack(sizes: list[int], target: int) -> list[int]:
    """The file number of each item, filling files in order up to target bytes (an item larger
    than that alone in its file): fewer files to write, and no more to fetch for an item than
    the target or the item itself."""
    numbers, number, filled = [], -1, target
    for size in sizes:
        if filled + size > target:
            number, filled = number + 1, 0
        numbers.append(number)
        filled += size
    return numbers


def export_long_postings(writer: Writer, long: list[tuple[Scored, int, int]], target: int) -> list:
    """Write the full postings of the long terms, (scored, start, end) each, packed a few to a
    file; return each one's [file, place]."""
    # A posting is about 9 bytes of JSON: a document gap and a score.
    files = pack([9 * (end - start) for _, start, end in long], target)
    places = []
    payload: list = []
    for n, (scored, start, end) in enumerate(long):
        doc_gaps = np.diff(scored.doc[start:end], prepend=0).tolist()
        places.append([files[n], len(payload)])
        payload.append([doc_gaps, scored.score[start:end].tolist()])
        if n + 1 == len(long) or files[n + 1] != files[n]:
            writer.write(f"p/{files[n]}.json", payload)
            payload = []
    return places


def export_terms(
    writer: Writer,
    archive: IndexedArchive,
    stems: Scored,
    exacts: Scored,
    stem_hash: np.ndarray,
    head,
    shard_kb,
):
    """Write long postings, then dictionary shards one at a time; return the number of
    dictionary shards."""
    terms = archive.terms
    # Per field: names, key prefix, heads, shard hash and presence of each key, and the keys
    # longer than the head.
    fields = []
    long = []  # (scored, start, end) of each term longer than the head, field by field
    total = 0
    for scored, names, mark in ((stems, terms.terms, ""), (exacts, terms.forms, EXACT_MARK)):
        heads = head_entries(scored, len(names), head)
        present = heads.df > 0
        lengths = np.fromiter(map(len, names), np.int64, len(names)) + len(mark)
        kept = np.diff(heads.bounds)  # 2 numbers per posting kept
        total += int(((lengths * 2 + 8 + 4 * kept) * present).sum())
        keys = np.flatnonzero(heads.df > head).tolist()
        long += [(scored, int(heads.starts[k]), int(heads.starts[k + 1])) for k in keys]
        hashes = stem_hash[terms.form_stem] if mark else stem_hash
        fields.append((names, mark, heads, hashes, present, keys))
    places = export_long_postings(writer, long, int(2 * shard_kb * 1024))
    shards = shard_count(total, shard_kb)
    # One shard's entries at a time: the whole dictionary as Python lists would be the
    # export's largest allocation.
    parts = []
    for names, mark, heads, hashes, present, keys in fields:
        long_places = dict(zip(keys, places[: len(keys)], strict=True))
        del places[: len(keys)]
        parts.append((names, mark, heads, long_places, by_shard(hashes, present, shards)))
    for number in range(shards):
        shard = {}
        for names, mark, heads, long_places, groups in parts:
            for k in groups[number].tolist():
                entry = [int(heads.df[k]), heads.best(k)]
                if k in long_places:
                    entry += long_places[k]
                shard[mark + names[k]] = entry
        writer.write(f"t/{number}.json", shard)
    return shards


def export_positions(
    writer: Writer, archive: IndexedArchive, stem_hash: np.ndarray, shard_kb: float
) -> int:
    """Write the positions of every stem for phrase queries; return the number of shards.

    Per term one flat list: for each document containing it, the document (as a gap from the
    previous one), how many positions, and the positions (as gaps)."""
    terms = archive.terms
    term, doc, at = archive.positions()
    count = len(term)
    # In int32 like the positions, in place, each array let go when done: this is the
    # export's last peak of memory.
    new_group = np.ones(count, bool)
    new_group[1:] = term[1:] != term[:-1]
    new_group[1:] |= doc[1:] != doc[:-1]
    starts = np.flatnonzero(new_group).astype(np.int32)
    groups = len(starts)
    out = np.empty(count + 2 * groups, np.int32)
    # Occurrence i goes after its group's header of two numbers: to i + 2 * (its group + 1).
    slot = np.cumsum(new_group, dtype=np.int32)
    del new_group
    slot *= 2
    slot += np.arange(count, dtype=np.int32)
    position_gaps = at.copy()
    position_gaps[1:] -= at[:-1]
    position_gaps[starts] = at[starts]  # a group's first position is not a gap
    del at
    out[slot] = position_gaps
    del slot, position_gaps
    group_term, group_doc = term[starts], doc[starts]
    del term, doc
    doc_gaps = group_doc.copy()
    same_term = np.zeros(groups, bool)
    same_term[1:] = group_term[1:] == group_term[:-1]
    doc_gaps[1:] -= np.where(same_term[1:], group_doc[:-1], 0)
    del group_doc, same_term
    header = np.arange(groups, dtype=np.int32)
    header *= 2
    header += starts
    out[header] = doc_gaps
    out[header + 1] = np.diff(starts, append=np.int32(count))  # positions in each group
    del doc_gaps, starts
    term_bounds = np.searchsorted(group_term, np.arange(len(terms.terms) + 1))
    out_bounds = np.append(header, len(out))[term_bounds]
    shards = shard_count(4 * len(out), shard_kb * 4)
    names = terms.terms
    for number, group in enumerate(by_shard(stem_hash, np.diff(out_bounds) > 0, shards)):
        shard = {names[k]: out[out_bounds[k] : out_bounds[k + 1]].tolist() for k in group.tolist()}
        writer.write(f"x/{number}.json", shard)
    return shards


def snippet(text: str, limit: int) -> str:
    """The start of the text, cut at a word boundary."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > limit // 2 else limit] + "…"


def export_texts(writer: Writer, archive: IndexedArchive) -> None:
    """Write each article's text (spaces folded, at most PASSAGE_TEXT_CHARS) as a JSON string:
    the client fetches those of the results it shows and cuts the passage around the match."""
    for d in archive.docs:
        text = " ".join(d.text.split())
        if len(text) > PASSAGE_TEXT_CHARS:
            cut = text.rfind(" ", 0, PASSAGE_TEXT_CHARS)
            text = text[: cut if cut > PASSAGE_TEXT_CHARS // 2 else PASSAGE_TEXT_CHARS]
        writer.write(f"a/{d.number}.json", text)


def export_cards(writer: Writer, archive: IndexedArchive, per_chunk: int, chars: int) -> None:
    """Write result cards: [id, url, title, ISO day, Arabic date, source, snippet]. The snippet
    is the article's start only when chars is given: the client cuts the snippet from the
    article's text (a/), around the matched words, so by default the cards leave it empty."""
    docs = archive.docs
    for start in range(0, len(docs), per_chunk):
        chunk = [
            [
                d.id,
                d.url,
                d.title,
                d.day,
                arabic_date(d.date) if d.date else "",
                d.source,
                snippet(d.text, chars) if chars else "",
            ]
            for d in docs[start : start + per_chunk]
        ]
        writer.write(f"c/{start // per_chunk}.json", chunk)


def name_forms(text: str) -> list[str]:
    """Normalised words of a name, each also without its article."""
    forms = []
    for form in analyzer.exact(text):
        forms.append(form)
        if form.startswith("ال") and len(form) >= 4:
            forms.append(form[2:])
    return forms


def export_entities(writer: Writer, archive: IndexedArchive, entities: list[dict], shard_kb):
    """Write name-completion shards and per-entity document lists; return their shard counts."""
    number_of = {d.id: d.number for d in archive.docs}
    completion: dict[str, list] = defaultdict(list)
    documents: dict[str, list[int]] = {}
    for entity in entities:
        docs = sorted({number_of[s] for s in entity.get("article_slugs", []) if s in number_of})
        if not docs:
            continue
        documents[entity["id"]] = docs
        names = [entity["name"], *entity.get("aliases", [])]
        forms = list(dict.fromkeys(f for name in names for f in name_forms(name)))
        entry = [entity["id"], entity["name"], entity["type"], entity.get("url", ""), len(docs)]
        entry.append(" ".join(forms))
        for key in {name_key(f) for f in forms if len(f) >= 2}:
            completion[key].append(entry)
    total = sum(len(json.dumps(e, ensure_ascii=False)) for es in completion.values() for e in es)
    name_shards = shard_count(total, shard_kb)
    grouped: dict[int, dict] = defaultdict(dict)
    for key, found in completion.items():
        grouped[shard_of(key, name_shards)][key] = sorted(found, key=lambda e: (-e[4], e[1]))
    for number in range(name_shards):
        writer.write(f"n/{number}.json", grouped.get(number, {}))
    total = sum(12 + 3 * len(d) for d in documents.values())
    entity_shards = shard_count(total, shard_kb)
    by_shard: dict[int, dict] = defaultdict(dict)
    for entity_id, docs in documents.items():
        by_shard[shard_of(entity_id, entity_shards)][entity_id] = gaps(docs)
    for number in range(entity_shards):
        writer.write(f"e/{number}.json", by_shard.get(number, {}))
    return name_shards, entity_shards


def export_facets(writer: Writer, archive: IndexedArchive, entities: list[dict], shard_kb):
    """Write the entities of each document for the result facets; return (docs per chunk,
    number of entity shards). Entities are numbered by article count (most frequent first);
    a document's entities are codes number * 4 + type (PER 0, LOC 1, ORG 2, other 3), in
    f/<doc // FACET_CHUNK>.json; m/<number % shards>.json gives {number: [id, name, type,
    url, article count]}. Both are fetched only when the reader opens the facets."""
    number_of = {d.id: d.number for d in archive.docs}
    found = []
    for entity in entities:
        docs = sorted({number_of[s] for s in entity.get("article_slugs", []) if s in number_of})
        if docs:
            found.append((entity, docs))
    found.sort(key=lambda item: (-len(item[1]), item[0]["id"]))
    per_doc: list[list[int]] = [[] for _ in archive.docs]
    meta = []
    for number, (entity, docs) in enumerate(found):
        code = number * 4 + FACET_TYPES.get(entity.get("type", ""), 3)
        for doc in docs:
            per_doc[doc].append(code)
        meta.append([entity["id"], entity["name"], entity.get("type", ""), entity.get("url", "")])
        meta[-1].append(len(docs))
    for start in range(0, len(per_doc), FACET_CHUNK):
        writer.write(f"f/{start // FACET_CHUNK}.json", per_doc[start : start + FACET_CHUNK])
    total = sum(len(json.dumps(m, ensure_ascii=False)) for m in meta)
    shards = shard_count(total, shard_kb)
    grouped: dict[int, dict] = defaultdict(dict)
    for number, entry in enumerate(meta):
        grouped[number % shards][str(number)] = entry
    for number in range(shards):
        writer.write(f"m/{number}.json", grouped.get(number, {}))
    return FACET_CHUNK, shards


def export_vocabulary(
    writer: Writer, archive: IndexedArchive, shard_kb: float, min_df: int = VOCAB_MIN_DF
) -> int:
    """Write the archive's frequent words, by shard key, for spelling suggestions."""
    terms = archive.terms
    df: dict[str, int] = {}
    # Each form's most frequent spelling, the first seen on ties. Tokens are distinct, so a
    # token's count is its document count: no Counter of spellings per form is needed.
    spelling: dict[str, tuple[int, str]] = {}
    found = [(t, c) for t, c in zip(terms.tokens, terms.token_docs.tolist(), strict=True) if c]
    all_forms = analyzer.exact_forms_many([token for token, _ in found])
    for (token, count), forms in zip(found, all_forms, strict=True):
        if len(forms) == 1 and not forms[0].isdigit():
            form = forms[0]
            df[form] = df.get(form, 0) + count
            if count > spelling.get(form, (0, ""))[0]:
                spelling[form] = (count, token)
    by_key: dict[str, list] = defaultdict(list)
    for form, count in df.items():
        if count >= min_df and len(form) >= 2:
            by_key[name_key(form)].append([form, spelling[form][1], count])
    total = sum(12 + 6 * len(k) for ks in by_key.values() for k in ks)
    shards = shard_count(total, shard_kb * 2)
    grouped: dict[int, dict] = defaultdict(dict)
    for key, found in by_key.items():
        found.sort(key=lambda e: (-e[2], e[0]))
        grouped[shard_of(key, shards)][key] = found[:VOCAB_PER_SHARD]
    for number in range(shards):
        writer.write(f"v/{number}.json", grouped.get(number, {}))
    return shards


def export_filters(writer: Writer, archive: IndexedArchive) -> int:
    """Write documents per source and the first document of each day; return undated count."""
    per_source: dict[str, list[int]] = defaultdict(list)
    days: list[str] = []
    first: list[int] = []
    undated = 0
    for doc in archive.docs:
        if doc.source:
            per_source[doc.source].append(doc.number)
        if not doc.date:
            undated += 1
        elif not days or days[-1] != doc.day:
            days.append(doc.day)
            first.append(doc.number)
    names = sorted(per_source)
    writer.write("s.json", {"names": names, "docs": [gaps(per_source[n]) for n in names]})
    writer.write("d.json", {"days": days, "first": first})
    return undated


def export_search(
    archive: IndexedArchive,
    out_dir: Path | str,
    entities: list[dict] | None = None,
    head: int = DEFAULTS["SEARCH_HEAD_SIZE"],
    shard_kb: float = DEFAULTS["SEARCH_SHARD_KB"],
    cards_per_chunk: int = DEFAULTS["SEARCH_CARDS_PER_CHUNK"],
    snippet_chars: int = DEFAULTS["SEARCH_SNIPPET_CHARS"],
    vocab_min_df: int = DEFAULTS["SEARCH_VOCAB_MIN_DF"],
    record: Path | str | None = None,
) -> dict:
    """Write every static search file under out_dir and return the manifest; with record (a
    file outside out_dir), what was written is kept there so the next export skips faster."""
    writer = Writer(out_dir, record)
    try:
        with paused_gc():
            manifest = _export_search(
                archive, writer, entities, head, shard_kb, cards_per_chunk, snippet_chars,
                vocab_min_df,
            )  # fmt: skip
        writer.finish(DATA_DIRS)
    finally:
        writer.stop()
    return manifest


def _export_search(
    archive, writer, entities, head, shard_kb, cards_per_chunk, snippet_chars, vocab_min_df
) -> dict:
    stems, exacts = score_postings(archive)
    archive.terms.drop_counts()
    release_free_memory()  # the counts, once scored, and the scoring's arrays
    # A stem's hash picks both its dictionary shard and its position shard.
    stem_hash = np.array(fnv1a_all(archive.terms.terms), np.int64)
    manifest = {
        "version": FORMAT_VERSION,
        "docs": len(archive.docs),
        "head": head,
        "cardChunk": cards_per_chunk,
        "termShards": export_terms(writer, archive, stems, exacts, stem_hash, head, shard_kb),
    }
    del stems, exacts  # written: the positions' export is the next peak
    release_free_memory()
    manifest["posShards"] = export_positions(writer, archive, stem_hash, shard_kb)
    export_cards(writer, archive, cards_per_chunk, 0)
    export_texts(writer, archive)
    manifest["passageChars"] = snippet_chars
    name_shards, entity_shards = export_entities(writer, archive, entities or [], shard_kb)
    manifest["facetChunk"], manifest["facetShards"] = export_facets(
        writer, archive, entities or [], shard_kb
    )
    manifest.update(
        nameShards=name_shards,
        entityShards=entity_shards,
        vocabShards=export_vocabulary(writer, archive, shard_kb, vocab_min_df),
        undated=export_filters(writer, archive),
    )
    manifest["stamp"] = writer.digest.hexdigest()[:12]
    writer.write("manifest.json", manifest)
    return manifest
