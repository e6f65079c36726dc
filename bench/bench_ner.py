"""Speed of the NER tagger on real articles, as a ratio to a trivial baseline in the same run.

The tagger's time includes tokenising, sentence splitting, feature extraction (from a cold
feature cache), Viterbi decoding, span marginals and document consistency: tag_text() as the
site calls it. The baseline is whitespace splitting plus one dict lookup per token over the
same texts, so the ratio says how much the machine's load is not to blame. Both are timed in CPU time
of this (single-threaded) process, which is what "tokens/s on one core" means on a shared box.

Run: python bench/bench_ner.py [--articles 500] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from newsarchive.ner import Tagger  # noqa: E402
from newsarchive.ner.tokenize import tokenize  # noqa: E402

SAMPLE = REPO.parent / "shared" / "corpus" / "saudinewsnet.sample3k.jsonl"
TARGET_TOKENS_PER_S = 30_000


def load_texts(path: Path, limit: int) -> list[str]:
    """Bodies of the first `limit` articles of the sample."""
    texts = []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if len(texts) >= limit:
                break
            texts.append(json.loads(line).get("body") or "")
    return texts


def baseline(texts: list[str], lookup: dict[str, tuple[str, ...]]) -> int:
    """Whitespace tokens and one dict lookup each: the floor any tagger pays."""
    hits = 0
    for text in texts:
        for word in text.split():
            if lookup.get(word) is not None:
                hits += 1
    return hits


def tag_all(tagger: Tagger, texts: list[str], cold: bool = True) -> int:
    """Tag every text (from a cold feature cache unless cold is False); returns the mentions."""
    if cold:
        tagger.features.cache.clear()
    return sum(len(tagger.tag_text(text)) for text in texts)


def best_time(run, repeat: int) -> float:
    """Best CPU time of `repeat` runs: one core's time, whatever else shares the machine."""
    times = []
    for _ in range(repeat):
        started = time.process_time()
        run()
        times.append(time.process_time() - started)
    return min(times)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    if not SAMPLE.exists():
        sys.exit(f"corpus sample not found: {SAMPLE} (needs ../shared)")
    texts = load_texts(SAMPLE, args.articles)
    n_tokens = sum(len(tokenize(t)) for t in texts)
    tagger = Tagger.load()
    lookup = tagger.features.clusters
    base = best_time(lambda: baseline(texts, lookup), args.repeat)
    tagged = best_time(lambda: tag_all(tagger, texts), args.repeat)
    speed = n_tokens / tagged
    # Warm: every word's features already memoised, as in a long build after the first articles.
    tag_all(tagger, texts)
    warm = best_time(lambda: tag_all(tagger, texts, cold=False), args.repeat)
    print(f"articles: {len(texts)}, tokens: {n_tokens}, mentions: {tag_all(tagger, texts)}")
    print(f"baseline (split + dict lookup): {n_tokens / base:,.0f} tokens/s")
    print(f"tagger (tag_text, cold cache):  {speed:,.0f} tokens/s")
    print(f"tagger / baseline time ratio:   {tagged / base:.1f}x slower")
    print(f"tagger (tag_text, warm cache):  {n_tokens / warm:,.0f} tokens/s ({warm / base:.1f}x)")
    verdict = "meets" if speed >= TARGET_TOKENS_PER_S else "below"
    print(f"target {TARGET_TOKENS_PER_S:,} tokens/s on one core: {verdict}")


if __name__ == "__main__":
    main()
