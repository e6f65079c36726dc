"""Write tests/data/analyzer_golden.tsv: distinct corpus tokens with the Python analyzer's output.

Only distinct words are kept (derived data), never running text. The sample is deterministic:
the most frequent tokens, tokens with rare features (presentation forms, diacritics, tatweel,
Arabic-Indic digits, invisible marks), then tokens chosen by a stable hash.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

from newsarchive.analyzer import TOKEN_RE, analyze, exact, stem_alternatives

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "saudinewsnet.jsonl.gz"
DEFAULT_OUTPUT = REPO / "tests" / "data" / "analyzer_golden.tsv"
HEADER = "# token\tterms (space-separated)\tindex alternatives (space-separated)"

RARE_FEATURE_RE = re.compile(
    "[\ufb50-\ufdff\ufe70-\ufeff\u064b-\u065f\u0670\u0640\u0660-\u0669\u06f0-\u06f9"
    "\u200b-\u200f\u0610-\u061a\u06d6-\u06ed]"
)


def _stable_key(token: str) -> bytes:
    """Order tokens by a hash that does not change between runs or machines."""
    return hashlib.blake2b(token.encode("utf-8"), digest_size=8).digest()


def read_texts(corpus: Path) -> Iterator[str]:
    """Yield the title and body of each article in a JSONL (optionally gzipped) corpus."""
    opener = gzip.open if corpus.suffix == ".gz" else open
    with opener(corpus, "rt", encoding="utf-8") as lines:
        for line in lines:
            article = json.loads(line)
            yield article.get("title") or ""
            yield article.get("body") or ""


def count_tokens(texts: Iterable[str]) -> Counter[str]:
    """Count each distinct raw token (as written, before normalisation)."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(TOKEN_RE.findall(text))
    return counts


def sample_tokens(
    counts: Counter[str], size: int, frequent: int = 4000, rare: int = 4000
) -> list[str]:
    """Pick `size` distinct tokens deterministically and return them sorted."""
    chosen: set[str] = {token for token, _n in counts.most_common(frequent)}
    featured = sorted((t for t in counts if RARE_FEATURE_RE.search(t)), key=_stable_key)
    chosen.update(featured[:rare])
    for token in sorted(counts, key=_stable_key):
        if len(chosen) >= size:
            break
        chosen.add(token)
    return sorted(chosen)


def golden_line(token: str) -> str:
    """One TSV line: the token, its terms and its index alternatives."""
    alternatives = [alt for form in exact(token) for alt in stem_alternatives(form)]
    return f"{token}\t{' '.join(analyze(token))}\t{' '.join(alternatives)}"


def write_golden(corpus: Path, output: Path, size: int = 22000) -> int:
    """Write the golden file from the corpus and return the number of tokens written."""
    tokens = sample_tokens(count_tokens(read_texts(corpus)), size)
    output.parent.mkdir(parents=True, exist_ok=True)
    lines = [HEADER, *(golden_line(token) for token in tokens)]
    output.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(tokens)


def main(argv: list[str] | None = None) -> None:
    """Command line: python -m newsarchive.analyzer_golden [--corpus PATH] [--output PATH]."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--size", type=int, default=22000)
    args = parser.parse_args(argv)
    written = write_golden(args.corpus, args.output, args.size)
    print(f"wrote {written} tokens to {args.output}")


if __name__ == "__main__":
    main()
