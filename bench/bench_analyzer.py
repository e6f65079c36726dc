"""Speed of the Python analyzer over the 3k-article sample, as ratios to str.split in the same run.

Run: python bench/bench_analyzer.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from newsarchive import analyzer  # noqa: E402

SAMPLE = REPO.parent / "shared" / "corpus" / "saudinewsnet.sample3k.jsonl"


def load_texts(path: Path) -> list[str]:
    """Titles and bodies of the sample articles."""
    texts = []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            article = json.loads(line)
            texts.append(article.get("title") or "")
            texts.append(article.get("body") or "")
    return texts


def clear_caches() -> None:
    """Forget cached stems and forms, so a run measures the analyzer from cold."""
    for cached in (
        analyzer.stem,
        analyzer.stem_alternatives,
        analyzer.exact_forms,
        analyzer.token_terms,
        analyzer.token_index_terms,
    ):
        cached.cache_clear()


def best_time(run: Callable[[], object], repeat: int, cold: bool = False) -> float:
    """Best wall time of `repeat` runs (caches cleared before each run when cold)."""
    times = []
    for _ in range(repeat):
        if cold:
            clear_caches()
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    """Print tokens/s of each step and its ratio to str.split."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not SAMPLE.exists():
        sys.exit(f"sample corpus not found: {SAMPLE}")
    texts = load_texts(SAMPLE)
    tokens = sum(len(analyzer.TOKEN_RE.findall(text)) for text in texts)
    whoosh = analyzer.ArabicAnalyzer()

    cases = {
        "str.split (baseline)": (lambda: [text.split() for text in texts], False),
        "tokenise only (token_pattern)": (
            lambda: [analyzer.token_pattern(t).findall(t) for t in texts],
            False,
        ),
        "analyze, cold caches": (lambda: [analyzer.analyze(t) for t in texts], True),
        "analyze, warm caches": (lambda: [analyzer.analyze(t) for t in texts], False),
        "analyze_spans, warm": (lambda: [analyzer.analyze_spans(t) for t in texts], False),
        "index_terms, warm": (lambda: [analyzer.index_terms(t) for t in texts], False),
        "ArabicAnalyzer index mode, warm": (
            lambda: [
                [tok.text for tok in whoosh(t, positions=True, chars=True, mode="index")]
                for t in texts
            ],
            False,
        ),
    }
    print(f"{len(texts)} texts, {tokens} tokens, best of {args.repeat}")
    baseline = None
    for name, (run, cold) in cases.items():
        seconds = best_time(run, args.repeat, cold)
        baseline = baseline or seconds
        print(
            f"{name:34} {tokens / seconds:>12,.0f} tokens/s  "
            f"{seconds:7.3f} s  x{seconds / baseline:6.1f} the time of str.split"
        )


if __name__ == "__main__":
    main()
