"""BM25F scores exactly as Whoosh computes them, quantised to integers shared by both engines."""

from __future__ import annotations

from math import log

from whoosh.util.numeric import byte_to_length, length_to_byte

# Whoosh's BM25F defaults.
B = 0.75
K1 = 1.2
# Scores are stored as integers: hundredths keep the ranking and make sums exact in JavaScript.
SCALE = 100


def quantize(score: float) -> int:
    """The integer form of a score, used by the static files and the Whoosh engine alike."""
    return int(round(score * SCALE))


def stored_length(length: int) -> int:
    """A field length as Whoosh stores it (one byte, so long fields lose precision)."""
    return byte_to_length(length_to_byte(length))


def idf(doc_count: int, doc_frequency: int) -> float:
    """Whoosh's inverse document frequency."""
    return log(doc_count / (doc_frequency + 1)) + 1


def bm25(term_idf: float, weight: float, length: int, avg_length: float) -> float:
    """Whoosh's BM25 formula for one field (weight = frequency times the field boost)."""
    return term_idf * ((weight * (K1 + 1)) / (weight + K1 * ((1 - B) + B * length / avg_length)))


def union_sum(values: list[float]) -> float:
    """Sum field scores in the order Whoosh's union matcher tree adds them: a + (b + (c ...))."""
    if len(values) == 1:
        return values[0]
    half = len(values) // 2
    return union_sum(values[:half]) + union_sum(values[half:])
