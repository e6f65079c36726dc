"""Drive a Pelican build of the archive: the one module besides the plugins that imports Pelican."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from newsarchive import timing
from newsarchive.buildstamp import BuildStamp, input_digest
from newsarchive.memory import young_collections_only
from newsarchive.sitecommit import clear_files, commit

REPO = Path(__file__).resolve().parents[1]
SETTINGS = REPO / "pelicanconf.py"
REPORT = "build-report.json"
STAMP = "build-stamp.json"
KEPT = "kept-pages.json"  # in CACHE_PATH: the pages the incremental writer kept from the output
DEFAULTS = {
    # Skip the whole build when content, settings, code and output are as the last build left
    # them (only with INCREMENTAL_ENABLED, which renders every page when off).
    "INCREMENTAL_SKIP_UNCHANGED": True,
}


def build_site(
    content: Path | str,
    output: Path | str,
    settings_file: Path | str = SETTINGS,
    **overrides,
) -> dict:
    """Build the site from content into output (beside it, then moved in); return the report."""
    from pelican import Pelican
    from pelican.settings import read_settings

    output = Path(output).resolve()
    # Build beside the output and move what changed in at the end: a build that fails or is
    # killed while Pelican runs leaves the previous site as it was.
    staging = output.with_name(output.name + ".building")
    clear_files(staging)  # what a killed build left
    override = {
        "PATH": str(Path(content).resolve()),
        "OUTPUT_PATH": str(staging),
        # Pages whose inputs did not change are linked from the live site, not rendered again.
        "INCREMENTAL_PREVIOUS_OUTPUT_PATH": str(output),
        **overrides,
    }
    settings = read_settings(str(settings_file), override=override)
    # Kept pages are listed rather than linked into the staging folder: they are already live.
    default_list = os.path.join(settings["CACHE_PATH"], KEPT)
    kept_list = Path(settings.setdefault("INCREMENTAL_KEPT_LIST_PATH", default_list))
    stamp = BuildStamp(Path(settings["CACHE_PATH"]) / STAMP)
    started = time.perf_counter()
    inputs = input_digest(settings, [REPO / "newsarchive", REPO / "plugins", settings["THEME"]])
    report_file = output / settings.get("BUILD_REPORT_SAVE_AS", REPORT)
    if may_skip(settings) and stamp.is_current(inputs, output):
        skipped(settings, time.perf_counter() - started, report_file)
        return read_report(report_file)
    stamp.forget()
    kept_list.unlink(missing_ok=True)  # a killed build's
    # To the end: once full collections come back, the first one scans all the build made.
    with young_collections_only():
        Pelican(settings).run()
        commit(staging, output, keep=read_kept(kept_list))
        kept_list.unlink(missing_ok=True)
        stamp.save(inputs, output)
        return read_report(report_file)


def read_kept(path: Path) -> set[str]:
    """The pages the incremental writer kept from the live site (none when it is off)."""
    return set(json.loads(path.read_text("utf-8"))) if path.exists() else set()


def read_report(path: Path) -> dict:
    """The build report, or nothing when the report plugin is off."""
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def may_skip(settings: dict) -> bool:
    """Whether a build with nothing changed may be skipped whole."""
    enabled = settings.get("INCREMENTAL_ENABLED", True)
    return enabled and settings.get(
        "INCREMENTAL_SKIP_UNCHANGED", DEFAULTS["INCREMENTAL_SKIP_UNCHANGED"]
    )


def skipped(settings: dict, seconds: float, report_file: Path) -> None:
    """Log a build skipped whole: its content, settings, code and output are as last time."""
    timing.reset()
    timing.add("checking", seconds)
    timing.add("total", seconds)
    for count in ("pages rendered", "pages written", "articles tagged"):
        timing.note(count, 0)
    timing.note("up to date", 1)
    timing.save(settings["CACHE_PATH"])
    print(f"build: nothing changed since the last build; kept the site as it is ({seconds:.1f}s)")
    skipped_inputs = read_report(report_file).get("counts", {}).get("skipped")
    if skipped_inputs:
        print(f"build: {skipped_inputs} input(s) skipped, as before: see {report_file}")
