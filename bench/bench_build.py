"""Time our build against plain Pelican on the same N corpus articles, in the same run, and time
our rebuilds: with nothing changed (skipped whole by the build stamp, then again page by page
without it), and after adding 10 new articles.

    python bench/bench_build.py --sizes 1000,10000 [--corpus PATH] [--repeat 3] [--work DIR]

Plain Pelican reads the same content files as Markdown (their `Key: value` header is Markdown
metadata), with its default theme and no plugins; it needs `pip install markdown`. For each size
it prints wall time, articles per second, peak memory (proportional set size of the build
and its worker processes, sampled) and output size, ours / plain Pelican, the rebuild times as a share of our
full build, whether the rebuild after adding articles equals a full build of the same content,
and our per-stage times from the build's own timing log. The last line is all of it as JSON.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from newsarchive.corpus_import import import_corpus, open_corpus  # noqa: E402

CORPUS = REPO.parent / "shared" / "corpus" / "saudinewsnet.jsonl.gz"
ADDED = 10  # articles added before the incremental rebuild

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


def tree_memory_mb(pid: int) -> float:
    """Memory of a process and all its descendants, in MB: proportional set size, so pages a
    forked worker shares with its parent count once, not once per process."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            rollup = Path(f"/proc/{current}/smaps_rollup").read_text()
            total += next(
                int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss:")
            )
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, StopIteration, ValueError):
            continue  # the process ended while we looked
    return total / 1024


def run_measured(command: list[str], cwd: Path, log: Path) -> tuple[float, int]:
    """Run a command, its output to log; return its wall time in seconds and peak memory in MB
    (the build and its worker processes together, sampled every 0.1 s)."""
    peak = [0.0]
    start = time.perf_counter()
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)

        def sample() -> None:
            while process.poll() is None:
                peak[0] = max(peak[0], tree_memory_mb(process.pid))
                time.sleep(0.1)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        status = process.wait()
        sampler.join()
    elapsed = time.perf_counter() - start
    if status != 0:
        raise RuntimeError(f"{command[:4]} failed: {log.read_text()[-2000:]}")
    return elapsed, round(peak[0])


def folder_mb(folder: Path) -> float:
    """Total size of the files under a folder, in MB."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


def digest_tree(root: Path) -> dict[str, str]:
    """Each file under root with the sha256 of its bytes."""
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def prepare(corpus: Path, size: int, work: Path, added_count: int) -> tuple[Path, Path, Path]:
    """Import the first size + added_count articles; return our content folder (the first
    size), the folder of the articles that come next, and plain Pelican's copy of the first."""
    sample = work / f"corpus-{size}.jsonl"
    with sample.open("w", encoding="utf-8") as out:
        out.writelines(
            line for _, line in itertools.islice(open_corpus(corpus), size + added_count)
        )
    everything = work / f"all-{size}"
    import_corpus(sample, everything, progress=False)
    files = sorted(everything.glob("*.txt"))
    ours, added = work / f"content-{size}", work / f"added-{size}"
    plain = work / f"plain-content-{size}"
    for folder in (ours, added, plain):
        folder.mkdir(exist_ok=True)
    # The corpus order decides which articles are "new", whatever their names sort as.
    order = {json.loads(line)["id"]: n for n, line in enumerate(sample.open(encoding="utf-8"))}
    files.sort(key=lambda p: order.get(p.stem, len(order)))
    for n, path in enumerate(files):
        target = added if n >= len(files) - added_count else ours
        shutil.move(path, target / path.name)
        if target is ours:
            shutil.copyfile(target / path.name, plain / (path.stem + ".md"))
    (work / "plainconf.py").write_text(PLAIN_SETTINGS, encoding="utf-8")
    return ours, added, plain


def ours(content: Path, output: Path, cache: Path, log: Path) -> dict:
    """Run our build; its wall time, peak memory, output size and stage times."""
    command = [sys.executable, "-m", "invoke", "build", "--content", str(content)]
    command += ["--output", str(output), "--cache", str(cache)]
    seconds, memory = run_measured(command, REPO, log)
    timing = json.loads((cache / "build-timing.json").read_text(encoding="utf-8"))
    return {"seconds": seconds, "memory_mb": memory, "output_mb": folder_mb(output), **timing}


def bench_size(
    corpus: Path, size: int, repeat: int, work: Path, rebuilds: bool = True, compare: bool = True
) -> dict:
    """Measure plain Pelican and our builds on `size` articles, `repeat` times each (without
    the rebuilds: plain Pelican and our full build only; without compare: no second full build
    to check the rebuild against)."""
    content, added, plain = prepare(corpus, size, work, ADDED if rebuilds else 0)
    runs = {name: [] for name in ("plain", "ours", "unchanged", "unstamped", "added", "full_added")}
    identical = []
    for _ in range(repeat):
        out = work / "plain-out"
        shutil.rmtree(out, ignore_errors=True)
        settings = str(work / "plainconf.py")
        command = [sys.executable, "-m", "pelican", str(plain), "-o", str(out), "-s", settings]
        seconds, memory = run_measured(command, work, work / "plain.log")
        runs["plain"].append({"seconds": seconds, "memory_mb": memory, "output_mb": folder_mb(out)})

        # The site's own content folder, grown in place as a newsroom's would be.
        live, site, cache = work / "live-content", work / "ours-out", work / "ours-cache"
        for folder in (live, site, cache):
            shutil.rmtree(folder, ignore_errors=True)  # a cold cache
        shutil.copytree(content, live)
        runs["ours"].append(ours(live, site, cache, work / "ours.log"))
        if not rebuilds:
            continue
        runs["unchanged"].append(ours(live, site, cache, work / "unchanged.log"))
        # Without the stamp, the same rebuild goes page by page: what a rebuild that changes one
        # file pays before it renders anything.
        (cache / "build-stamp.json").unlink()
        runs["unstamped"].append(ours(live, site, cache, work / "unstamped.log"))
        for path in added.glob("*.txt"):
            shutil.copyfile(path, live / path.name)
        runs["added"].append(ours(live, site, cache, work / "added.log"))
        if not compare:
            continue
        fresh, fresh_cache = work / "fresh-out", work / "fresh-cache"
        for folder in (fresh, fresh_cache):
            shutil.rmtree(folder, ignore_errors=True)
        runs["full_added"].append(ours(live, fresh, fresh_cache, work / "fresh.log"))
        identical.append(digest_tree(site) == digest_tree(fresh))
    summary = {name: summarise(rows, size) for name, rows in runs.items() if rows}
    summary["identical_after_adding"] = all(identical) if identical else None
    return summary


def summarise(rows: list[dict], size: int) -> dict:
    """Median time and stage times, peak memory, output size of repeated runs."""
    seconds = statistics.median(r["seconds"] for r in rows)
    result = {
        "seconds": round(seconds, 2),
        "articles_per_s": round(size / seconds, 1),
        "peak_memory_mb": max(r["memory_mb"] for r in rows),
        "output_mb": round(rows[-1]["output_mb"], 1),
    }
    if "stages" in rows[0]:
        names = rows[0]["stages"].keys()
        result["stages"] = {
            n: round(statistics.median(r["stages"].get(n, 0.0) for r in rows), 2) for n in names
        }
        result["counts"] = rows[-1]["counts"]
        result["peak"] = rows[-1].get("peak MB", {})
    return result


def print_table(results: dict) -> None:
    """The results as a Markdown table, ratios against plain Pelican of the same run."""
    print("| N | build | wall s | art/s | peak memory MB | output MB | / plain | / our full |")
    print("|---|---|---|---|---|---|---|---|")
    for size, result in results.items():
        plain, full = result["plain"]["seconds"], result["ours"]["seconds"]
        for name in ("plain", "ours", "unchanged", "unstamped", "added", "full_added"):
            if name not in result:
                continue
            row = result[name]
            label = {"unchanged": "ours, nothing changed", "added": f"ours, {ADDED} added"}
            label |= {"unstamped": "ours, nothing changed, page by page"}
            label |= {"full_added": f"ours, full, N+{ADDED}", "plain": "plain Pelican"}
            print(
                f"| {size} | {label.get(name, name)} | {row['seconds']:.1f} | "
                f"{row['articles_per_s']:.1f} | {row['peak_memory_mb']} | {row['output_mb']:.1f} | "
                f"{row['seconds'] / plain:.2f} | {row['seconds'] / full:.3f} |"
            )
        print(f"\nN={size}: stages of our full build (s): {result['ours']['stages']}")
        if "added" in result:
            added = result["added"]
            print(
                f"N={size}: rebuild after adding equals a full build: {result['identical_after_adding']}"
            )
            print(f"N={size}: rebuild after adding (s): {added['stages']} {added['counts']}")
            print(f"N={size}: page by page, nothing changed (s): {result['unstamped']['stages']}")
        print(f"N={size}: peak MB as each stage of the full build ended: {result['ours']['peak']}")
        print()


def main() -> None:
    """Parse arguments, run the benchmark, print a table and JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--work", type=Path, help="keep sites and logs here (default: a temp dir)")
    parser.add_argument("--full-only", default="", help="sizes measured without the rebuilds")
    parser.add_argument(
        "--no-compare", action="store_true", help="skip the full build that checks the rebuild"
    )
    args = parser.parse_args()
    if not args.corpus.exists():
        sys.exit(f"corpus not found: {args.corpus} (needs ../shared)")
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = args.work or Path(tmp)
        for size in (int(s) for s in args.sizes.split(",")):
            folder = work / str(size)
            folder.mkdir(parents=True, exist_ok=True)
            rebuilds = str(size) not in args.full_only.split(",")
            results[size] = bench_size(
                args.corpus, size, args.repeat, folder, rebuilds, not args.no_compare
            )
    print_table(results)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
