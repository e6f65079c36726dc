"""Project tasks: `invoke --list` shows them."""

from __future__ import annotations

import gc
import shutil
import sys
from pathlib import Path

from invoke import Exit, task

REPO = Path(__file__).resolve().parent


@task(
    help={
        "content": "folder of article files",
        "output": "folder to write the site to",
        "strict": "fail (non-zero exit) when any input was skipped",
        "cache": "folder of the build cache (default: cache/)",
    }
)
def build(c, content="content", output="output", strict=False, cache=""):
    """Build the site from the content folder; build-report.json says what became of each file."""
    from newsarchive.build import build_site

    overrides = {"CACHE_PATH": str(Path(cache).resolve())} if cache else {}
    report = build_site(content, output, **overrides)
    # What the build made is garbage from here, and the process is about to end: the collector's
    # last pass over it took 1.4 s when the interpreter exited after a 10,000-article rebuild.
    gc.freeze()
    skipped = report.get("counts", {}).get("skipped", 0)
    if strict and skipped:
        raise Exit(f"strict build: {skipped} input(s) skipped; see {output}/build-report.json", 1)


@task(help={"output": "folder of the built site", "port": "port on localhost"})
def serve(c, output="output", port=8000):
    """Serve the built site on localhost."""
    c.run(
        f"{sys.executable} -m http.server {port} --bind 127.0.0.1 --directory {output}", pty=False
    )


@task(help={"output": "folder of the built site"})
def clean(c, output="output"):
    """Remove the built site and the build cache."""
    for folder in (Path(output), REPO / "cache"):
        shutil.rmtree(folder, ignore_errors=True)


@task(name="import", help={"file": "a .jsonl or .jsonl.gz corpus", "content": "folder to write to"})
def import_(c, file, content="content"):
    """Import a JSON Lines corpus as article files (idempotent)."""
    from newsarchive.corpus_import import import_corpus

    report = import_corpus(file, content)
    print(
        f"imported {report.imported} articles into {content} "
        f"({report.written} written, {report.unchanged} unchanged), skipped {len(report.skipped)}"
    )
    for number, reason in report.skipped:
        print(f"  {file}:{number}: skipped: {reason}")
    for number, warning in report.warnings:
        print(f"  {file}:{number}: {warning}")
    print("boilerplate removed, by rule:", dict(report.removed))


@task(help={"file": "a .jsonl or .jsonl.gz corpus", "sample": "lines shown per rule"})
def boilerplate_report(c, file, sample=5):
    """Show what the boilerplate rules remove from a corpus: counts per rule and samples."""
    from newsarchive.boilerplate_report import print_report

    print_report(file, int(sample))


@task(help={"k": "only tests matching this expression"})
def test(c, k=""):
    """Run every test: Python (pytest) and JavaScript (node --test)."""
    selection = f" -k '{k}'" if k else ""
    c.run(f"{sys.executable} -m pytest -q{selection}", pty=False)
    if not k:
        c.run("node --test tests/js/", pty=False)


@task(help={"file": "a .jsonl corpus", "n": "articles to sample", "all": "show dropped tags too"})
def review_tags(c, file, n=50, all=False):
    """Print the entity tags that would be published for a random sample, to check by eye."""
    from newsarchive.entities.review import main

    main([str(file), "-n", str(n), *(["--all"] if all else [])])


@task(
    help={
        "query": 'words and "quoted phrases"',
        "output": "folder of the built site",
        "engine": "static (the theme's JS client under Node) or whoosh (the Whoosh index)",
        "limit": "results to show",
        "all": "show every result",
        "json": "print the result as JSON on the last line",
        "cache": "the build's cache folder, which holds the Whoosh index (default: cache/ beside "
        "the output)",
    }
)
def search(c, query, output="output", engine="static", limit=10, all=False, json=False, cache=""):
    """Search a built site from the command line, with the static client or the Whoosh index."""
    import json as json_module

    from newsarchive.search.cli import format_results, run_search

    found = run_search(query, output, engine, None if all else int(limit), cache=cache or None)
    print(json_module.dumps(found, ensure_ascii=False) if json else format_results(found))


@task(name="analyzer-golden", help={"corpus": "a .jsonl or .jsonl.gz corpus", "size": "tokens"})
def analyzer_golden(c, corpus="", size=22000):
    """Rewrite tests/data/analyzer_golden.tsv (distinct corpus tokens and their analyses)."""
    from newsarchive.analyzer_golden import main

    main([*(["--corpus", corpus] if corpus else []), "--size", str(size)])


@task(name="ner-train", help={"corpus": "also rebuild the word clusters from this JSONL corpus"})
def ner_train(c, corpus=""):
    """Train the committed NER model on ANERcorp train (same data and seed give the same model)."""
    from newsarchive.ner.train import retrain

    retrain(corpus=corpus or None)


@task(
    name="ner-eval",
    help={
        "file": "a CoNLL file (token TAB IOB2 tag)",
        "json": "print the scores as JSON on the last line",
        "model": "a model file other than the committed one",
        "org_patterns": "add the head-noun organisation patterns the site uses",
    },
)
def ner_eval(c, file, json=False, model="", org_patterns=False):
    """Score the NER model on a CoNLL file: P/R/F1 per type and micro, exact spans."""
    from newsarchive.ner.train import report

    report(file, model or None, as_json=json, org_patterns=org_patterns)
