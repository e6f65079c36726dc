"""Write the static search files the browser client reads (format: docs/search-format in report).

Layout under the search folder (all JSON, small files, fetched lazily):
- manifest.json   counts and shard numbers; the only file every query needs;
- t/<n>.json      dictionary shard: {term: [df, [doc, score, ...] best first (head), full-key?]},
                  exact forms under "=form" with score = stem score + exact bonus;
- p/<key>.json    full postings of a term longer than the head: [[doc gaps], [scores]];
- x/<n>.json      positions for phrases: {term: [[doc, pos, ...], ...]} (title, then body + gap);
- c/<n>.json      result cards, SEARCH_CARDS_PER_CHUNK per file, in document-number order;
- n/<n>.json      entity name completion by first two letters of a name word;
- e/<n>.json      documents of each entity: {id: [doc gaps]};
- v/<n>.json      vocabulary for "did you mean": [[exact form, spelling, df], ...];
- s.json, d.json  documents per source, first document of each day (for filters).
Documents are numbered in date order, so a date range is a number range.
"""

from __future__ import annotations

import hashlib
import json
import math
import shutil
from collections import Counter, defaultdict
from pathlib import Path

from newsarchive import analyzer
from newsarchive.dates import arabic_date
from newsarchive.search import DEFAULTS
from newsarchive.search.hashing import fnv1a, shard_of
from newsarchive.search.index import IndexedArchive
from newsarchive.search.scoring import K1, B, idf, quantize, stored_length
from newsarchive.search.terms import EXACT_MARK, TermCache

DATA_DIRS = ("t", "p", "x", "c", "n", "e", "v")
VOCAB_MIN_DF = DEFAULTS["SEARCH_VOCAB_MIN_DF"]
VOCAB_PER_SHARD = 3000
FORMAT_VERSION = 1


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
    """Write compact JSON files and keep a fingerprint of everything written."""

    def __init__(self, root: Path):
        self.root = root
        self.digest = hashlib.sha1()
        self.files = 0
        self.bytes = 0

    def write(self, relative: str, data) -> int:
        """Write data as JSON to root/relative and return its size."""
        # Sorted keys: the same archive gives the same bytes whatever the process's hash seed.
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        text = text.encode("utf-8")
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text)
        self.digest.update(relative.encode() + text)
        self.files += 1
        self.bytes += len(text)
        return len(text)


def field_stats(archive: IndexedArchive):
    """Per field: document frequencies, and each document's norm K1*((1-B)+B*len/avglen)."""
    n = len(archive.docs)
    stats = {}
    for name in ("title", "body", "entities", "exact"):
        df: Counter = Counter()
        lengths = []
        for terms in archive.terms:
            values = getattr(terms, name)
            df.update(values.keys())
            lengths.append(sum(values.values()))
        avg = (sum(lengths) / (n or 1)) or 1
        norms = [K1 * ((1 - B) + B * stored_length(length) / avg) for length in lengths]
        stats[name] = (df, norms)
    return stats


def score_postings(archive: IndexedArchive):
    """Quantised BM25F score of every (stem, doc) and (exact form, doc), as Whoosh ranks them."""
    n = len(archive.docs)
    stats = field_stats(archive)
    boost_t, boost_e = archive.title_boost, archive.entity_boost
    idfs = {name: {t: idf(n, d) for t, d in df.items()} for name, (df, _) in stats.items()}
    idf_t, idf_b, idf_e, idf_x = idfs["title"], idfs["body"], idfs["entities"], idfs["exact"]
    stems: dict[str, list[tuple[int, int]]] = defaultdict(list)
    exacts: dict[str, list[tuple[int, int]]] = defaultdict(list)
    exact_stem = archive.exact_stem
    k1p = K1 + 1
    for doc, terms in enumerate(archive.terms):
        title, body, ents = terms.title, terms.body, terms.entities
        norm_t, norm_b = stats["title"][1][doc], stats["body"][1][doc]
        norm_e, norm_x = stats["entities"][1][doc], stats["exact"][1][doc]
        doc_scores = {}
        for term in {*title, *body, *ents}:
            # Same operations, in the same order, as Whoosh's BM25F (see scoring), so
            # the floats (and so the rounding) equal Whoosh's: title + (body + entities).
            found = title.get(term)
            st = 0.0
            if found is not None:
                w = found * boost_t
                st = idf_t[term] * ((w * k1p) / (w + norm_t))
            found = body.get(term)
            sb = 0.0
            if found is not None:
                w = found * 1.0
                sb = idf_b[term] * ((w * k1p) / (w + norm_b))
            count = ents.get(term)
            se = 0.0
            if count is not None:
                w = count * boost_e
                se = idf_e[term] * ((w * k1p) / (w + norm_e))
            score = quantize(st + (sb + se))
            doc_scores[term] = score
            stems[term].append((doc, score))
        for form, count in terms.exact.items():
            w = count * 1.0
            bonus = quantize(idf_x[form] * ((w * k1p) / (w + norm_x)))
            exacts[form].append((doc, doc_scores.get(exact_stem[form], 0) + bonus))
    return stems, exacts


def head_entry(postings: list[tuple[int, int]], head: int, full_key: str | None) -> list:
    """[df, [doc, score, ...] best first, full-key?] for the dictionary."""
    best = postings if len(postings) < 2 else sorted(postings, key=lambda p: (-p[1], -p[0]))[:head]
    entry = [len(postings), [x for pair in best for x in pair]]
    if full_key:
        entry.append(full_key)
    return entry


def shard_count(total_bytes: int, target_kb: float) -> int:
    """How many shards keep each near the target size."""
    return max(1, math.ceil(total_bytes / (target_kb * 1024)))


def export_terms(writer: Writer, stems, exacts, exact_stem, head: int, shard_kb: float) -> int:
    """Write dictionary shards and long postings; return the number of dictionary shards."""
    used_keys: set[str] = set()
    entries: dict[str, list] = {}
    for key, postings in [*stems.items(), *((EXACT_MARK + f, p) for f, p in exacts.items())]:
        full_key = None
        if len(postings) > head:
            full_key = f"{fnv1a(key):08x}"
            while full_key in used_keys:
                full_key = f"{fnv1a(full_key + key):08x}"
            used_keys.add(full_key)
            ordered = sorted(postings)
            writer.write(
                f"p/{full_key}.json", [gaps([d for d, _ in ordered]), [s for _, s in ordered]]
            )
        entries[key] = head_entry(postings, head, full_key)
    total = sum(len(k) * 2 + 8 + 8 * min(e[0], head) for k, e in entries.items())
    shards = shard_count(total, shard_kb)
    grouped: dict[int, dict] = defaultdict(dict)
    for key, entry in entries.items():
        stem = exact_stem[key[1:]] if key.startswith(EXACT_MARK) else key
        grouped[shard_of(stem, shards)][key] = entry
    for number in range(shards):
        writer.write(f"t/{number}.json", grouped.get(number, {}))
    return shards


def export_positions(writer: Writer, archive: IndexedArchive, shard_kb: float) -> int:
    """Write the positions of every stem for phrase queries; return the number of shards."""
    positions: dict[str, list[list[int]]] = defaultdict(list)
    total = 0
    cache = archive.cache or TermCache()
    for doc, search_doc in enumerate(archive.docs):
        title, body = cache.positions(search_doc.title), cache.positions(search_doc.text)
        title_length = 1 + max((max(p) for p in title.values()), default=-1)
        offset = title_length + 1  # a gap: no phrase runs from the title into the body
        merged: dict[str, list[int]] = {t: list(p) for t, p in title.items()}
        for term, found in body.items():
            merged.setdefault(term, []).extend(p + offset for p in found)
        for term, found in merged.items():
            positions[term].append([doc, *found])
            total += 4 + 4 * len(found)
    shards = shard_count(total, shard_kb * 4)
    grouped: dict[int, dict] = defaultdict(dict)
    for term, lists in positions.items():
        grouped[shard_of(term, shards)][term] = lists
    for number in range(shards):
        writer.write(f"x/{number}.json", grouped.get(number, {}))
    return shards


def snippet(text: str, limit: int) -> str:
    """The start of the text, cut at a word boundary."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > limit // 2 else limit] + "…"


def export_cards(writer: Writer, archive: IndexedArchive, per_chunk: int, chars: int) -> None:
    """Write result cards: [id, url, title, ISO day, Arabic date, source, snippet]."""
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
                snippet(d.text, chars),
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


def export_vocabulary(
    writer: Writer, archive: IndexedArchive, shard_kb: float, min_df: int = VOCAB_MIN_DF
) -> int:
    """Write the archive's frequent words, by shard key, for spelling suggestions."""
    token_df: Counter = Counter()
    for terms in archive.terms:
        token_df.update(terms.tokens)
    df: Counter = Counter()
    spelling: dict[str, Counter] = defaultdict(Counter)
    for token, count in token_df.items():
        forms = analyzer.exact_forms(token)
        if len(forms) == 1 and not forms[0].isdigit():
            df[forms[0]] += count
            spelling[forms[0]][token] += count
    by_key: dict[str, list] = defaultdict(list)
    for form, count in df.items():
        if count >= min_df and len(form) >= 2:
            by_key[name_key(form)].append([form, spelling[form].most_common(1)[0][0], count])
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
) -> dict:
    """Write every static search file under out_dir and return the manifest."""
    out_dir = Path(out_dir)
    for name in DATA_DIRS:
        shutil.rmtree(out_dir / name, ignore_errors=True)
    writer = Writer(out_dir)
    stems, exacts = score_postings(archive)
    manifest = {
        "version": FORMAT_VERSION,
        "docs": len(archive.docs),
        "head": head,
        "cardChunk": cards_per_chunk,
        "termShards": export_terms(writer, stems, exacts, archive.exact_stem, head, shard_kb),
        "posShards": export_positions(writer, archive, shard_kb),
    }
    export_cards(writer, archive, cards_per_chunk, snippet_chars)
    name_shards, entity_shards = export_entities(writer, archive, entities or [], shard_kb)
    manifest.update(
        nameShards=name_shards,
        entityShards=entity_shards,
        vocabShards=export_vocabulary(writer, archive, shard_kb, vocab_min_df),
        undated=export_filters(writer, archive),
    )
    manifest["stamp"] = writer.digest.hexdigest()[:12]
    writer.write("manifest.json", manifest)
    return manifest
