"""Drive a Pelican build of the archive: the one module besides the plugins that imports Pelican."""

from __future__ import annotations

import json
from pathlib import Path

from newsarchive.sitecommit import clear_files, commit

REPO = Path(__file__).resolve().parents[1]
SETTINGS = REPO / "pelicanconf.py"
REPORT = "build-report.json"


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
    Pelican(settings).run()
    commit(staging, output)
    report = output / settings.get("BUILD_REPORT_SAVE_AS", REPORT)
    return json.loads(report.read_text(encoding="utf-8")) if report.exists() else {}
