"""Pelican reader for raw scraped Arabic articles (.txt): boilerplate out, headline as title."""

from __future__ import annotations

import logging
import os
import re
import time
from datetime import datetime
from pathlib import Path

from pelican import signals
from pelican.readers import BaseReader
from pelican.utils import SafeDatetime

from newsarchive.articlefile import read_article
from newsarchive.filedigests import FileDigests
from newsarchive.fingerprint import code_digest
from newsarchive.forkmap import fork_map
from newsarchive.jsoncache import ShardedJsonCache, digest
from newsarchive.memory import release_free_memory
from newsarchive.slugs import safe_slug
from newsarchive.textfile import DEFAULT_MAX_BYTES, UnreadableFile, read_limited

log = logging.getLogger(__name__)

DEFAULTS = {
    "RAW_READER_EXTENSIONS": ["txt"],
    "RAW_READER_MAX_BYTES": DEFAULT_MAX_BYTES,
    "RAW_READER_CACHE_PATH": None,  # default: CACHE_PATH/articles
    "RAW_READER_PROCS": 2,  # processes parsing the files the cache does not hold, ahead of Pelican
}
# An author field longer than this is a sentence scraped into the wrong field.
MAX_AUTHOR_WORDS = 10
# Undated articles sort last and are kept out of the date archives; the page says 'undated'.
UNDATED = datetime(1970, 1, 1)
# Dates Pelican's dateutil parsing and datetime.fromisoformat read alike.
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2})?)?")
NEWSARCHIVE = Path(__file__).resolve().parents[2] / "newsarchive"
DIGESTS = "file-digests.json"  # in the cache folder, beside the shards of parsed files


def setting(settings: dict, name: str):
    """A setting of this plugin, or its default."""
    return settings.get(name, DEFAULTS[name])


class RawArticleReader(BaseReader):
    """Reads a raw article file into Pelican content and metadata."""

    enabled = True
    file_extensions = DEFAULTS["RAW_READER_EXTENSIONS"]
    # Parsed files by the digest of their bytes and of the code that parsed them; the digests
    # of the files by their stat, so that a file that did not change is not read again.
    cache: ShardedJsonCache | None = None
    digests = FileDigests(None)
    code = ""

    @classmethod
    def key(cls, path: str, max_bytes: int) -> tuple[str, bytes | None]:
        """The file's key in the cache, and its bytes when they had to be read."""
        stat, known = cls.digests.lookup(path)
        if known is not None:
            return digest(cls.code, known), None
        data = read_limited(path, max_bytes)
        return digest(cls.code, cls.digests.store(path, stat, data)), data

    @classmethod
    def parse_ahead(cls, paths: list[str], max_bytes: int, procs: int) -> int:
        """Parse the files the cache does not hold, in procs processes, so that Pelican's reading
        one file at a time finds them all parsed; return how many. A file that cannot be read is
        left to Pelican's reading, which reports it."""
        todo: dict[str, bytes] = {}  # by key: the same bytes twice are parsed once
        for path in paths:
            try:
                key, data = cls.key(path, max_bytes)
                if cls.cache.get(key) is None:
                    todo[key] = data if data is not None else read_limited(path, max_bytes)
            except (OSError, UnreadableFile):
                continue
        records = fork_map(parsed_or_none, list(todo.values()), procs)
        for key, record in zip(todo, records, strict=True):
            if record is not None:
                cls.cache.put(key, record)
        return len(todo)

    def read(self, source_path: str):
        """Parse one file (or reuse its parse); raise with a specific message when it cannot
        become an article."""
        max_bytes = setting(self.settings, "RAW_READER_MAX_BYTES")
        key, data = self.key(source_path, max_bytes)
        record = self.cache.get(key) if self.cache else None
        if record is None:
            record = read_article(read_limited(source_path, max_bytes) if data is None else data)
            if self.cache:
                self.cache.put(key, record)
        for warning in record["warnings"]:
            log.warning("%s: %s", source_path, warning)
        meta = dict(record["metadata"])
        metadata = {
            "title": self.process_metadata("title", record["title"]),
            "slug": article_slug(meta.pop("slug", None), source_path),
            "plaintext": record["plaintext"],
            "boilerplate_removed": record["removed"],
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
        return record["html"], metadata

    def read_date(self, value: str | None, source_path: str) -> dict:
        """The article's date, or the undated marker with a warning: never an invented date."""
        if value:
            try:
                return {"date": self.parse_date(value), "undated": False}
            except (ValueError, OverflowError) as error:
                log.warning(
                    "%s: impossible date %r (%s); published undated", source_path, value, error
                )
        else:
            log.warning("%s: no date given; published undated", source_path)
        return {"date": UNDATED, "undated": True}

    def parse_date(self, value: str):
        """The date as Pelican reads it. A plain ISO date (as imports write) is read without
        dateutil, which took 2.1 of the 14 profiled seconds reading 10,010 cached articles."""
        if ISO_DATE.fullmatch(value):
            try:
                return SafeDatetime.fromisoformat(value)
            except ValueError:
                pass  # an impossible date: Pelican's reading says why
        return self.process_metadata("date", value)


def parsed_or_none(data: bytes) -> dict | None:
    """The article in a file's bytes, or None when reading it will report why there is none."""
    try:
        return read_article(data)
    except ValueError:  # UnreadableFile, NoArticle
        return None


def article_slug(given: str | None, source_path: str) -> str:
    """The article's stable slug: the one given, else the file name; never a transliteration."""
    return safe_slug(given or Path(source_path).stem)


def add_reader(readers) -> None:
    """Register the raw reader for its file extensions, with the cache of parsed files."""
    settings = readers.settings
    for extension in setting(settings, "RAW_READER_EXTENSIONS"):
        readers.reader_classes[extension] = RawArticleReader
    folder = setting(settings, "RAW_READER_CACHE_PATH") or os.path.join(
        settings["CACHE_PATH"], "articles"
    )
    # Each generator makes its readers: the first of a build makes the cache, the others share it.
    if RawArticleReader.cache is None or RawArticleReader.cache.folder != Path(folder):
        RawArticleReader.cache = ShardedJsonCache(folder)
        RawArticleReader.digests = FileDigests(Path(folder) / DIGESTS)
    RawArticleReader.code = code_digest([NEWSARCHIVE], suffixes=(".py",)) + str(
        setting(settings, "RAW_READER_MAX_BYTES")
    )


def parse_articles_ahead(generator) -> None:
    """Parse the articles Pelican is about to read that the cache does not hold, on every core."""
    settings = generator.settings
    files = generator.get_files(
        settings["ARTICLE_PATHS"],
        exclude=settings["ARTICLE_EXCLUDES"],
        extensions=setting(settings, "RAW_READER_EXTENSIONS"),
    )
    paths = sorted(os.path.join(generator.path, name) for name in files)
    started = time.perf_counter()
    parsed = RawArticleReader.parse_ahead(
        paths, setting(settings, "RAW_READER_MAX_BYTES"), setting(settings, "RAW_READER_PROCS")
    )
    if parsed:
        log.info("raw reader: parsed %d files in %.1fs", parsed, time.perf_counter() - started)


def save_cache(generators) -> None:
    """Keep this build's parsed files for the next build, and free them: every article is read."""
    if RawArticleReader.cache is not None:
        # Every article was looked up: the rest are parses of files since edited or removed, or
        # by older code, which each later build would otherwise load again.
        RawArticleReader.cache.prune()
        RawArticleReader.cache.save()
        RawArticleReader.digests.save()
        RawArticleReader.cache, RawArticleReader.digests = None, FileDigests(None)
        # Every parsed article (a fifth of the build's memory at 30,000 articles) goes back to
        # the system before the search stage forks and the pages render.
        release_free_memory()


def register() -> None:
    """Wire the reader into Pelican."""
    signals.readers_init.connect(add_reader)
    signals.article_generator_init.connect(parse_articles_ahead)
    signals.all_generators_finalized.connect(save_cache)
