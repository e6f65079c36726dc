"""The `invoke search` command: one query on a built site, with either engine."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from newsarchive.search.pipeline import default_index_dir
from newsarchive.search.query import whoosh_search

REPO = Path(__file__).resolve().parents[2]
NODE_CLI = REPO / "tools" / "search-cli.mjs"


def static_search(query: str, output: Path | str, limit: int | None) -> dict:
    """Run the theme's JavaScript client under Node: {results, total, bytes}."""
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("the static engine needs Node.js (node) on the PATH")
    command = [node, str(NODE_CLI), query, "--dir", str(output), "--json"]
    command += ["--all"] if limit is None else ["--limit", str(limit)]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def whoosh_results(query: str, index_dir: Path | str, limit: int | None) -> dict:
    """Run the query on the Whoosh index: {results, total, bytes: None}."""
    ranked = whoosh_search(index_dir, query)
    shown = ranked if limit is None else ranked[:limit]
    results = [{"id": r.id, "url": r.url, "title": r.title} for r in shown]
    return {"results": results, "total": len(ranked), "bytes": None}


def run_search(
    query: str,
    output: Path | str = "output",
    engine: str = "static",
    limit: int | None = 10,
    index: Path | str | None = None,
    cache: Path | str | None = None,
) -> dict:
    """One query on the built site in output with the named engine ("static" or "whoosh"); the
    Whoosh index is the one in cache (default: the cache folder beside the output)."""
    if engine == "static":
        return static_search(query, output, limit)
    if engine == "whoosh":
        cache = cache or Path(output).resolve().parent / "cache"
        return whoosh_results(query, index or default_index_dir(cache), limit)
    raise ValueError(f"unknown engine {engine!r}: use static or whoosh")


def format_results(found: dict) -> str:
    """Human-readable lines for a search result."""
    lines = [f"{found['total']} results" + (f", {found['bytes']} bytes" if found["bytes"] else "")]
    lines += [f"{r['id']}  {r['title']}" for r in found["results"]]
    return "\n".join(lines)
