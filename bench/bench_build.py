"""Time our full build against plain Pelican on the same N corpus articles, in the same run.

    python bench/bench_build.py --sizes 1000,10000 [--corpus PATH] [--repeat 3]

Plain Pelican reads the same content files as Markdown (their `Key: value` header is Markdown
metadata), with its default theme and no plugins; it needs `pip install markdown`. Prints wall
time, articles per second, peak memory (RSS) and output size for each, and ours / plain Pelican.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from newsarchive.corpus_import import import_corpus, open_corpus  # noqa: E402

CORPUS = REPO.parent / "shared" / "corpus" / "saudinewsnet.jsonl.gz"

PLAIN_SETTINGS = """
AUTHOR = "bench"
SITENAME = "plain"
TIMEZONE = "UTC"
DEFAULT_LANG = "ar"
PLUGINS = []
RELATIVE_URLS = True
# The one change from Pelican's defaults: cap slug length, as some corpus authors are sentences
# whose slugs would exceed the file-name limit and crash the build.
SLUG_REGEX_SUBSTITUTIONS = [
    (r"[^\\w\\s-]", ""),
    (r"(?u)\\A\\s*", ""),
    (r"(?u)\\s*\\Z", ""),
    (r"[-\\s]+", "-"),
    (r"^(.{80}).+$", r"\\1"),
]
"""


def run_measured(command: list[str], cwd: Path, log: Path) -> tuple[float, int]:
    """Run a command, its output to log; return its wall time in seconds and peak RSS in MB."""
    start = time.perf_counter()
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{command[:4]} failed: {log.read_text()[-2000:]}")
    return elapsed, usage.ru_maxrss // 1024


def folder_mb(folder: Path) -> float:
    """Total size of the files under a folder, in MB."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


def prepare(corpus: Path, size: int, work: Path) -> tuple[Path, Path]:
    """Import the first `size` articles; return our content folder and plain Pelican's copy."""
    sample = work / f"corpus-{size}.jsonl"
    with sample.open("w", encoding="utf-8") as out:
        out.writelines(line for _, line in itertools.islice(open_corpus(corpus), size))
    ours = work / f"content-{size}"
    import_corpus(sample, ours, progress=False)
    plain = work / f"plain-content-{size}"
    plain.mkdir(exist_ok=True)
    for path in ours.glob("*.txt"):
        shutil.copyfile(path, plain / (path.stem + ".md"))
    (work / "plainconf.py").write_text(PLAIN_SETTINGS, encoding="utf-8")
    return ours, plain


def bench_size(corpus: Path, size: int, repeat: int, work: Path) -> dict:
    """Measure plain Pelican and our build on `size` articles, `repeat` times each."""
    ours, plain = prepare(corpus, size, work)
    rows = {"plain": [], "ours": []}
    for _ in range(repeat):
        out = work / "plain-out"
        shutil.rmtree(out, ignore_errors=True)
        settings = str(work / "plainconf.py")
        command = [sys.executable, "-m", "pelican", str(plain), "-o", str(out), "-s", settings]
        measured = run_measured(command, work, work / "plain.log")
        rows["plain"].append((*measured, folder_mb(out)))
        out = work / "ours-out"
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(REPO / "cache", ignore_errors=True)  # a cold cache
        command = [sys.executable, "-m", "invoke", "build", "--content", str(ours)]
        measured = run_measured([*command, "--output", str(out)], REPO, work / "ours.log")
        rows["ours"].append((*measured, folder_mb(out)))
    return {
        name: {
            "seconds": statistics.median(r[0] for r in runs),
            "articles_per_s": size / statistics.median(r[0] for r in runs),
            "peak_rss_mb": max(r[1] for r in runs),
            "output_mb": runs[-1][2],
        }
        for name, runs in rows.items()
    }


def main() -> None:
    """Parse arguments, run the benchmark, print a table and JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    if not args.corpus.exists():
        sys.exit(f"corpus not found: {args.corpus} (needs ../shared)")
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            results[size] = bench_size(args.corpus, size, args.repeat, Path(tmp))
    print(
        f"{'N':>6} {'build':6} {'wall s':>8} {'art/s':>7} {'RSS MB':>7} {'out MB':>7} {'ratio':>6}"
    )
    for size, result in results.items():
        for name in ("plain", "ours"):
            row = result[name]
            ratio = row["seconds"] / result["plain"]["seconds"]
            print(
                f"{size:>6} {name:6} {row['seconds']:8.1f} {row['articles_per_s']:7.1f} "
                f"{row['peak_rss_mb']:7d} {row['output_mb']:7.1f} {ratio:6.2f}"
            )
    print(json.dumps(results))


if __name__ == "__main__":
    main()
