"""The search index and its static files, on small hand-written Arabic articles."""

from __future__ import annotations

import itertools
import json
import os
import shutil
from datetime import date
from pathlib import Path

import pytest

from newsarchive.search import export
from newsarchive.search.cli import run_search
from newsarchive.search.export import Writer, pack
from newsarchive.search.hashing import fnv1a
from newsarchive.search.index import CHUNKS, open_index
from newsarchive.search.pipeline import build_search, default_index_dir
from newsarchive.search.query import parse_query, whoosh_search

needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js")

ARTICLES = [
    ("clitics", "أخبار من المنطقة", "والعراق والعراق والعراق في نشرة اليوم وللعراق حضور", 1),
    ("exact", "تقرير اقتصادي", "زار الوفد العراق أمس وبحث التجارة في الخليج", 2),
    ("riyadh", "أمطار على الرياض", "هطلت أمطار غزيرة على مدينة الرياض في المساء", 3),
    ("crown", "ولي العهد يستقبل الوفد", "استقبل ولي العهد وفدا رسميا في جدة", 4),
    ("reverse", "العهد الجديد", "قال الولي إن العهد باق في المدينة", 5),
    ("undated", "نشرة بلا تاريخ", "خبر عن العراق بلا تاريخ", None),
]
SOURCES = {"clitics": "صحيفة الرياض", "exact": "صحيفة عكاظ", "riyadh": "صحيفة الرياض"}


def records(extra: int = 0) -> list[dict]:
    """Plain records for build_search; extra adds filler articles that mention في."""
    out = [
        {
            "id": slug,
            "url": f"articles/{slug}/",
            "title": title,
            "text": text,
            "date": date(2015, 7, day) if day else None,
            "source": SOURCES.get(slug, "وكالة الأنباء"),
            "entities": [{"name": "ولي العهد", "type": "PER"}] if slug == "crown" else [],
        }
        for slug, title, text, day in ARTICLES
    ]
    for n in range(extra):
        out.append(
            {
                "id": f"filler-{n:04d}",
                "url": f"articles/filler-{n:04d}/",
                "title": f"خبر رقم {n}",
                "text": f"نص قصير في الخبر رقم {n} عن الطقس في المدن",
                "date": date(2015, 8, 1 + n % 28),
                "source": "وكالة الأنباء",
            }
        )
    return out


ENTITIES = [
    {
        "id": "per-crown",
        "name": "ولي العهد",
        "type": "PER",
        "url": "entities/per-crown/",
        "aliases": [],
        "article_count": 1,
        "article_slugs": ["crown"],
    },
    {
        "id": "loc-iraq",
        "name": "العراق",
        "type": "LOC",
        "url": "entities/loc-iraq/",
        "aliases": ["بلاد الرافدين"],
        "article_count": 3,
        "article_slugs": ["clitics", "exact", "undated"],
    },
]


def build(tmp_path: Path, extra: int = 0, **options) -> Path:
    output = tmp_path / "output"
    index = default_index_dir(output.parent / "cache")
    build_search(records(extra), output / "search", index, ENTITIES, options)
    return output


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("small"))


def read(site: Path, relative: str):
    return json.loads((site / "search" / relative).read_text(encoding="utf-8"))


def test_documents_are_numbered_in_date_order_undated_first(site):
    manifest = read(site, "manifest.json")
    assert manifest["docs"] == len(ARTICLES)
    assert manifest["undated"] == 1
    cards = read(site, "c/0.json")  # 6 articles: one chunk of up to 8 cards
    assert [c[0] for c in cards] == ["undated", "clitics", "exact", "riyadh", "crown", "reverse"]
    assert cards[1][4] == "1 يوليو 2015"  # Arabic date shown on the card


@needs_node
@pytest.mark.parametrize("engine", ["static", "whoosh"])
def test_exact_form_ranks_above_clitic_forms(site, engine):
    found = run_search("العراق", site, engine)
    ids = [r["id"] for r in found["results"]]
    assert set(ids) == {"clitics", "exact", "undated"}
    # "exact" and "undated" contain العراق itself; "clitics" only والعراق/وللعراق, though often
    assert ids[-1] == "clitics"


@needs_node
@pytest.mark.parametrize("engine", ["static", "whoosh"])
@pytest.mark.parametrize(
    ("query", "expected"),
    [('"ولي العهد"', {"crown"}), ("ولي العهد", {"crown", "reverse"}), ('"العهد ولي"', set())],
)
def test_phrases_need_consecutive_words(site, engine, query, expected):
    assert {r["id"] for r in run_search(query, site, engine)["results"]} == expected


def test_parse_query_words_and_phrases():
    parsed = parse_query('الملك "ولي العهد" والعراق «مجلس الوزراء')
    assert [u.exact for u in parsed.units] == [
        "الملك",
        "ولي",
        "العهد",
        "والعراق",
        "مجلس",
        "الوزراء",
    ]
    assert parsed.phrases == [["ولي", "عهد"]]


def test_shard_hash_matches_the_javascript_twin():
    # Values fixed in tests/js/search.test.js too: both sides must shard keys identically.
    assert fnv1a("") == 0x811C9DC5
    assert fnv1a("عراق") == 2421733675
    assert fnv1a("=العراق") == 1026577146


def test_first_query_files_do_not_grow_with_the_archive(tmp_path):
    small = build(tmp_path / "a", extra=20, SEARCH_HEAD_SIZE=10)
    large = build(tmp_path / "b", extra=400, SEARCH_HEAD_SIZE=10)
    for output in (small, large):
        manifest_size = (output / "search" / "manifest.json").stat().st_size
        assert manifest_size < 1024
        for shard in (output / "search" / "t").iterdir():
            for term, entry in json.loads(shard.read_text(encoding="utf-8")).items():
                assert len(entry[1]) <= 2 * 10, term  # heads are capped, best first
                assert (len(entry) == 4) == (entry[0] > 10)  # longer lists live in p/
    common = read(large, f"t/{fnv1a('في') % read(large, 'manifest.json')['termShards']}.json")
    assert common["في"][0] > 400


def test_long_postings_are_packed_a_few_to_a_file_each_whole(tmp_path):
    output = build(tmp_path, extra=400, SEARCH_HEAD_SIZE=10, SEARCH_SHARD_KB=8)
    long = {}
    for shard in (output / "search" / "t").iterdir():
        for term, entry in json.loads(shard.read_text(encoding="utf-8")).items():
            if len(entry) == 4:
                long[term] = entry
    files = {entry[2] for entry in long.values()}
    assert len(long) > 10 and len(files) < len(long) / 2
    for term, (df, head, file, place) in long.items():
        gaps, scores = read(output, f"p/{file}.json")[place]
        docs = list(itertools.accumulate(gaps))
        assert len(docs) == len(set(docs)) == len(scores) == df, term
        full = dict(zip(docs, scores, strict=True))
        pairs = zip(head[::2], head[1::2], strict=True)
        assert all(full[doc] == score for doc, score in pairs), term
    for path in (output / "search" / "p").iterdir():
        lists = json.loads(path.read_text(encoding="utf-8"))
        assert len(lists) == 1 or path.stat().st_size < 2 * 8 * 1024 * 1.2, path.name


@pytest.mark.parametrize(
    ("sizes", "files"),
    [
        ([], []),
        ([5, 5, 5], [0, 0, 1]),  # up to 10 bytes a file
        ([30, 2, 2], [0, 1, 1]),  # a long list alone, the next ones in a new file
        ([2, 30, 2], [0, 1, 2]),
        ([10, 10], [0, 1]),
    ],
)
def test_packing_fills_files_in_order_up_to_the_target(sizes, files):
    assert pack(sizes, 10) == files


def test_completion_and_entity_files(site):
    manifest = read(site, "manifest.json")
    shard = read(site, f"n/{fnv1a('عر') % manifest['nameShards']}.json")
    assert [e[0] for e in shard["عر"]] == ["loc-iraq"]
    entity_docs = read(site, f"e/{fnv1a('loc-iraq') % manifest['entityShards']}.json")
    assert entity_docs["loc-iraq"] == [0, 1, 1]  # gaps of 0, 1, 2


def test_whoosh_index_sits_beside_the_output(site):
    assert (site.parent / "cache" / "search-index").is_dir()


@pytest.fixture(scope="module")
def one_and_many_segments(tmp_path_factory) -> list[Path]:
    """The same 1006 articles indexed as one segment, and as chunks of about 100 articles
    written by two processes."""
    folder = tmp_path_factory.mktemp("segments")
    one = build(folder / "one", extra=1000, SEARCH_INDEX_PROCS=1, SEARCH_INDEX_BATCH=100_000)
    many = build(folder / "many", extra=1000, SEARCH_INDEX_PROCS=2, SEARCH_INDEX_BATCH=100)
    return [one, many]


@pytest.mark.parametrize("query", ["العراق", "في الخبر", '"ولي العهد"', '"الخبر رقم"'])
def test_index_written_in_chunks_ranks_as_one_segment(one_and_many_segments, query):
    one, many = (default_index_dir(output.parent / "cache") for output in one_and_many_segments)
    assert len(open_index(one)._segments()) == 1
    assert len(open_index(many)._segments()) > 5
    ranked = [[(r.id, r.score, r.exact) for r in whoosh_search(ix, query)] for ix in (one, many)]
    assert ranked[0], query
    assert ranked[0] == ranked[1]


def test_rebuild_indexes_only_the_chunks_whose_articles_changed(tmp_path):
    output, index_dir = tmp_path / "output", tmp_path / "index"
    options = {"SEARCH_INDEX_PROCS": 1, "SEARCH_INDEX_BATCH": 10}
    first = build_search(records(100), output / "first", index_dir, ENTITIES, options)
    assert first["chunks"]["kept"] == 0 and first["chunks"]["indexed"] > 5
    edited = records(100)
    changed = next(r for r in edited if r["id"] == "filler-0050")
    changed["text"] += " وفي الرياض أمطار"
    edited.append({**changed, "id": "newest", "date": date(2015, 9, 1)})
    again = build_search(edited, output / "again", index_dir, ENTITIES, options)
    # The edited article's chunk, and the last chunk, which gains the newest article.
    assert again["chunks"]["indexed"] <= 2
    assert again["chunks"]["kept"] >= first["chunks"]["indexed"] - 2
    fresh = build_search(edited, output / "fresh", tmp_path / "fresh-index", ENTITIES, options)
    assert fresh["chunks"]["kept"] == 0
    files = sorted(p.relative_to(output / "fresh") for p in (output / "fresh").rglob("*"))
    assert files == sorted(p.relative_to(output / "again") for p in (output / "again").rglob("*"))
    for name in files:
        if (output / "fresh" / name).is_file():
            assert (output / "fresh" / name).read_bytes() == (output / "again" / name).read_bytes()
    query = "الرياض"
    assert [r.id for r in whoosh_search(index_dir, query)] == [
        r.id for r in whoosh_search(tmp_path / "fresh-index", query)
    ]
    assert "filler-0050" in [r.id for r in whoosh_search(index_dir, query)]


@pytest.mark.parametrize("recorded", [False, True])
def test_export_over_the_previous_one_replaces_only_the_files_that_change(tmp_path, recorded):
    """An export into the folder of the previous one, whose files are hard-linked into a live
    site, gives the files of a fresh export: unchanged files keep their inode, a changed file
    is a new file (the live site's link still reads the old bytes), and stale files go; with
    or without a record of the previous export's files."""
    options = {"SEARCH_INDEX_PROCS": 1}
    folder, live = tmp_path / "search", tmp_path / "live"
    record = tmp_path / "digests.pickle" if recorded else None
    build_search(records(40), folder, tmp_path / "index", ENTITIES, options, record=record)
    before = {p.relative_to(folder): p for p in folder.rglob("*") if p.is_file()}
    for name, path in before.items():
        (live / name).parent.mkdir(parents=True, exist_ok=True)
        os.link(path, live / name)
    old_bytes = {name: path.read_bytes() for name, path in before.items()}
    inodes = {name: path.stat().st_ino for name, path in before.items()}
    (folder / "t" / "stale.json").write_text("[]")  # a killed or older export's file
    fewer = records(3)
    build_search(fewer, folder, tmp_path / "index", ENTITIES, options, record=record)
    fresh = tmp_path / "fresh"
    build_search(fewer, fresh, tmp_path / "fresh-index", ENTITIES, options)
    after = {p.relative_to(folder): p for p in folder.rglob("*") if p.is_file()}
    assert sorted(after) == sorted(p.relative_to(fresh) for p in fresh.rglob("*") if p.is_file())
    for name, path in after.items():
        assert path.read_bytes() == (fresh / name).read_bytes(), name
    kept = [n for n in after if n in inodes and after[n].stat().st_ino == inodes[n]]
    replaced = [n for n in after if n in inodes and after[n].stat().st_ino != inodes[n]]
    assert kept and replaced and len(after) < len(before)
    for name in kept:
        assert after[name].read_bytes() == old_bytes[name]
    for name in before:
        assert (live / name).read_bytes() == old_bytes[name], name  # never written in place


def test_export_with_a_record_puts_only_the_files_it_cannot_vouch_for(tmp_path, monkeypatch):
    """With a record of the last export's files, an export neither opens nor writes a file
    whose bytes and inode are those recorded; a file replaced or deleted since is put again."""
    options = {"SEARCH_INDEX_PROCS": 1}
    folder, record = tmp_path / "search", tmp_path / "digests.pickle"
    build_search(records(40), folder, tmp_path / "index", ENTITIES, options, record=record)
    assert record.exists()
    replaced, deleted = sorted((folder / "t").glob("*.json"))[:2]
    good = replaced.read_bytes()
    (tmp_path / "other").write_text("[]")
    os.replace(tmp_path / "other", replaced)  # a new file: its inode is not the recorded one
    deleted.unlink()
    put = []
    send = export.Writer._send

    def sending(writer):
        put.extend(relative for relative, *_ in writer._batch)
        send(writer)

    monkeypatch.setattr(export.Writer, "_send", sending)
    build_search(records(40), folder, tmp_path / "index", ENTITIES, options, record=record)
    assert sorted(put) == sorted(str(p.relative_to(folder)) for p in (replaced, deleted))
    assert replaced.read_bytes() == good and deleted.exists()
    Writer(folder, record)
    assert not record.exists()  # taken while an export runs: a killed one leaves none


def test_export_that_cannot_write_its_files_says_where_and_why(tmp_path):
    folder = tmp_path / "search"
    folder.mkdir()
    (folder / "t").write_text("a file where the dictionary's folder goes")
    with pytest.raises(
        RuntimeError, match=r"files under .*search failed: t/\d+\.json: .*File exists"
    ):
        build_search(records(5), folder, tmp_path / "index", ENTITIES, {"SEARCH_INDEX_PROCS": 1})


def test_chunk_whose_stored_terms_are_lost_is_indexed_again(tmp_path):
    options = {"SEARCH_INDEX_PROCS": 1, "SEARCH_INDEX_BATCH": 10}
    index_dir = tmp_path / "index"
    first = build_search(records(60), tmp_path / "first", index_dir, ENTITIES, options)
    stored = sorted((index_dir / CHUNKS / "terms").glob("*.pickle"))
    assert len(stored) == first["chunks"]["indexed"] > 3
    stored[0].unlink()
    again = build_search(records(60), tmp_path / "again", index_dir, ENTITIES, options)
    assert again["chunks"] == {"indexed": 1, "kept": len(stored) - 1}
    assert again["stamp"] == first["stamp"]  # the digest of every file written


def test_article_texts_and_facet_files(site):
    manifest = read(site, "manifest.json")
    cards = read(site, "c/0.json")
    number = [c[0] for c in cards].index("clitics")
    assert read(site, f"a/{number}.json") == "والعراق والعراق والعراق في نشرة اليوم وللعراق حضور"
    # Facets: entity codes per document (number * 4 + type); العراق (3 articles) is number 0.
    per_doc = read(site, "f/0.json")
    assert manifest["facetChunk"] >= len(per_doc)
    iraq_docs = [doc for doc, codes in enumerate(per_doc) if 0 * 4 + 1 in codes]
    assert sorted(cards[d][0] for d in iraq_docs) == ["clitics", "exact", "undated"]
    meta = read(site, f"m/{0 % manifest['facetShards']}.json")["0"]
    assert meta[:3] == ["loc-iraq", "العراق", "LOC"] and meta[4] == 3


@pytest.mark.parametrize("split", ["processes", "batches"])
def test_indexing_in_parts_gives_the_same_files(tmp_path, monkeypatch, split):
    # Each process, and each batch, analyses its part of the archive; the export merges them.
    from newsarchive.search import index as index_module

    monkeypatch.setattr(index_module, "MIN_DOCS_PER_PROCESS", 2)
    one = build(tmp_path / "one", extra=30, SEARCH_INDEX_PROCS=1)
    parts = {"SEARCH_INDEX_PROCS": 2} if split == "processes" else {"SEARCH_INDEX_BATCH": 7}
    two = build(tmp_path / "two", extra=30, **{"SEARCH_INDEX_PROCS": 1, **parts})
    if split == "batches":
        assert (
            len(open_index(default_index_dir(two.parent / "cache"))._segments()) > 2
        )  # 36 articles, ~7 a chunk
    files = sorted(p.relative_to(one) for p in one.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(two) for p in two.rglob("*") if p.is_file())
    for name in files:
        assert (one / name).read_bytes() == (two / name).read_bytes(), name
    for query in ["العراق", "في", '"ولي العهد"']:
        assert run_search(query, one, "whoosh", None) == run_search(query, two, "whoosh", None)
