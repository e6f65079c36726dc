"""A build stage's output folder, kept in the cache under the digest of the stage's inputs: when
the inputs did not change the stage is skipped, and its files are linked into the site."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

from newsarchive.jsoncache import write_atomically
from newsarchive.pagereuse import keep_file


def reuse_or_make(
    folder: Path | str, key: str, make: Callable[[Path], dict]
) -> tuple[Path, dict, bool]:
    """The stage's files and result for these inputs: (files folder, result, reused).

    make(files_folder) runs the stage and returns plain data. The folder holds the previous
    run's files, or none: the stage updates them, leaving a file whose bytes did not change as
    it is and putting a new file (not new bytes in the old one: the files are linked into the
    site) where they did.
    """
    folder = Path(folder)
    files, stamp = folder / "files", folder / "stage.json"
    try:
        previous = json.loads(stamp.read_text("utf-8"))
        if previous["key"] == key and files.is_dir():
            return files, previous["result"], True
    except (OSError, ValueError, KeyError, TypeError):
        pass
    stamp.unlink(missing_ok=True)  # from here the folder holds no valid stage until the end
    files.mkdir(parents=True, exist_ok=True)
    result = make(files)
    write_atomically(stamp, json.dumps({"key": key, "result": result}))
    return files, result, False


def link_tree(source: Path | str, target: Path | str) -> int:
    """Put every file under source at the same place under target; return how many."""
    # Plain strings, not Path objects: a stage can have tens of thousands of files.
    source, target = os.fspath(source), os.fspath(target)
    count = 0
    for folder, _, names in os.walk(source):
        destination = os.path.join(target, os.path.relpath(folder, source))
        os.makedirs(destination, exist_ok=True)
        for name in names:
            keep_file(os.path.join(folder, name), os.path.join(destination, name))
            count += 1
    return count
