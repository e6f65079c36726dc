"""From a raw article file's bytes to the plain record the reader publishes: decoding, parsing,
title and HTML, with the warnings to report. Plain data, so a rebuild can reuse it unchanged."""

from __future__ import annotations

from html import escape

from newsarchive.arabic import INVISIBLE_RE
from newsarchive.rawarticle import parse_article
from newsarchive.textfile import decode_text

# Words of the first paragraph that stand in for a missing headline.
TITLE_FALLBACK_WORDS = 12


class NoArticle(ValueError):
    """The file holds no article text; the message says why."""


def read_article(data: bytes) -> dict:
    """The article in a file's bytes: {title, html, plaintext, removed, metadata, warnings}."""
    decoded = decode_text(data)
    warnings = []
    if decoded.unusual:
        warnings.append(f"decoded as {decoded.encoding}, not UTF-8")
    if decoded.repaired:
        warnings.append(f"repaired mojibake ({decoded.repaired})")
    parsed = parse_article(decoded.text)
    warnings += parsed.warnings
    if not parsed.paragraphs:
        raise NoArticle("no article text left after removing boilerplate")
    title = parsed.title
    if not title:
        words = parsed.paragraphs[0].split()[:TITLE_FALLBACK_WORDS]
        title = " ".join(words) + "…"
        warnings.append("no headline found; title taken from the first words")
    clean_title = INVISIBLE_RE.sub("", title)
    if clean_title != title:
        warnings.append("invisible direction/format characters removed from title")
    return {
        "title": clean_title,
        "html": "\n".join(f"<p>{escape(p, quote=False)}</p>" for p in parsed.paragraphs),
        "plaintext": parsed.plaintext,
        "removed": [list(item) for item in parsed.removed],
        "metadata": dict(parsed.metadata),
        "warnings": warnings,
    }
