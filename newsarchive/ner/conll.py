"""Read CoNLL files (token, tab, IOB2 tag) and turn tag sequences into entity spans."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

# The types the tagger learns; any other type (MISC in ANERcorp) is read as outside.
ENTITY_TYPES = ("PER", "LOC", "ORG")

Sentence = tuple[list[str], list[str]]


def clean_tag(tag: str) -> str:
    """Map a gold tag to the tagger's tag set: MISC and unknown types become O."""
    if tag == "O" or "-" not in tag:
        return "O"
    prefix, _, etype = tag.partition("-")
    if prefix not in ("B", "I") or etype not in ENTITY_TYPES:
        return "O"
    return f"{prefix}-{etype}"


def parse_conll(lines: Iterable[str]) -> list[Sentence]:
    """Parse CoNLL lines into (tokens, tags) sentences; blank lines separate sentences."""
    sentences: list[Sentence] = []
    tokens: list[str] = []
    tags: list[str] = []
    for raw in lines:
        line = raw.rstrip("\r\n")
        if not line.strip():
            if tokens:
                sentences.append((tokens, tags))
                tokens, tags = [], []
            continue
        token, _, tag = line.rpartition("\t") if "\t" in line else line.rpartition(" ")
        if not token:  # a line with a single field: a token without a tag
            token, tag = tag, "O"
        tokens.append(token)
        tags.append(clean_tag(tag.strip()))
    if tokens:
        sentences.append((tokens, tags))
    return sentences


def read_conll(path: str | Path) -> list[Sentence]:
    """Read a CoNLL file into (tokens, tags) sentences."""
    with open(path, encoding="utf-8") as handle:
        return parse_conll(handle)


def spans(tags: list[str]) -> list[tuple[str, int, int]]:
    """Entity spans (type, first token, end token exclusive) of an IOB2 sequence, conlleval-style.

    Like conlleval, an I- tag that does not continue an entity of its type starts a new one.
    """
    found: list[tuple[str, int, int]] = []
    etype: str | None = None
    start = 0
    for i, tag in enumerate([*tags, "O"]):
        prefix, _, kind = tag.partition("-")
        continues = prefix == "I" and kind == etype
        if etype is not None and not continues:
            found.append((etype, start, i))
            etype = None
        if prefix in ("B", "I") and not continues:
            etype, start = kind, i
    return found
