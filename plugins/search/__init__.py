"""Pelican adapter for search: index the articles once every generator is done, export the
static search files, and give the search page its filter choices. The work is in
newsarchive.search."""

from __future__ import annotations

import json
import logging
import time
from functools import partial
from pathlib import Path

from pelican import signals
from pelican.generators import ArticlesGenerator

from newsarchive import timing
from newsarchive.background import Background
from newsarchive.fingerprint import code_digest
from newsarchive.jsoncache import digest_all
from newsarchive.search import DEFAULTS, HOW_OPTIONS
from newsarchive.search.pipeline import build_search, default_index_dir
from newsarchive.stagecache import link_tree, reuse_or_make

log = logging.getLogger(__name__)
NEWSARCHIVE = Path(__file__).resolve().parents[2] / "newsarchive"
CODE = code_digest([NEWSARCHIVE], suffixes=(".py",))
PENDING: list[Background] = []  # search stages running beside the rendering


def setting(settings: dict, name: str):
    """A setting of this plugin, or its default."""
    return settings.get(name, DEFAULTS[name])


def article_record(article) -> dict:
    """The plain record search needs from a Pelican article."""
    metadata = article.metadata
    entities = getattr(article, "entities", None) or {}
    return {
        "id": article.slug,
        "url": article.url,
        "title": article.title,
        "text": metadata.get("plaintext") or "",
        "date": None if metadata.get("undated") else article.date,
        "source": getattr(article, "source", None) or metadata.get("source") or "",
        "entities": [e for kind in entities.values() for e in kind],
    }


def index_articles(generators) -> None:
    """Build the Whoosh index and the static files (in a forked process while pages render,
    with SEARCH_IN_BACKGROUND); publish sources and dates to templates."""
    articles_generator = next((g for g in generators if isinstance(g, ArticlesGenerator)), None)
    if articles_generator is None:
        return
    PENDING.clear()  # a failed build's stage: its output folder is not this build's
    settings = articles_generator.settings
    context = articles_generator.context
    records = [article_record(a) for a in articles_generator.articles]
    days = sorted(r["date"].strftime("%Y-%m-%d") for r in records if r["date"])
    context["search_sources"] = sorted({r["source"] for r in records if r["source"]})
    context["search_first_day"] = days[0] if days else ""
    context["search_last_day"] = days[-1] if days else ""
    options = {name: setting(settings, name) for name in DEFAULTS}
    if options["SEARCH_IN_BACKGROUND"]:
        options["SEARCH_INDEX_PROCS"] = 1  # the build's own process renders on the other core
    stage = partial(search_stage, records, context.get("entities"), options, settings)
    if options["SEARCH_IN_BACKGROUND"]:
        PENDING.append(Background("search", stage))
    else:
        report(stage())


def search_stage(records: list[dict], entities, options: dict, settings: dict) -> dict:
    """Build or reuse the index and the static files, and link the files into the output."""
    output = Path(settings["OUTPUT_PATH"])
    index_dir = setting(settings, "SEARCH_INDEX_PATH") or default_index_dir(settings["CACHE_PATH"])
    # Unchanged articles, entities, options and code: the previous index and files still hold.
    # The options that only say how the files are built are left out.
    shaping = {k: v for k, v in options.items() if k not in HOW_OPTIONS}
    parts = [CODE, *records, entities, shaping]
    inputs = (json.dumps(p, default=str, sort_keys=True, ensure_ascii=False) for p in parts)
    stage = Path(settings["CACHE_PATH"]) / "search-export"
    files, manifest, reused = reuse_or_make(
        stage,
        digest_all(inputs),
        lambda folder: build_search(
            records, folder, index_dir, entities, options, record=stage / "file-digests.pickle"
        ),
    )
    link_tree(files, output / options["SEARCH_OUTPUT_DIR"])
    return {
        "docs": manifest["docs"],
        "timings": manifest.get("timings"),
        "chunks": manifest.get("chunks"),
        "reused": reused,
    }


def report(result: dict, overlapped: bool = False) -> None:
    """Log what the search stage did and time it."""
    if result["reused"]:
        log.info("search: %d articles unchanged; index and files kept", result["docs"])
        return
    chunks = result["chunks"]
    log.info(
        "search: %d articles, %d chunks indexed and %d kept, in %s",
        result["docs"],
        chunks["indexed"],
        chunks["kept"],
        result["timings"],
    )
    timing.add("indexing", result["timings"]["index_s"], overlapped)
    timing.add("export", result["timings"]["export_s"], overlapped)


def collect(pelican) -> None:
    """Wait for the search stage running beside the rendering, once every page is written and
    the plugins before this one in PLUGINS have finished (the sitemap): the stage is what a
    rebuild waits for."""
    while PENDING:
        started = time.perf_counter()
        result = PENDING.pop().result()
        timing.add("search wait", time.perf_counter() - started)
        report(result, overlapped=True)


def register():
    """Connect the plugin to Pelican's signals."""
    signals.all_generators_finalized.connect(index_articles)
    signals.finalized.connect(collect)
