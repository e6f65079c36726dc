"""Pelican plugin: time the build's stages (reading, tagging, indexing, export, rendering) and
write them to build-timing.json in the cache folder (not the output, which stays deterministic)."""

from __future__ import annotations

import time

from pelican import signals

from newsarchive import timing

MARKS: dict[str, float] = {}


def start(pelican) -> None:
    """Start the clock for a new build."""
    timing.reset()
    MARKS.clear()
    MARKS["start"] = time.perf_counter()


def read_done(generator) -> None:
    """Articles are read: the reading stage ends here."""
    timing.add("reading", time.perf_counter() - MARKS["start"])


def writing_starts(writer) -> None:
    """Contexts are complete; from here on Pelican renders and writes pages."""
    MARKS["writing"] = time.perf_counter()
    MARKS["before_writing"] = timing.serial_seconds()


def finish(pelican) -> None:
    """Record rendering (writing less the stages timed inside it) and save the log."""
    if "writing" in MARKS:
        inside = timing.serial_seconds() - MARKS["before_writing"]
        timing.add("rendering", time.perf_counter() - MARKS["writing"] - inside)
    timing.add("total", time.perf_counter() - MARKS["start"])
    timing.save(pelican.settings["CACHE_PATH"])
    print(timing.summary())


def register() -> None:
    """Wire the clock into Pelican's build."""
    signals.initialized.connect(start)
    signals.article_generator_pretaxonomy.connect(read_done)
    signals.get_writer.connect(writing_starts)
    signals.finalized.connect(finish)
