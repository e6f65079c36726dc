"""Pelican plugin: account for every input file (published, duplicate or skipped, with warnings)
in build-report.json, and keep duplicate articles (same slug or same text) out of the site."""

from __future__ import annotations

import logging

from pelican import signals
from pelican.log import LimitFilter

from newsarchive.report import BuildReport, find_duplicates

log = logging.getLogger(__name__)

DEFAULTS = {"BUILD_REPORT_SAVE_AS": "build-report.json"}
# Pelican logs a file it could not read with this message; the exception is the reason.
PELICAN_READ_ERROR = "Could not process"


class ReportHandler(logging.Handler):
    """Sends every warning that names an input file to the build report."""

    def __init__(self, report: BuildReport) -> None:
        super().__init__(logging.WARNING)
        self.report = report

    def emit(self, record: logging.LogRecord) -> None:
        args = record.args if isinstance(record.args, tuple) else ()
        path = args[0] if args and isinstance(args[0], str) else None
        if path is None or self.report.key(path) is None:
            self.report.warn(None, record.getMessage())
        elif record.msg.startswith(PELICAN_READ_ERROR) and len(args) > 1:
            self.report.warn(path, f"could not read: {args[1]}")
        else:
            message = record.getMessage().replace(path, "", 1).lstrip(": ")
            self.report.warn(path, message)


class BuildReportPlugin:
    """State of one build's report, between Pelican's signals."""

    report: BuildReport | None = None
    handler: ReportHandler | None = None

    @classmethod
    def start(cls, pelican) -> None:
        """Start a report listing the content folder, and listen for warnings."""
        # Pelican drops a warning it has logged before in this process; each build reports all.
        LimitFilter._raised_messages.clear()
        LimitFilter._group_count.clear()
        cls.report = BuildReport.for_folder(pelican.path)
        cls.handler = ReportHandler(cls.report)
        logging.getLogger().addHandler(cls.handler)

    @classmethod
    def drop_duplicates(cls, generator) -> None:
        """Keep the first of articles sharing a slug or a text; report the others."""
        articles = generator.articles + generator.translations
        items = [(a.source_path, a.slug, a.metadata.get("plaintext", a.content)) for a in articles]
        dropped = set()
        for path, first, reason in find_duplicates(items):
            cls.report.duplicate(path, first, reason)
            log.warning("%s: duplicate article, %s %s; not published", path, reason, first)
            dropped.add(path)
        # Articles of one language sharing a slug are not translations of each other here.
        generator.translations = []
        generator.articles = sorted(
            (a for a in articles if a.source_path not in dropped),
            key=lambda a: (a.date, a.slug),
            reverse=True,
        )

    @classmethod
    def published(cls, generators) -> None:
        """Record the page each article and page became."""
        for generator in generators:
            for item in getattr(generator, "articles", []) + getattr(generator, "pages", []):
                cls.report.published(item.source_path, item.url)

    @classmethod
    def finish(cls, pelican) -> None:
        """Write build-report.json and print the summary."""
        logging.getLogger().removeHandler(cls.handler)
        cls.report.finish()
        save_as = pelican.settings.get("BUILD_REPORT_SAVE_AS", DEFAULTS["BUILD_REPORT_SAVE_AS"])
        cls.report.write(pelican.output_path + "/" + save_as)
        print(cls.report.summary())


def register() -> None:
    """Wire the report into Pelican's build."""
    signals.initialized.connect(BuildReportPlugin.start)
    signals.article_generator_pretaxonomy.connect(BuildReportPlugin.drop_duplicates)
    signals.all_generators_finalized.connect(BuildReportPlugin.published)
    signals.finalized.connect(BuildReportPlugin.finish)
