"""Pelican adapter for search: index the articles once every generator is done, export the
static search files, and give the search page its filter choices. The work is in
newsarchive.search."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from pelican import signals
from pelican.generators import ArticlesGenerator

from newsarchive import timing
from newsarchive.fingerprint import code_digest
from newsarchive.jsoncache import digest_all
from newsarchive.search import DEFAULTS
from newsarchive.search.pipeline import build_search, default_index_dir
from newsarchive.stagecache import link_tree, reuse_or_make

log = logging.getLogger(__name__)
NEWSARCHIVE = Path(__file__).resolve().parents[2] / "newsarchive"
CODE = code_digest([NEWSARCHIVE], suffixes=(".py",))


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
    """Build the Whoosh index and the static files; publish sources and dates to templates."""
    articles_generator = next((g for g in generators if isinstance(g, ArticlesGenerator)), None)
    if articles_generator is None:
        return
    settings = articles_generator.settings
    context = articles_generator.context
    records = [article_record(a) for a in articles_generator.articles]
    output = Path(settings["OUTPUT_PATH"])
    index_dir = setting(settings, "SEARCH_INDEX_PATH") or default_index_dir(output)
    options = {name: setting(settings, name) for name in DEFAULTS}
    entities = context.get("entities")
    # Unchanged articles, entities, options and code: the previous index and files still hold.
    parts = [CODE, *records, entities, options]
    inputs = (json.dumps(p, default=str, sort_keys=True, ensure_ascii=False) for p in parts)
    files, manifest, reused = reuse_or_make(
        Path(settings["CACHE_PATH"]) / "search-export",
        digest_all(inputs),
        lambda folder: build_search(records, folder, index_dir, entities=entities, options=options),
    )
    link_tree(files, output / setting(settings, "SEARCH_OUTPUT_DIR"))
    if reused:
        log.info("search: %d articles unchanged; index and files kept", manifest["docs"])
    else:
        log.info("search: %d articles indexed in %s", manifest["docs"], manifest["timings"])
        timing.add("indexing", manifest["timings"]["index_s"])
        timing.add("export", manifest["timings"]["export_s"])
    days = sorted(r["date"].strftime("%Y-%m-%d") for r in records if r["date"])
    context["search_sources"] = sorted({r["source"] for r in records if r["source"]})
    context["search_first_day"] = days[0] if days else ""
    context["search_last_day"] = days[-1] if days else ""


def register():
    """Connect the plugin to Pelican's signals."""
    signals.all_generators_finalized.connect(index_articles)
