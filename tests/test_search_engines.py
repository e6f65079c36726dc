"""Both search engines — the static files read by the theme's JS client, and the Whoosh index —
must rank the same articles first, on the fixture site and on real corpus articles."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from conftest import FIXTURE_CONTENT, shared_path

from newsarchive.build import build_site
from newsarchive.search.cli import run_search
from newsarchive.search.export import FORMAT_VERSION
from newsarchive.search.pipeline import build_search, default_index_dir

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js")

FIXTURE_QUERIES = [
    "الكاظمي",
    "العراق",
    "والعراق",
    "جدة",
    "ميناء جدة",
    "الرياض",
    "في",
    '"رئيس الوزراء"',
    '"الوزراء رئيس"',
    "داعش الإرهاب",
]

CORPUS_QUERIES = [
    "السعودية",
    "العراق",
    "في",
    "وزير الخارجية",
    "الملك سلمان",
    '"ولي العهد"',
    '"المملكة العربية السعودية"',
    "داعش",
    "الرياض في",
    "أسعار النفط",
    "والسعودية",
    "للمملكة",
    "الهلال النصر",
    "بمصر",  # read as مصر: the clitic-free stem is far more frequent
    "ومصر",
    "وزير",  # stays وزير: زير is rare
    "السعوديه",  # spelling variant (ه for ة)
    "المسئولين",  # spelling variant (hamza on ya for hamza on waw)
]
CORPUS_ARTICLES = 300


def both(query: str, output: Path, index: Path | None = None, limit: int | None = 10):
    """The static and Whoosh answers to a query."""
    static = run_search(query, output, "static", limit)
    whoosh = run_search(query, output, "whoosh", limit, index=index)
    return static, whoosh


@pytest.mark.parametrize("query", FIXTURE_QUERIES)
def test_fixture_site_engines_agree(built_site, query):
    static, whoosh = both(query, built_site)
    assert [r["id"] for r in static["results"]] == [r["id"] for r in whoosh["results"]]
    assert static["total"] == whoosh["total"]


def test_fixture_site_finds_the_seed_article_by_name_and_clitic_form(built_site):
    for query in ("الكاظمي", "والعراق", "بغداد"):
        found = run_search(query, built_site, "static")
        assert "000_98ca48b0d465946a" in [r["id"] for r in found["results"]], query


def test_phrase_must_be_consecutive(built_site):
    assert run_search('"رئيس الوزراء"', built_site, "static")["total"] >= 1
    assert run_search('"الوزراء رئيس"', built_site, "static")["total"] == 0


@pytest.fixture(scope="module")
def corpus_site(tmp_path_factory) -> Path:
    """Static search files and Whoosh index for the first few hundred sample articles."""
    path = shared_path("corpus", "saudinewsnet.sample3k.jsonl")
    records = []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            records.append(
                {
                    "id": row["id"],
                    "url": f"articles/{row['id']}/",
                    "title": row["title"] or "",
                    "text": row["body"],
                    "date": date.fromisoformat(row["date"][:10]) if row.get("date") else None,
                    "source": row.get("source_name") or "",
                }
            )
            if len(records) == CORPUS_ARTICLES:
                break
    output = tmp_path_factory.mktemp("corpus-site") / "output"
    build_search(records, output / "search", default_index_dir(output.parent / "cache"))
    return output


@pytest.mark.parametrize("query", CORPUS_QUERIES)
def test_corpus_engines_agree(corpus_site, query):
    static, whoosh = both(query, corpus_site)
    assert static["total"] == whoosh["total"]
    assert [r["id"] for r in static["results"]] == [r["id"] for r in whoosh["results"]]


def test_clitic_query_finds_the_bare_word(corpus_site):
    with_clitic = run_search("بمصر", corpus_site, "static", limit=None)
    bare = run_search("مصر", corpus_site, "static", limit=None)
    assert with_clitic["total"] == bare["total"] > 5


@pytest.mark.parametrize("engine", ["static", "whoosh"])
def test_either_seat_of_the_hamza_finds_both_spellings(corpus_site, engine):
    # مسؤول and مسئول are one word, spelled as each outlet spells it.
    found = {q: run_search(q, corpus_site, engine, limit=None) for q in ("مسؤول", "مسئول")}
    ids = {q: [r["id"] for r in answer["results"]] for q, answer in found.items()}
    assert ids["مسؤول"] == ids["مسئول"]
    assert len(ids["مسؤول"]) > 30
    assert "snn-700a09fbf173" in ids["مسؤول"]  # spelled مسئول, مسئولون, مسئولة only


@pytest.mark.parametrize("engine", ["static", "whoosh"])
def test_either_spelling_of_hundred_finds_both(corpus_site, engine):
    # مئة and its older spelling مائة: per cent is في المئة in some outlets, في المائة in others.
    found = {q: run_search(q, corpus_site, engine, limit=None) for q in ("مئة", "مائة")}
    ids = {q: {r["id"] for r in answer["results"]} for q, answer in found.items()}
    assert ids["مئة"] == ids["مائة"]  # ranked apart: the query's own spelling comes first
    assert len(ids["مئة"]) > 25
    assert "snn-f256d4c9d835" in ids["مئة"]  # spelled المائة only
    assert "snn-e94cbf62aa94" in ids["مائة"]  # spelled بالمئة only


def test_corpus_engines_agree_beyond_the_first_page(corpus_site):
    static, whoosh = both("في", corpus_site, limit=None)
    assert static["total"] > 100  # past the best-first head kept in the dictionary shard
    assert [r["id"] for r in static["results"]] == [r["id"] for r in whoosh["results"]]


def test_the_whoosh_index_is_kept_in_the_builds_cache_folder(tmp_path):
    cache = tmp_path / "elsewhere" / "cache"
    build_site(FIXTURE_CONTENT, tmp_path / "site", CACHE_PATH=str(cache))
    assert (cache / "search-index").is_dir()
    assert not (tmp_path / "cache").exists()
    found = run_search("العراق", tmp_path / "site", "whoosh", cache=cache)
    assert found["total"] > 0


def test_plugin_writes_the_page_the_files_and_the_whoosh_index(built_site, theme_files):
    page = (built_site / "search" / "index.html").read_text(encoding="utf-8")
    assert 'role="combobox"' in page and 'aria-live="polite"' in page
    assert f"{theme_files.relative_to(built_site)}/js/search/page.js" in page
    assert "<script>" not in page  # only external module scripts (the CSP forbids inline ones)
    assert "صحيفة عكاظ" in page  # source filter choices come from the articles
    assert (built_site / "search" / "manifest.json").is_file()
    engine = (theme_files / "js" / "search" / "engine.js").read_text(encoding="utf-8")
    # The client refuses search files of another version than the export writes.
    assert f"export const FORMAT_VERSION = {FORMAT_VERSION};" in engine
    manifest = json.loads((built_site / "search" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["version"] == FORMAT_VERSION
    assert (built_site.parent / "cache" / "search-index").is_dir()
