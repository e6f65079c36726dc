"""Entity tagging on a rebuild: cold cache vs warm cache vs one changed article, as ratios to the
cold run measured in the same process, plus linking and catalog time.

Run: python bench/bench_entities.py [-n 300]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from newsarchive.entities.pipeline import ArticleInput, build_catalog  # noqa: E402
from newsarchive.entities.review import sample_articles  # noqa: E402

SAMPLE = REPO.parent / "shared" / "corpus" / "saudinewsnet.sample3k.jsonl"


class CountingTagger:
    """Wrap the real tagger and count the texts it tags."""

    def __init__(self, tagger) -> None:
        self.tagger = tagger
        self.version = getattr(tagger, "version", None) or "bench"
        self.calls = 0

    def tag_text(self, text):
        return self.tag_texts([text])[0]

    def tag_texts(self, texts):
        self.calls += len(texts)
        return self.tagger.tag_texts(texts)


def timed(label: str, run, baseline: float | None = None) -> float:
    start = time.perf_counter()
    run()
    took = time.perf_counter() - start
    ratio = f"{took / baseline:.3f}× cold" if baseline else "baseline"
    print(f"{label:<32} {ratio}")
    return took


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=300)
    args = parser.parse_args()
    if not SAMPLE.exists():
        sys.exit(f"shared corpus not found: {SAMPLE}")
    from newsarchive.entities.pipeline import load_tagger

    tagger = CountingTagger(load_tagger())
    articles = [ArticleInput(i, None, text) for i, text in sample_articles(SAMPLE, args.n)]
    changed = [*articles[:-1], ArticleInput(articles[-1].id, None, articles[-1].plaintext + " .")]
    with tempfile.TemporaryDirectory() as cache:

        def build(items):
            return lambda: build_catalog(items, tagger=tagger, cache_folder=cache)

        cold = timed(f"cold cache ({args.n} articles)", build(articles))
        calls = tagger.calls
        timed("warm cache (nothing changed)", build(articles), cold)
        print(f"  tagger calls: {tagger.calls - calls}")
        calls = tagger.calls
        timed("warm cache (one article changed)", build(changed), cold)
        print(f"  tagger calls: {tagger.calls - calls}")


if __name__ == "__main__":
    main()
