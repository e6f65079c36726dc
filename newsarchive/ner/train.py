"""Train the CRF on CoNLL data, tune its regularisation on a dev set, and score models."""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import pycrfsuite

from newsarchive.ner.clusters import CLUSTERS_FILE, load_clusters, save_clusters, train_clusters
from newsarchive.ner.conll import read_conll
from newsarchive.ner.features import FeatureExtractor
from newsarchive.ner.lexicon import build_lexicon, jackknife, lexicon_path, save_lexicon
from newsarchive.ner.scoring import format_table, score
from newsarchive.ner.tagger import MODEL_FILE, Tagger

REPO = Path(__file__).resolve().parents[2]
SHARED_NER = REPO.parent / "shared" / "ner"
DEFAULT_TRAIN = SHARED_NER / "anercorp" / "train.conll"
DEFAULT_DEV = SHARED_NER / "anercorp" / "dev.conll"
# Chosen on ANERcorp dev with tune(): (0.03, 0.05) beat (0.05, 0.05), (0.03, 0.03), (0.1, 0.05),
# (0.15, 0.02) and (0.02, 0.1); (0.02, 0.05) tied it within two entities with a 3.4 MB, slower
# model. At c1=0.05, 350 iterations, feature.minfreq=2 and averaged perceptron all scored lower.
DEFAULT_C1 = 0.03
DEFAULT_C2 = 0.05
MAX_ITERATIONS = 200
# Consecutive CoNLL sentences treated as one article by evaluate() (ANERcorp has no boundaries).
DOCUMENT_SENTENCES = 20


def train(
    train_path: str | Path = DEFAULT_TRAIN,
    model_path: str | Path = MODEL_FILE,
    c1: float = DEFAULT_C1,
    c2: float = DEFAULT_C2,
    max_iterations: int = MAX_ITERATIONS,
    clusters_path: Path = CLUSTERS_FILE,
) -> Path:
    """Train a model on a CoNLL file; L-BFGS from zero weights, so the same data gives the same model."""
    clusters = load_clusters(clusters_path)
    data = read_conll(train_path)
    # Each sentence sees the training-name lexicon built from the other folds only.
    extractors = {}
    trainer = pycrfsuite.Trainer(algorithm="lbfgs", verbose=False)
    for (tokens, tags), lexicon in zip(data, jackknife(data), strict=True):
        extractor = extractors.setdefault(id(lexicon), FeatureExtractor(clusters, lexicon))
        trainer.append(extractor.sentence(tokens), tags)
    trainer.set_params(
        {
            "c1": c1,
            "c2": c2,
            "max_iterations": max_iterations,
            "feature.possible_transitions": True,
        }
    )
    trainer.train(str(model_path))
    save_lexicon(build_lexicon(data), lexicon_path(model_path))
    return Path(model_path)


def tags_of(n_tokens: int, found: list[tuple[str, int, int, float]]) -> list[str]:
    """IOB2 tags of a sentence from its entity spans."""
    tags = ["O"] * n_tokens
    for etype, start, end, _ in found:
        tags[start] = "B-" + etype
        for i in range(start + 1, end):
            tags[i] = "I-" + etype
    return tags


def evaluate(
    conll_path: str | Path,
    model_path: str | Path | None = None,
    document_sentences: int = DOCUMENT_SENTENCES,
    org_patterns: bool = False,
) -> dict:
    """Score a model on a CoNLL file; adds tokens_per_s (features and tagging, one core).

    CoNLL files carry no article boundaries, so runs of document_sentences consecutive
    sentences stand for documents (for document consistency); 1 tags sentence by sentence.
    """
    tagger = Tagger.load(model_path, org_patterns=org_patterns)
    data = read_conll(conll_path)
    token_lists = [tokens for tokens, _ in data]
    tagger.features.cache.clear()  # time feature extraction from a cold cache
    started = time.process_time()  # CPU time: one core's speed even on a busy machine
    found = []
    for i in range(0, len(token_lists), document_sentences):
        batch = token_lists[i : i + document_sentences]
        found += tagger.tag_document(batch, consistent=document_sentences > 1)
    elapsed = time.process_time() - started
    predicted = [tags_of(len(t), f) for t, f in zip(token_lists, found, strict=True)]
    result = score((gold, pred) for (_, gold), pred in zip(data, predicted, strict=True))
    n_tokens = sum(len(tokens) for tokens in token_lists)
    result["tokens_per_s"] = round(n_tokens / elapsed) if elapsed else 0
    return result


def report(
    conll_path: str | Path,
    model_path: str | Path | None = None,
    as_json: bool = False,
    org_patterns: bool = False,
) -> dict:
    """Print a score table (and, with as_json, a final line holding the JSON result)."""
    result = evaluate(conll_path, model_path, org_patterns=org_patterns)
    print(format_table(result))
    print(f"tokens/s: {result['tokens_per_s']}")
    if as_json:
        compact = {
            k: ({m: v[m] for m in ("p", "r", "f1")} if isinstance(v, dict) else v)
            for k, v in result.items()
        }
        print(json.dumps(compact, ensure_ascii=False))
    return result


def tune(
    train_path: str | Path = DEFAULT_TRAIN,
    dev_path: str | Path = DEFAULT_DEV,
    grid: tuple[tuple[float, float], ...] = ((0.03, 0.05), (0.05, 0.05), (0.1, 0.05), (0.0, 0.1)),
    workdir: str | Path | None = None,
) -> list[tuple[float, float, float]]:
    """Dev micro-F1 for each (c1, c2) in the grid, best first."""
    workdir = workdir or tempfile.gettempdir()
    results = []
    for c1, c2 in grid:
        path = Path(workdir) / f"ner-tune-{c1}-{c2}.crfsuite"
        train(train_path, path, c1, c2)
        f1 = evaluate(dev_path, path)["micro"]["f1"]
        print(f"c1={c1} c2={c2} dev micro-F1={f1}")
        results.append((f1, c1, c2))
    return sorted(results, reverse=True)


def retrain(
    train_path: str | Path = DEFAULT_TRAIN,
    dev_path: str | Path | None = DEFAULT_DEV,
    corpus: str | Path | None = None,
) -> Path:
    """Rebuild the committed model (and, given a corpus, the word clusters first); print dev scores."""
    if corpus:
        started = time.perf_counter()
        save_clusters(train_clusters(corpus))
        print(f"clusters: {time.perf_counter() - started:.0f} s -> {CLUSTERS_FILE.name}")
    started = time.perf_counter()
    path = train(train_path, MODEL_FILE)
    size = path.stat().st_size + lexicon_path(path).stat().st_size
    print(f"model: {time.perf_counter() - started:.0f} s, {size / 1e6:.1f} MB -> {path.name}")
    if dev_path and Path(dev_path).exists():
        report(dev_path)
    return path


def main(argv: list[str] | None = None) -> None:
    """Command line: `train [--corpus FILE]` or `eval FILE [--json] [--model PATH]`."""
    parser = argparse.ArgumentParser(prog="python -m newsarchive.ner.train")
    commands = parser.add_subparsers(dest="command", required=True)
    train_cmd = commands.add_parser("train", help="train the committed model")
    train_cmd.add_argument("--train", default=str(DEFAULT_TRAIN))
    train_cmd.add_argument("--dev", default=str(DEFAULT_DEV))
    train_cmd.add_argument("--corpus", default=None, help="JSONL corpus to rebuild clusters from")
    eval_cmd = commands.add_parser("eval", help="score the committed model on a CoNLL file")
    eval_cmd.add_argument("file")
    eval_cmd.add_argument("--json", action="store_true")
    eval_cmd.add_argument("--model", default=None)
    eval_cmd.add_argument("--org-patterns", action="store_true")
    args = parser.parse_args(argv)
    if args.command == "train":
        retrain(args.train, args.dev, args.corpus)
    else:
        report(args.file, args.model, as_json=args.json, org_patterns=args.org_patterns)


if __name__ == "__main__":
    main()
