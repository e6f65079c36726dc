"""Parse a raw scraped Arabic article into a title, body paragraphs and metadata."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from newsarchive import boilerplate as bp
from newsarchive.arabic import fold_presentation_forms

# Pelican-style metadata lines that may open a file; they override what is inferred.
METADATA_KEYS = (
    "title",
    "date",
    "source",
    "source_id",
    "category",
    "url",
    "author",
    "slug",
    "summary",
)
METADATA_RE = re.compile(r"^(?P<key>[A-Za-z_]+):[ \t]*(?P<value>.*)$")
# Control characters (C0 but tab and newlines, DEL, C1): scraping debris, invalid in XML feeds.
CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Recurring boilerplate is looked for only this many lines from each end of the body.
EDGE_LINES = 3
# Lines above the first line longer than this are the header zone (masthead, headline, captions).
HEADER_LINE_MAX_WORDS = 15


@dataclass
class ParsedArticle:
    """A raw article after boilerplate removal: plain data for the next stage."""

    title: str | None
    paragraphs: list[str]
    metadata: dict[str, str] = field(default_factory=dict)
    removed: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def plaintext(self) -> str:
        """The body as plain text, paragraphs separated by blank lines."""
        return "\n\n".join(self.paragraphs)


def split_metadata(lines: list[str]) -> tuple[dict[str, str], list[str], list[str]]:
    """Split leading 'Key: value' lines off; return metadata, remaining lines, warnings."""
    metadata: dict[str, str] = {}
    warnings: list[str] = []
    index = 0
    for index, line in enumerate(lines):  # noqa: B007 - index is used after the loop
        match = METADATA_RE.match(line.strip())
        if not match:
            break
        key = match["key"].lower()
        if key not in METADATA_KEYS:
            warnings.append(f"unknown metadata key {match['key']!r} ignored")
        elif match["value"].strip():
            metadata[key] = match["value"].strip()
    else:
        index = len(lines)
    return metadata, lines[index:], warnings


def header_zone(lines: list[str]) -> int:
    """Number of lines before the first line of prose: where mastheads, headline and captions sit."""
    for index, line in enumerate(lines):
        if bp.word_count(line) > HEADER_LINE_MAX_WORDS:
            return index
    return len(lines)


def parse_article(
    text: str,
    source: str | None = None,
    recurring: bp.RecurringLines | None = None,
    raw_page: bool = True,
) -> ParsedArticle:
    """Parse article text: metadata lines, boilerplate out, body kept.

    A raw page (the default) also loses its masthead and duplicated captions, and its headline
    becomes the title; a corpus body (raw_page=False) has a separate title and no header.
    """
    raw_lines = (
        CONTROL_RE.sub("", fold_presentation_forms(text))
        .replace("\r\n", "\n")
        .replace("\r", "\n")
        .split("\n")
    )
    metadata, raw_lines, warnings = split_metadata(raw_lines)
    source = metadata.get("source", source)
    article = ParsedArticle(metadata.pop("title", None), [], metadata, warnings=warnings)
    lines = [line.strip() for line in raw_lines if line.strip()]
    lines = drop_line_rules(lines, source, article)
    if raw_page:
        # Only a scraped page has a masthead and captions; a corpus body starts below them.
        lines = drop_masthead(lines, article)
        lines = drop_repeated_captions(lines, article)
    if recurring is not None and source:
        lines = drop_recurring(lines, source, recurring, article)
    if raw_page and article.title is None and lines and header_zone(lines) > 0:
        article.title = lines.pop(0)
    article.paragraphs = lines
    return article


def drop_line_rules(lines: list[str], source: str | None, article: ParsedArticle) -> list[str]:
    """Apply the rules that judge one line alone: agency markers, SMS blocks, bylines."""
    kept = []
    for position, line in enumerate(lines):
        stripped = bp.strip_trailing_marker(line)
        if stripped != line:
            article.removed.append((bp.AGENCY_MARKER, line[len(stripped) :].strip()))
            line = stripped.strip()
            if not line:
                continue
        if bp.is_agency_marker(line):
            article.removed.append((bp.AGENCY_MARKER, line))
        elif bp.is_sms_line(line):
            article.removed.append((bp.SMS_BLOCK, line))
        elif position < 2 and (author := bp.parse_byline(line, source)):
            article.removed.append((bp.BYLINE, line))
            article.metadata.setdefault("author", author)
        else:
            kept.append(line)
    return kept


def drop_masthead(lines: list[str], article: ParsedArticle) -> list[str]:
    """Drop a newspaper's masthead lines above the headline, with the editor's name after each."""
    zone = header_zone(lines)
    kept = []
    previous_masthead = False
    for index, line in enumerate(lines):
        masthead = index < zone and bp.is_masthead_line(line)
        # The editor's name follows the masthead's title line.
        if masthead or (previous_masthead and bp.word_count(line) <= 4):
            article.removed.append((bp.MASTHEAD, line))
        else:
            kept.append(line)
        previous_masthead = masthead
    return kept


def drop_repeated_captions(lines: list[str], article: ParsedArticle) -> list[str]:
    """Drop short lines repeated back to back in the header zone: duplicated photo captions."""
    zone = header_zone(lines)
    kept = []
    for index, line in enumerate(lines):
        short = bp.word_count(line) <= bp.SHORT_LINE_WORDS
        twin = (index > 0 and lines[index - 1] == line) or (
            index + 1 < len(lines) and lines[index + 1] == line
        )
        if index < zone and short and twin:
            article.removed.append((bp.REPEATED_SHORT_LINE, line))
        else:
            kept.append(line)
    return kept


def drop_recurring(
    lines: list[str], source: str, recurring: bp.RecurringLines, article: ParsedArticle
) -> list[str]:
    """Drop short lines near the body's edges that recur across many articles of the source."""
    last = len(lines) - EDGE_LINES
    kept = []
    for index, line in enumerate(lines):
        near_edge = index < EDGE_LINES - 1 or index >= last
        if near_edge and recurring.is_recurring(source, line):
            article.removed.append((bp.RECURRING_LINE, line))
            # A recurring line above the text names its writer ('name – city').
            if index == 0 and bp.BYLINE_RE.match(line):
                article.metadata.setdefault("author", line)
        else:
            kept.append(line)
    return kept
