"""Exact-span precision, recall and F1 per entity type (conlleval semantics)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from newsarchive.ner.conll import ENTITY_TYPES, spans


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": round(p, 4), "r": round(r, 4), "f1": round(f1, 4), "tp": tp, "fp": fp, "fn": fn}


def score(pairs: Iterable[tuple[list[str], list[str]]]) -> dict[str, dict[str, float]]:
    """Score (gold tags, predicted tags) sentence pairs: per type and micro over PER/LOC/ORG.

    A span counts only when type and both boundaries match, so a boundary or type error is
    both a false positive and a false negative.
    """
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for gold_tags, pred_tags in pairs:
        if len(gold_tags) != len(pred_tags):
            raise ValueError("gold and predicted sequences differ in length")
        gold = set(spans(gold_tags))
        pred = set(spans(pred_tags))
        for etype, *_ in gold & pred:
            tp[etype] += 1
        for etype, *_ in pred - gold:
            fp[etype] += 1
        for etype, *_ in gold - pred:
            fn[etype] += 1
    result = {"micro": _prf(*(sum(c[t] for t in ENTITY_TYPES) for c in (tp, fp, fn)))}
    for etype in ENTITY_TYPES:
        result[etype] = _prf(tp[etype], fp[etype], fn[etype])
    return result


def format_table(result: dict[str, dict[str, float]]) -> str:
    """A small fixed-width table of a score() result."""
    lines = [f"{'type':<6}{'P':>8}{'R':>8}{'F1':>8}{'tp':>7}{'fp':>7}{'fn':>7}"]
    for key in ("micro", *ENTITY_TYPES):
        row = result[key]
        lines.append(
            f"{key:<6}{row['p']:>8.4f}{row['r']:>8.4f}{row['f1']:>8.4f}"
            f"{row['tp']:>7}{row['fp']:>7}{row['fn']:>7}"
        )
    return "\n".join(lines)
