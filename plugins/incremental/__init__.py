"""Pelican plugin: the archive's writer. It lays listings out in stable pages (newsarchive.
pagination), renders only the pages whose inputs changed since the previous build, and keeps the
previous build's file for the rest (newsarchive.fingerprint, newsarchive.pagereuse): listed, for
the caller that moves the new files into the previous output, or else hard-linked.
"""

from __future__ import annotations

import json
import logging
import os
from collections import ChainMap
from functools import cache, partial
from pathlib import Path

from pelican import signals
from pelican.utils import get_relative_path, path_to_url, sanitised_join
from pelican.writers import Writer

from newsarchive import timing
from newsarchive.background import WHILE_WAITING
from newsarchive.fingerprint import Fingerprinter, code_digest, template_variables
from newsarchive.pagereuse import PageManifest, keep_file, same_text
from newsarchive.pagination import stable_pages
from newsarchive.search import HOW_OPTIONS

log = logging.getLogger(__name__)

DEFAULTS = {
    "INCREMENTAL_ENABLED": True,
    # The live site to keep unchanged pages from; newsarchive.build sets it to the output.
    "INCREMENTAL_PREVIOUS_OUTPUT_PATH": None,
    "INCREMENTAL_MANIFEST_PATH": None,  # default: CACHE_PATH/pages.json
    # A file to list the kept pages in, instead of linking them into the output: the caller
    # moves the new files into the previous output, where the kept pages already are.
    "INCREMENTAL_KEPT_LIST_PATH": None,
}
# Settings that say how the build runs, not what a page holds: other values render no page again.
HOW_SETTINGS = HOW_OPTIONS | {
    "CACHE_PATH",
    "RAW_READER_CACHE_PATH",
    "RAW_READER_PROCS",
    "ENTITIES_CACHE_PATH",
    "ENTITIES_TAGGING_PROCS",
    "SEARCH_INDEX_PATH",
}
REPO = Path(__file__).resolve().parents[2]
PREPARED: list[Fingerprinter] = []  # this build's, digesting articles ahead of the writer
QUEUED: list = []  # its pieces of work queued in WHILE_WAITING
PREPARE_BATCH = 200  # articles digested ahead in one piece of waiting time


def setting(settings: dict, name: str):
    """A setting of this plugin, or its default."""
    return settings.get(name, DEFAULTS[name])


class ReusingTemplate:
    """A template whose render() asks the writer first whether the page can be kept."""

    def __init__(self, template, writer: IncrementalWriter) -> None:
        self.template = template
        self.writer = writer

    def render(self, context) -> str:
        """The page's HTML, or nothing when the writer keeps the previous file."""
        return self.writer.render(self.template, context)

    def __getattr__(self, name):
        """Everything else is the template's own."""
        return getattr(self.template, name)


class IncrementalWriter(Writer):
    """Pelican's writer, paginating listings stably and rendering a page only when its
    fingerprint changed (with INCREMENTAL_ENABLED)."""

    current: IncrementalWriter | None = None  # the writer of the build in progress

    def __init__(self, output_path, settings=None):
        super().__init__(output_path, settings=settings)
        manifest = setting(settings, "INCREMENTAL_MANIFEST_PATH") or os.path.join(
            settings["CACHE_PATH"], "pages.json"
        )
        self.manifest = PageManifest(
            manifest, setting(settings, "INCREMENTAL_PREVIOUS_OUTPUT_PATH")
        )
        roots = [REPO / "newsarchive", REPO / "plugins", settings["THEME"]]
        self.code = code_digest(roots)
        self.reuse = setting(settings, "INCREMENTAL_ENABLED")
        self.kept_list = setting(settings, "INCREMENTAL_KEPT_LIST_PATH")
        self.fingerprinter = None  # made on the first page, when the context is complete
        self._variables = {}
        self._kept: dict[str, Path | str] = {}
        self._folders: set[str] = set()
        self.rendered = 0
        IncrementalWriter.current = self

    def write_file(
        self,
        name,
        template,
        context,
        relative_urls=False,
        paginated=None,
        template_name=None,
        override_output=False,
        url=None,
        front_only=None,
        **kwargs,
    ):
        """Pelican's write_file, with listings cut into stable pages. Variables in front_only
        (and `dates`, the whole listing) go to a listing's front page only: a numbered page
        must not change when the listing gains an article."""
        if self.fingerprinter is None:
            # How this build runs, and reuses pages, does not change what a page is.
            shown = {
                k: v
                for k, v in context.items()
                if not k.startswith("INCREMENTAL_") and k not in HOW_SETTINGS
            }
            self.fingerprinter = take_prepared()
            self.fingerprinter.salt = (self.code + Fingerprinter("").settings(shown)).encode()
        template = ReusingTemplate(template, self)
        front_only = front_only or {}
        items = (kwargs if paginated is None else paginated).get("articles")
        per_page = self.settings["PAGINATED_TEMPLATES"].get(template_name, False)
        if items is None or per_page is False:
            kwargs |= front_only
            if not self._kept_page(name, template, context, relative_urls, paginated,
                                   template_name, override_output, kwargs):  # fmt: skip
                super().write_file(
                    name, template, context, relative_urls, paginated, template_name,
                    override_output, url, **kwargs,
                )  # fmt: skip
            return
        per_page = per_page or self.settings["DEFAULT_PAGINATION"]
        pattern = max(self.settings["PAGINATION_PATTERNS"], key=lambda p: p.min_page)
        # None hides the context's `dates` too: every article of the archive.
        numbered = kwargs | {"dates": None}
        for page in stable_pages(items, per_page, name, url, pattern):
            extra = kwargs | front_only if page.is_front else numbered
            extra |= {
                "articles_page": page,
                "articles_previous_page": page.newer,
                "articles_next_page": page.older,
            }
            if not self._kept_page(page.save_as, template, context, relative_urls, {},
                                   template_name, override_output, extra):  # fmt: skip
                super().write_file(
                    page.save_as, template, context, relative_urls, {}, template_name,
                    override_output, page.url, **extra,
                )  # fmt: skip

    def _kept_page(
        self, name, template, context, relative_urls, paginated, template_name, override, kwargs
    ) -> bool:
        """Keep the previous build's file of a page whose inputs did not change, without
        Pelican's writer (which copies the whole context for each page); False when the page
        is to be rendered, or Pelican would cut it into pages itself."""
        if not self.reuse or not name or override:
            return False
        if paginated is None:
            paginated = {k: v for k, v in kwargs.items() if k in {"articles", "dates"}}
        if paginated and template_name in self.settings["PAGINATED_TEMPLATES"]:
            return False
        path = sanitised_join(self.output_path, name)
        if path in self._written_files:
            return False  # Pelican's writer says why a page is written twice
        local = local_context(context, name, relative_urls, kwargs)
        old = self.manifest.record(name, self._fingerprint(template, local))
        if old is None:
            return False
        self._keep(name, old, path)
        self._written_files.add(path)
        self.manifest.reused += 1
        signals.content_written.send(path, context=local)
        return True

    def _keep(self, name: str, old: Path | str, path: str) -> None:
        """Keep the previous build's file of a page: listed for the caller to leave where it
        is (with INCREMENTAL_KEPT_LIST_PATH), else hard-linked into the output."""
        if self.kept_list:
            self.manifest.keep(name, old)
            return
        folder = os.path.dirname(path)
        if folder not in self._folders:
            os.makedirs(folder, exist_ok=True)
            self._folders.add(folder)
        keep_file(old, path)

    def _fingerprint(self, template, context) -> str:
        """The fingerprint of a page: its template's named variables in its context."""
        if template.name not in self._variables:
            self._variables[template.name] = template_variables(template.environment, template.name)
        return self.fingerprinter.page(self._variables[template.name], context)

    def render(self, template, context) -> str:
        """The page's HTML, or nothing when the previous build's file is kept instead: its
        inputs did not change, or the page came out byte for byte the same."""
        if not self.reuse:
            self.rendered += 1
            return template.render(context)
        name = context["output_file"]
        # Not looked at by _kept_page yet: a page Pelican paginated, or one that overrides.
        if name not in self.manifest.current:
            old = self.manifest.record(name, self._fingerprint(template, context))
            if old is not None:
                self._kept[name] = old
                return ""
        self.rendered += 1
        html = template.render(context)
        old = self.manifest.previous_file(name)
        if old is None or not same_text(old, html):
            return html
        self._kept[name] = old
        return ""

    def _open_w(self, filename, encoding, override=False):
        name = os.path.relpath(filename, self.output_path)
        old = self._kept.pop(name, None)
        if old is None:
            return super()._open_w(filename, encoding, override)
        # Pelican's own check that no page is written twice, without creating the file.
        if filename in self._written_files and not override:
            raise RuntimeError(f"File {filename} is to be overwritten")
        self._written_files.add(filename)
        self._keep(name, old, filename)
        self.manifest.reused += 1
        return open(os.devnull, "w", encoding=encoding)


def local_context(context, name: str, relative_urls: bool, kwargs: dict) -> ChainMap:
    """The context Pelican's writer gives a page's template, as a view rather than a copy."""
    own = {"localsiteurl": context.get("localsiteurl")}
    if relative_urls:
        own["SITEURL"] = own["localsiteurl"] = relative_root(name)
    own["output_file"] = name
    return ChainMap(own | kwargs, context)


def prepare_articles(generator) -> None:
    """Have the articles' attributes digested for their pages' fingerprints while the build
    waits for a stage in another process (the entities'), a few hundred at a time."""
    if not setting(generator.settings, "INCREMENTAL_ENABLED"):
        return
    take_prepared()  # an earlier build's, in this process, that never got to its pages
    fingerprinter = Fingerprinter("")  # salted once the writer has the whole context
    PREPARED.append(fingerprinter)
    articles = generator.articles
    for start in range(0, len(articles), PREPARE_BATCH):
        QUEUED.append(partial(fingerprinter.prepare, articles[start : start + PREPARE_BATCH]))
    WHILE_WAITING.extend(QUEUED)


def take_prepared() -> Fingerprinter:
    """This build's fingerprinter, with what it digested ahead; what it did not get to is
    left to the pages."""
    for task in QUEUED:
        if task in WHILE_WAITING:
            WHILE_WAITING.remove(task)
    QUEUED.clear()
    return PREPARED.pop() if PREPARED else Fingerprinter("")


def relative_root(name: str) -> str:
    """path_to_url(get_relative_path(name)), as Pelican's writer gives it: the same for every
    page as deep, so made once for each depth instead of splitting each name a folder at a
    time (1.5 s of 32,000 pages, profiled)."""
    return _relative_root(sum(1 for part in name.split("/") if part))


@cache
def _relative_root(parts: int) -> str:
    return path_to_url(get_relative_path("/".join(["x"] * parts)))


def get_writer(pelican):
    """Our writer: it reuses pages only with INCREMENTAL_ENABLED, but always paginates stably,
    so that the site's URLs do not depend on how it was built."""
    return IncrementalWriter


def save_manifest(pelican) -> None:
    """Record this build's pages for the next build."""
    writer = IncrementalWriter.current
    if writer is None or writer.output_path != pelican.output_path:
        return
    # Without reuse the manifest is saved empty: its pages were all written anew.
    writer.manifest.save(pelican.output_path)
    if writer.kept_list:
        Path(writer.kept_list).write_text(json.dumps(writer.manifest.kept), "utf-8")
    kept = writer.manifest.reused
    timing.note("pages rendered", writer.rendered)
    timing.note("pages kept", kept)
    timing.note(
        "pages written", len(writer.manifest.current) - kept if writer.reuse else writer.rendered
    )
    if writer.fingerprinter and writer.fingerprinter.unstable:
        log.debug("incremental: unstable digests for %s", sorted(writer.fingerprinter.unstable))
    IncrementalWriter.current = None


def register() -> None:
    """Wire the incremental writer into Pelican."""
    signals.get_writer.connect(get_writer)
    signals.article_generator_finalized.connect(prepare_articles)
    signals.finalized.connect(save_manifest)
