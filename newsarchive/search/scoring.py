"""BM25F as Whoosh computes it, quantised to integers shared by both engines.

Whoosh scores a term in a field as idf * (w * (K1 + 1)) / (w + K1 * ((1 - B) + B * fl / avgfl)),
w = frequency * field boost, fl = the field length as stored (one byte), and sums the fields of
an Or as title + (body + entities). export.score_postings repeats exactly these operations.
"""

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
