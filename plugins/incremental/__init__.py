"""Pelican plugin: render only the pages whose inputs changed since the previous build, and keep
the previous build's file (a hard link) for the rest. The work is in newsarchive.fingerprint
and newsarchive.pagereuse."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from pelican import signals
from pelican.writers import Writer

from newsarchive import timing
from newsarchive.fingerprint import Fingerprinter, code_digest, template_variables
from newsarchive.pagereuse import PageManifest, keep_file, same_text

log = logging.getLogger(__name__)

DEFAULTS = {
    "INCREMENTAL_ENABLED": True,
    # The live site to keep unchanged pages from; newsarchive.build sets it to the output.
    "INCREMENTAL_PREVIOUS_OUTPUT_PATH": None,
    "INCREMENTAL_MANIFEST_PATH": None,  # default: CACHE_PATH/pages.json
}
REPO = Path(__file__).resolve().parents[2]


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
    """Pelican's writer, rendering a page only when its fingerprint changed."""

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
        self.fingerprinter = None  # made on the first page, when the context is complete
        self._variables = {}
        self._kept: dict[str, Path] = {}
        self.rendered = 0
        IncrementalWriter.current = self

    def write_file(self, name, template, context, *args, **kwargs):
        if self.fingerprinter is None:
            self.fingerprinter = Fingerprinter(self.code + Fingerprinter("").settings(context))
        return super().write_file(name, ReusingTemplate(template, self), context, *args, **kwargs)

    def render(self, template, context) -> str:
        """The page's HTML, or nothing when the previous build's file is kept instead: its
        inputs did not change, or the page came out byte for byte the same."""
        if template.name not in self._variables:
            self._variables[template.name] = template_variables(template.environment, template.name)
        fingerprint = self.fingerprinter.page(self._variables[template.name], context)
        name = context["output_file"]
        old = self.manifest.record(name, fingerprint)
        if old is None:
            self.rendered += 1
            html = template.render(context)
            old = self.manifest.previous_file(name)
            if old is None or not same_text(old, html):
                return html
        self._kept[name] = old
        return ""

    def _open_w(self, filename, encoding, override=False):
        old = self._kept.pop(os.path.relpath(filename, self.output_path), None)
        if old is None:
            return super()._open_w(filename, encoding, override)
        # Pelican's own check that no page is written twice, without creating the file.
        if filename in self._written_files and not override:
            raise RuntimeError(f"File {filename} is to be overwritten")
        self._written_files.add(filename)
        keep_file(old, Path(filename))
        self.manifest.reused += 1
        return open(os.devnull, "w", encoding=encoding)


def get_writer(pelican):
    """Pelican's writer, or ours when incremental builds are on."""
    return IncrementalWriter if setting(pelican.settings, "INCREMENTAL_ENABLED") else None


def save_manifest(pelican) -> None:
    """Record this build's pages for the next build."""
    writer = IncrementalWriter.current
    if writer is None or writer.output_path != pelican.output_path:
        return
    writer.manifest.save(pelican.output_path)
    pages = len(writer.manifest.current)
    timing.note("pages rendered", writer.rendered)
    timing.note("pages kept", writer.manifest.reused)
    timing.note("pages written", pages - writer.manifest.reused)
    if writer.fingerprinter and writer.fingerprinter.unstable:
        log.debug("incremental: unstable digests for %s", sorted(writer.fingerprinter.unstable))
    IncrementalWriter.current = None


def register() -> None:
    """Wire the incremental writer into Pelican."""
    signals.get_writer.connect(get_writer)
    signals.finalized.connect(save_manifest)
