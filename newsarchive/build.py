"""Drive a Pelican build of the archive: the one module besides the plugins that imports Pelican."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SETTINGS = REPO / "pelicanconf.py"
REPORT = "build-report.json"


def build_site(
    content: Path | str,
    output: Path | str,
    settings_file: Path | str = SETTINGS,
    **overrides,
) -> dict:
    """Build the site from content into output, atomically; return the build report's data."""
    from pelican import Pelican
    from pelican.settings import read_settings

    output = Path(output).resolve()
    # Build beside the output and swap it in at the end: a build killed half way leaves the
    # previous site whole.
    staging = output.with_name(output.name + ".building")
    shutil.rmtree(staging, ignore_errors=True)
    override = {"PATH": str(Path(content).resolve()), "OUTPUT_PATH": str(staging), **overrides}
    settings = read_settings(str(settings_file), override=override)
    Pelican(settings).run()
    swap_in(staging, output)
    report = output / settings.get("BUILD_REPORT_SAVE_AS", REPORT)
    return json.loads(report.read_text(encoding="utf-8")) if report.exists() else {}


def swap_in(staging: Path, output: Path) -> None:
    """Replace output by staging with two renames, removing the old site afterwards."""
    previous = output.with_name(output.name + ".previous")
    shutil.rmtree(previous, ignore_errors=True)
    if output.exists():
        output.rename(previous)
    staging.rename(output)
    shutil.rmtree(previous, ignore_errors=True)
