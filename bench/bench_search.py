"""Benchmark the archive's search against Pagefind on the same built pages.

    python bench/bench_search.py --articles 2000            # import, build, index, compare
    python bench/bench_search.py --articles 10000 --work /tmp/bench10k --reuse

Needs ../shared (the corpus), Node.js, Debian chromium with python playwright, and for the
comparison `pip install 'pagefind[extended]'` (a bench requirement, not a project dependency).
Prints, in one run:
- indexing rate: our Whoosh index (build_index) against a plain Whoosh setup on the same docs;
- per query: gzipped bytes a browser downloads (JS included) and warm latency, ours vs Pagefind;
- recall and precision on clitic and spelling variants of names, ours vs Pagefind.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from newsarchive.arabic import normalize  # noqa: E402
from newsarchive.search import DEFAULTS  # noqa: E402
from newsarchive.search.cli import static_search  # noqa: E402
from newsarchive.search.documents import number_documents  # noqa: E402
from newsarchive.search.index import build_index  # noqa: E402

CORPUS = REPO.parent / "shared" / "corpus" / "saudinewsnet.jsonl.gz"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
ONE_WORD = ["السعودية", "العراق", "الرياض", "داعش", "النفط", "الهلال", "اليمن", "في"]
TWO_WORDS = ["وزير الخارجية", "الملك سلمان", "أسعار النفط", "ولي العهد", "الرياض في"]
# Canonical word -> queries a reader may type for it (clitic forms, spelling variants).
VARIANTS = {
    "العراق": ["العراق", "عراق", "والعراق", "بالعراق"],
    "السعودية": ["السعودية", "السعوديه", "بالسعودية"],
    "الإمارات": ["الإمارات", "الامارات", "والإمارات"],
    "مصر": ["مصر", "بمصر", "ومصر"],
    "اليمن": ["اليمن", "باليمن", "واليمن", "لليمن"],
    "أمريكا": ["أمريكا", "امريكا", "وأمريكا"],
}
BENCH_PAGE = """<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8">
<title>bench</title><script type="module" src="bench-search.js"></script></head><body></body></html>
"""
BENCH_JS = """
import { SearchEngine } from "./THEME_DIR/js/search/engine.js";
const ours = new SearchEngine(async (p) => (await fetch("search/" + p)).json());
let pagefind = null;
async function pf() {
  if (!pagefind) { pagefind = await import("./pagefind/pagefind.js"); await pagefind.init(); }
  return pagefind;
}
window.benchOurs = async (q, all) => {
  const t = performance.now();
  const found = await ours.search(q, { limit: all ? Infinity : 10 });
  return { ms: performance.now() - t, total: found.total, urls: found.results.map((r) => r.url) };
};
window.benchPagefind = async (q, all) => {
  const t = performance.now();
  const engine = await pf();
  const found = await engine.search(q);
  const shown = all ? found.results : found.results.slice(0, 10);
  const data = await Promise.all(shown.map((r) => r.data()));
  return { ms: performance.now() - t, total: found.results.length, urls: data.map((d) => d.url) };
};
"""


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def read_corpus(path: Path, n: int) -> list[dict]:
    """The first n corpus rows that have a body."""
    rows = []
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            if row.get("body"):
                rows.append(row)
            if len(rows) == n:
                break
    return rows


def records_of(rows: list[dict]) -> list[dict]:
    return [
        {
            "id": r["id"],
            "url": f"articles/{r['id']}/",
            "title": r.get("title") or "",
            "text": r["body"],
            "date": date.fromisoformat(r["date"][:10]) if r.get("date") else None,
            "source": r.get("source_name") or "",
        }
        for r in rows
    ]


def plain_whoosh_rate(records: list[dict], folder: Path) -> float:
    """Articles/s of a straightforward Whoosh setup of the same fields: TEXT fields analysed by
    Whoosh with the project's analyzers, stored title and body, default writer and codec."""
    from whoosh import fields, index

    from newsarchive.analyzer import ArabicAnalyzer, ExactAnalyzer

    schema = fields.Schema(
        number=fields.NUMERIC(int, stored=True),
        id=fields.ID(stored=True, unique=True),
        title=fields.TEXT(analyzer=ArabicAnalyzer(), stored=True, field_boost=3.0),
        body=fields.TEXT(analyzer=ArabicAnalyzer(), stored=True),
        entities=fields.TEXT(analyzer=ArabicAnalyzer(), phrase=False, field_boost=2.0),
        exact=fields.TEXT(analyzer=ExactAnalyzer(), phrase=False),
        source=fields.ID(stored=True),
        day=fields.ID(stored=True),
    )
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    started = time.perf_counter()
    ix = index.create_in(str(folder), schema)
    writer = ix.writer()
    for number, r in enumerate(records):
        writer.add_document(
            number=number,
            id=r["id"],
            title=r["title"],
            body=r["text"],
            entities=" ".join(e.get("name", "") for e in r.get("entities", [])),
            exact=f"{r['title']} {r['text']}",
            source=r["source"] or "-",
            day=str(r["date"] or "-"),
        )
    writer.commit()
    return len(records) / (time.perf_counter() - started)


def our_rate(records: list[dict], folder: Path, procs: int = 1) -> float:
    """Articles/s of newsarchive.search.index.build_index (analysis included)."""
    docs = number_documents(records)
    started = time.perf_counter()
    build_index(docs, folder, procs=procs).finish()
    return len(records) / (time.perf_counter() - started)


def build_site_from(rows: list[dict], work: Path) -> Path:
    """Import the rows as content files and build the site with every plugin."""
    from newsarchive.build import build_site
    from newsarchive.corpus_import import import_corpus

    sample = work / "sample.jsonl"
    with sample.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    content = work / "content"
    import_corpus(sample, content, progress=False)
    sample.unlink()  # corpus text stays out of anything kept
    output = work / "output"
    build_site(content, output, CACHE_PATH=str(work / "cache"))
    return output


def run_pagefind(output: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pagefind",
            "--site",
            str(output),
            "--glob",
            "articles/**/*.html",
            "--root-selector",
            "article.article",
        ],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started


def served_bytes(path: Path) -> int:
    """Bytes on the wire for a file: gzip of it, or its size when it is already compressed."""
    data = path.read_bytes()
    return len(data) if data[:2] == b"\x1f\x8b" else len(gzip.compress(data, 6))


class Server:
    """The built site over HTTP on 127.0.0.1 (stopped by close())."""

    def __init__(self, folder: Path):
        class Quiet(SimpleHTTPRequestHandler):
            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder))
        )
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}/"

    def close(self):
        self.server.shutdown()


def browser_measure(
    output: Path, queries: list[str], need_all: set[str], with_pagefind: bool, repeats: int = 5
):
    """Per query and engine: bytes fetched cold, median warm latency, and result URLs."""
    from playwright.sync_api import sync_playwright

    (output / "bench-search.html").write_text(BENCH_PAGE, encoding="utf-8")
    # The theme's files are in a folder named by their digest (plugins/theme_assets).
    engine = next((output / "theme").rglob("engine.js"))
    theme_dir = engine.parent.parent.parent.relative_to(output).as_posix()
    script = BENCH_JS.replace("THEME_DIR", theme_dir)
    (output / "bench-search.js").write_text(script, encoding="utf-8")
    server = Server(output)
    engines = ["ours", "pagefind"] if with_pagefind else ["ours"]
    found: dict = {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            for engine in engines:
                function = "benchOurs" if engine == "ours" else "benchPagefind"
                for query in queries:
                    context = browser.new_context()
                    page = context.new_page()
                    requested: list[str] = []
                    page.on("request", lambda r, into=requested: into.append(r.url))
                    page.goto(server.base + "bench-search.html", wait_until="load")
                    page.wait_for_function(f"typeof window.{function} === 'function'")
                    requested.clear()
                    page.evaluate(f"q => window.{function}(q, false)", query)
                    files = {urlsplit(u).path.lstrip("/") for u in requested}
                    data_bytes = sum(
                        served_bytes(output / f) for f in files if (output / f).is_file()
                    )
                    times = [
                        page.evaluate(f"q => window.{function}(q, false)", query)["ms"]
                        for _ in range(repeats)
                    ]
                    # Every result only where recall is measured (Pagefind loads one file each).
                    everything = page.evaluate(
                        f"q => window.{function}(q, true)"
                        if query in need_all
                        else f"q => window.{function}(q, false)",
                        query,
                    )
                    found[(engine, query)] = {
                        "data_bytes": data_bytes,
                        "files": files,
                        "ms": statistics.median(times),
                        "total": everything["total"],
                        "urls": everything["urls"],
                    }
                    context.close()
            browser.close()
    finally:
        server.close()
    return found


def relevant_docs(rows: list[dict], canonical: str) -> set[str]:
    """Articles with a clitic or spelling variant of the word (normalised, article stripped)."""
    base = normalize(canonical)
    base = base[2:] if base.startswith("ال") else base
    pattern = re.compile(rf"^(?:[وف]?(?:[بكل]?ال|لل|[بكل])?){re.escape(base)}$")
    out = set()
    for row in rows:
        text = normalize(f"{row.get('title') or ''} {row['body']}")
        if any(pattern.match(word) for word in re.findall(r"\w+", text)):
            out.add(f"articles/{row['id']}/")
    return out


def slug_of(url: str) -> str:
    return "articles/" + url.rstrip("/").split("/")[-1] + "/"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--baseline-articles", type=int, default=1000)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--work", type=Path, default=None, help="folder for content and site")
    parser.add_argument("--reuse", action="store_true", help="keep an already built site")
    parser.add_argument("--no-pagefind", action="store_true")
    parser.add_argument("--index-only", action="store_true", help="only the indexing rates")
    parser.add_argument(
        "--procs", type=int, default=DEFAULTS["SEARCH_INDEX_PROCS"], help="our writer processes"
    )
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-search-"))
    work.mkdir(parents=True, exist_ok=True)
    rows = read_corpus(args.corpus, args.articles)
    records = records_of(rows)
    log(f"{len(rows)} articles; work folder {work}")

    # Indexing rate, ours and a plain Whoosh setup, in the same run.
    n_base = min(args.baseline_articles, len(records))
    ours = our_rate(records, work / "ix-ours", args.procs)
    ours_same = our_rate(records[:n_base], work / "ix-ours-small", args.procs)
    plain = plain_whoosh_rate(records[:n_base], work / "ix-plain")
    print(
        f"\nIndexing (articles/s): ours {ours:.0f} on {len(records)} articles; on the first "
        f"{n_base}: ours {ours_same:.0f}, plain Whoosh (same fields) {plain:.0f}"
        f" -> x{ours_same / plain:.1f}"
    )
    if args.index_only:
        return

    output = work / "output"
    if not (args.reuse and (output / "search" / "manifest.json").exists()):
        started = time.perf_counter()
        output = build_site_from(rows, work)
        log(f"site built in {time.perf_counter() - started:.0f}s")
    with_pagefind = not args.no_pagefind
    if with_pagefind:
        try:
            log(f"pagefind indexed in {run_pagefind(output):.1f}s")
        except (subprocess.CalledProcessError, FileNotFoundError) as error:
            log(f"pagefind unavailable ({error}); pip install 'pagefind[extended]'")
            with_pagefind = False

    variant_queries = [q for qs in VARIANTS.values() for q in qs]
    queries = list(dict.fromkeys(ONE_WORD + TWO_WORDS + variant_queries))
    measured = browser_measure(output, queries, set(variant_queries), with_pagefind)

    print(f"\nPer query on {len(rows)} articles (KB gzipped, JS included; warm latency ms)")
    print(
        f"{'query':<16}{'ours KB':>9}{'ours ms':>9}{'total':>7}{'PF KB':>9}{'PF ms':>9}{'PF tot':>8}"
    )
    sums = {"one": [], "two": []}
    for query in ONE_WORD + TWO_WORDS:
        static = static_search(query, output, 10)  # the CLI's byte count: page JS + data
        line = f"{query:<16}{static['bytes'] / 1024:>9.1f}{measured[('ours', query)]['ms']:>9.1f}"
        line += f"{static['total']:>7}"
        if with_pagefind:
            pf = measured[("pagefind", query)]
            # Pagefind's JS and wasm load inside the timed call, so data_bytes includes them.
            line += f"{pf['data_bytes'] / 1024:>9.1f}{pf['ms']:>9.1f}{pf['total']:>8}"
        print(line)
        sums["one" if query in ONE_WORD else "two"].append(static["bytes"])
    print(
        f"ours: one word max {max(sums['one']) / 1024:.1f} KB, two words max "
        f"{max(sums['two']) / 1024:.1f} KB"
    )

    print("\nClitic and spelling variants: recall / precision over all results")
    print(f"{'query':<14}{'relevant':>9}{'ours R':>8}{'ours P':>8}{'PF R':>7}{'PF P':>7}")
    for canonical, forms in VARIANTS.items():
        relevant = relevant_docs(rows, canonical)
        for query in forms:
            line = f"{query:<14}{len(relevant):>9}"
            for engine in ["ours", "pagefind"] if with_pagefind else ["ours"]:
                got = {slug_of(u) for u in measured[(engine, query)]["urls"]}
                hit = len(got & relevant)
                recall = hit / len(relevant) if relevant else 0.0
                precision = hit / len(got) if got else 0.0
                line += (
                    f"{recall:>8.2f}{precision:>8.2f}"
                    if engine == "ours"
                    else (f"{recall:>7.2f}{precision:>7.2f}")
                )
            print(line)


if __name__ == "__main__":
    main()
