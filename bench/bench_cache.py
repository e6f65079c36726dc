"""Measure what the build's caches hold across upgrades: a cold build of N corpus articles, then
builds that each stand for an upgrade of the reader and of the model (a new
`RAW_READER_MAX_BYTES` and `ENTITIES_MAX_CHARS`, which are in those caches' keys as the code and
the model are), then a rebuild with nothing changed, rendered page by page.

    python bench/bench_cache.py --size 10000 [--upgrades 2] [--corpus PATH] [--work DIR]

For each build it prints the wall time, the reading and tagging stages from the build's timing
log, and the size of the reader's cache (`cache/articles`) and the tag cache
(`cache/entities`). The last line is all of it as JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from bench_build import CORPUS, folder_mb, prepare

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from newsarchive.build import build_site  # noqa: E402
from newsarchive.entities.settings import DEFAULTS as ENTITIES  # noqa: E402
from newsarchive.textfile import DEFAULT_MAX_BYTES  # noqa: E402

MAX_CHARS = ENTITIES["ENTITIES_MAX_CHARS"]


def builds(upgrades: int) -> list[tuple[str, dict]]:
    """The builds to run, by label, with their setting overrides."""
    steps = [("cold", {})]
    for n in range(1, upgrades + 1):
        steps.append(
            (
                f"upgrade {n}",
                {
                    "RAW_READER_MAX_BYTES": DEFAULT_MAX_BYTES + n,
                    "ENTITIES_MAX_CHARS": MAX_CHARS + n,
                },
            )
        )
    last = steps[-1][1]
    steps.append(("nothing changed, page by page", {**last, "INCREMENTAL_SKIP_UNCHANGED": False}))
    return steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--upgrades", type=int, default=2)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--work", type=Path, help="keep the site and caches here")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-cache-"))
    work.mkdir(parents=True, exist_ok=True)
    content, _, _ = prepare(args.corpus, args.size, work, 0)
    output, cache = work / "out", work / "cache"
    rows = []
    for label, overrides in builds(args.upgrades):
        started = time.perf_counter()
        build_site(content, output, CACHE_PATH=str(cache), **overrides)
        stages = json.loads((cache / "build-timing.json").read_text("utf-8"))["stages"]
        row = {
            "build": label,
            "seconds": round(time.perf_counter() - started, 1),
            "reading": stages.get("reading"),
            "tagging": stages.get("tagging"),
            "articles_mb": round(folder_mb(cache / "articles"), 1),
            "entities_mb": round(folder_mb(cache / "entities"), 1),
        }
        rows.append(row)
        print(" | ".join(f"{k} {v}" for k, v in row.items()), flush=True)
    print(json.dumps({"size": args.size, "builds": rows}))


if __name__ == "__main__":
    main()
