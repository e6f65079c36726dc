"""Split raw text into ANERcorp-like tokens (punctuation apart, clitics kept) and sentences."""

from __future__ import annotations

import re
from collections.abc import Iterator

from newsarchive.arabic import WORD_RE

# A word (letters, digits, marks), or any single non-space character that is not part of one.
TOKEN_RE = re.compile(rf"{WORD_RE.pattern}|[^\w\s]|_", re.UNICODE)
SENTENCE_END = frozenset(".!?؟…")
# Long sentences are cut so memory and Viterbi time per call stay bounded.
MAX_SENTENCE_TOKENS = 120

Token = tuple[str, int, int]


def tokenize(text: str) -> list[Token]:
    """Tokens of the text with their character offsets."""
    return [(m.group(), m.start(), m.end()) for m in TOKEN_RE.finditer(text)]


def sentences(text: str, max_tokens: int = MAX_SENTENCE_TOKENS) -> Iterator[list[Token]]:
    """Yield sentences as token lists: split at end punctuation, line breaks and max_tokens."""
    current: list[Token] = []
    find = text.find
    # Every non-space character belongs to some token, so only whitespace lies between tokens:
    # each token is the next occurrence of its string, and a line break before the token's
    # start (a paragraph end) lies in the gap before it.
    end = 0
    newline = find("\n")
    for token in TOKEN_RE.findall(text):
        start = find(token, end)
        if 0 <= newline < start:
            if current:
                yield current
                current = []
            newline = find("\n", start)
        end = start + len(token)
        current.append((token, start, end))
        if token in SENTENCE_END or len(current) >= max_tokens:
            yield current
            current = []
    if current:
        yield current
