"""Pelican reader for raw scraped Arabic articles (.txt): boilerplate out, headline as title."""

from __future__ import annotations

import logging
from datetime import datetime
from html import escape
from pathlib import Path

from pelican import signals
from pelican.readers import BaseReader

from newsarchive.arabic import INVISIBLE_RE
from newsarchive.rawarticle import parse_article
from newsarchive.slugs import safe_slug
from newsarchive.textfile import DEFAULT_MAX_BYTES, read_text

log = logging.getLogger(__name__)

DEFAULTS = {
    "RAW_READER_EXTENSIONS": ["txt"],
    "RAW_READER_MAX_BYTES": DEFAULT_MAX_BYTES,
}
# An author field longer than this is a sentence scraped into the wrong field.
MAX_AUTHOR_WORDS = 10
# Undated articles sort last and are kept out of the date archives; the page says 'undated'.
UNDATED = datetime(1970, 1, 1)


def setting(settings: dict, name: str):
    """A setting of this plugin, or its default."""
    return settings.get(name, DEFAULTS[name])


class RawArticleReader(BaseReader):
    """Reads a raw article file into Pelican content and metadata."""

    enabled = True
    file_extensions = DEFAULTS["RAW_READER_EXTENSIONS"]

    def read(self, source_path: str):
        """Parse one file; raise with a specific message when it cannot become an article."""
        decoded = read_text(source_path, setting(self.settings, "RAW_READER_MAX_BYTES"))
        if decoded.unusual:
            log.warning("%s: decoded as %s, not UTF-8", source_path, decoded.encoding)
        if decoded.repaired:
            log.warning("%s: repaired mojibake (%s)", source_path, decoded.repaired)
        parsed = parse_article(decoded.text)
        for warning in parsed.warnings:
            log.warning("%s: %s", source_path, warning)
        if not parsed.paragraphs:
            raise ValueError("no article text left after removing boilerplate")
        title = parsed.title
        if not title:
            title = " ".join(parsed.paragraphs[0].split()[:12]) + "…"
            log.warning("%s: no headline found; title taken from the first words", source_path)
        clean_title = INVISIBLE_RE.sub("", title)
        if clean_title != title:
            log.warning("%s: invisible direction/format characters removed from title", source_path)
        meta = dict(parsed.metadata)
        metadata = {
            "title": self.process_metadata("title", clean_title),
            "slug": article_slug(meta.pop("slug", None), source_path),
            "plaintext": parsed.plaintext,
            "boilerplate_removed": parsed.removed,
        }
        metadata.update(self.read_date(meta.pop("date", None), source_path))
        author = meta.get("author", "")
        if len(author.split()) > MAX_AUTHOR_WORDS:
            log.warning(
                "%s: author field of %d words is not a name; ignored",
                source_path,
                len(author.split()),
            )
            del meta["author"]
        if "url" in meta:
            metadata["original_url"] = meta.pop("url")
        for key, value in meta.items():
            metadata[key] = self.process_metadata(key, value)
        content = "\n".join(f"<p>{escape(p, quote=False)}</p>" for p in parsed.paragraphs)
        return content, metadata

    def read_date(self, value: str | None, source_path: str) -> dict:
        """The article's date, or the undated marker with a warning: never an invented date."""
        if value:
            try:
                return {"date": self.process_metadata("date", value), "undated": False}
            except (ValueError, OverflowError) as error:
                log.warning(
                    "%s: impossible date %r (%s); published undated", source_path, value, error
                )
        else:
            log.warning("%s: no date given; published undated", source_path)
        return {"date": UNDATED, "undated": True}


def article_slug(given: str | None, source_path: str) -> str:
    """The article's stable slug: the one given, else the file name; never a transliteration."""
    return safe_slug(given or Path(source_path).stem)


def add_reader(readers) -> None:
    """Register the raw reader for its file extensions."""
    extensions = setting(readers.settings, "RAW_READER_EXTENSIONS")
    for extension in extensions:
        readers.reader_classes[extension] = RawArticleReader


def register() -> None:
    """Wire the reader into Pelican."""
    signals.readers_init.connect(add_reader)
