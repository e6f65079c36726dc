"""Word clusters from a news corpus: PPMI context vectors, reduced and grouped by k-means.

Training needs numpy and the corpus; loading the committed cluster file needs neither.
"""

from __future__ import annotations

import gzip
import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from newsarchive.arabic import normalize
from newsarchive.ner.tokenize import TOKEN_RE

CLUSTERS_FILE = Path(__file__).with_name("clusters.txt")
GRANULARITIES = (64, 512)


def corpus_texts(path: str | Path, limit: int | None = None) -> Iterator[str]:
    """Title and body of each article in a JSONL(.gz) corpus, normalised."""
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as handle:
        for i, line in enumerate(handle):
            if limit is not None and i >= limit:
                break
            article = json.loads(line)
            yield normalize(f"{article.get('title') or ''}\n{article.get('body') or ''}")


def train_clusters(
    corpus: str | Path,
    vocab_size: int = 40000,
    context_size: int = 1000,
    dims: int = 100,
    seed: int = 13,
    iterations: int = 20,
    limit: int | None = None,
) -> dict[str, tuple[int, ...]]:
    """Cluster the vocab_size most frequent words at each granularity; same input -> same output."""
    import numpy as np

    docs = [TOKEN_RE.findall(text) for text in corpus_texts(corpus, limit)]
    counts = Counter(w for doc in docs for w in doc)
    # Sort by count then word so ties never depend on hash order.
    ranked = [w for w, c in sorted(counts.items(), key=lambda x: (-x[1], x[0])) if c >= 3]
    vocab = {w: i for i, w in enumerate(ranked[:vocab_size])}
    contexts = {w: i for i, w in enumerate(ranked[:context_size])}
    n_vocab, n_ctx = len(vocab), len(contexts)
    pairs = []
    for doc in docs:
        v = np.fromiter((vocab.get(w, -1) for w in doc), dtype=np.int64, count=len(doc))
        c = np.fromiter((contexts.get(w, -1) for w in doc), dtype=np.int64, count=len(doc))
        # Left neighbour in the first n_ctx columns, right neighbour in the next n_ctx.
        for word, ctx, offset in ((v[1:], c[:-1], 0), (v[:-1], c[1:], n_ctx)):
            keep = (word >= 0) & (ctx >= 0)
            pairs.append(word[keep] * 2 * n_ctx + ctx[keep] + offset)
    cooc = np.bincount(np.concatenate(pairs), minlength=n_vocab * 2 * n_ctx).astype(np.float32)
    matrix = cooc.reshape(n_vocab, 2 * n_ctx)
    # Positive pointwise mutual information, then an SVD of the (small) context Gram matrix.
    total = matrix.sum()
    rows = matrix.sum(axis=1, keepdims=True) + 1e-9
    cols = matrix.sum(axis=0, keepdims=True) + 1e-9
    with np.errstate(divide="ignore"):
        ppmi = np.maximum(np.log(matrix * (total / rows) / cols), 0.0).astype(np.float32)
    _, eigvecs = np.linalg.eigh(ppmi.T @ ppmi)
    vectors = ppmi @ eigvecs[:, ::-1][:, :dims]
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-9
    assignments = [_spherical_kmeans(vectors, k, seed, iterations) for k in GRANULARITIES]
    return {w: tuple(int(a[i]) for a in assignments) for w, i in vocab.items()}


def _spherical_kmeans(vectors, k: int, seed: int, iterations: int):
    """Cosine k-means seeded from a fixed random draw of words."""
    import numpy as np

    rng = np.random.default_rng(seed)
    centroids = vectors[rng.choice(len(vectors), size=k, replace=False)].copy()
    for _ in range(iterations):
        labels = np.argmax(vectors @ centroids.T, axis=1)
        for j in range(k):
            members = vectors[labels == j]
            if len(members):
                mean = members.sum(axis=0)
                centroids[j] = mean / (np.linalg.norm(mean) + 1e-9)
    return np.argmax(vectors @ centroids.T, axis=1)


def save_clusters(clusters: dict[str, tuple[int, ...]], path: Path = CLUSTERS_FILE) -> None:
    """Write word<TAB>cluster ids, one word a line, in vocabulary order."""
    with open(path, "w", encoding="utf-8") as handle:
        for word, ids in clusters.items():
            handle.write(word + "\t" + "\t".join(map(str, ids)) + "\n")


def load_clusters(path: Path = CLUSTERS_FILE) -> dict[str, tuple[str, ...]]:
    """Read a cluster file: word -> cluster ids as strings (empty when the file is missing)."""
    if not Path(path).exists():
        return {}
    result = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            word, *ids = line.rstrip("\n").split("\t")
            result[word] = tuple(ids)
    return result
