"""Index and export in one call: what the Pelican plugin, the tasks and the bench run."""

from __future__ import annotations

import time
from pathlib import Path

from newsarchive.memory import map_large_blocks
from newsarchive.search import DEFAULTS
from newsarchive.search.documents import number_documents
from newsarchive.search.export import export_search
from newsarchive.search.index import build_index


def build_search(
    records: list[dict],
    search_dir: Path | str,
    index_dir: Path | str,
    entities: list[dict] | None = None,
    options: dict | None = None,
    record: Path | str | None = None,
) -> dict:
    """Build the Whoosh index and the static files from plain records; return the manifest.

    A record: {id, url, title, text, date, source, entities: [{name, ...}]}; options are
    SEARCH_* settings (see newsarchive.search.DEFAULTS); record: where the export keeps its
    files' digests for the next one (see export.Writer).
    """
    opts = {**DEFAULTS, **(options or {})}
    map_large_blocks()  # the analysis and export work in large numpy arrays
    started = time.perf_counter()
    docs = number_documents(records)
    archive = build_index(
        docs,
        index_dir,
        title_boost=opts["SEARCH_TITLE_BOOST"],
        entity_boost=opts["SEARCH_ENTITY_BOOST"],
        procs=opts["SEARCH_INDEX_PROCS"],
        batch=opts["SEARCH_INDEX_BATCH"],
    )
    indexed = time.perf_counter()
    manifest = export_search(
        archive,
        search_dir,
        entities,
        head=opts["SEARCH_HEAD_SIZE"],
        shard_kb=opts["SEARCH_SHARD_KB"],
        cards_per_chunk=opts["SEARCH_CARDS_PER_CHUNK"],
        snippet_chars=opts["SEARCH_SNIPPET_CHARS"],
        vocab_min_df=opts["SEARCH_VOCAB_MIN_DF"],
        record=record,
    )
    exported = time.perf_counter()
    archive.finish()  # the segments, written beside the export
    manifest["timings"] = {
        "index_s": round(indexed - started + time.perf_counter() - exported, 3),
        "export_s": round(exported - indexed, 3),
    }
    manifest["chunks"] = archive.chunks
    return manifest


def default_index_dir(cache_path: Path | str) -> Path:
    """Where the Whoosh index lives when SEARCH_INDEX_PATH is unset: in the build's cache."""
    return Path(cache_path).resolve() / "search-index"
