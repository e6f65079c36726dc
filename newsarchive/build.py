"""Drive a Pelican build of the archive: the one module besides the plugins that imports Pelican."""

from __future__ import annotations

import json
import shutil
import threading
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
    previous = output.with_name(output.name + ".previous")
    # The site before last goes while this one builds: removing one folder per article is
    # slow on some disks (online discard), and needs no CPU.
    remover = threading.Thread(target=shutil.rmtree, args=(previous, True), daemon=True)
    remover.start()
    shutil.rmtree(staging, ignore_errors=True)
    override = {
        "PATH": str(Path(content).resolve()),
        "OUTPUT_PATH": str(staging),
        # Pages whose inputs did not change are linked from the live site, not rendered again.
        "INCREMENTAL_PREVIOUS_OUTPUT_PATH": str(output),
        **overrides,
    }
    settings = read_settings(str(settings_file), override=override)
    Pelican(settings).run()
    remover.join()
    swap_in(staging, output, previous)
    report = output / settings.get("BUILD_REPORT_SAVE_AS", REPORT)
    return json.loads(report.read_text(encoding="utf-8")) if report.exists() else {}


def swap_in(staging: Path, output: Path, previous: Path) -> None:
    """Replace output by staging with two renames; the old site stays as previous until the
    next build removes it."""
    if output.exists():
        output.rename(previous)
    staging.rename(output)
