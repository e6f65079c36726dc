"""Move a freshly built site into the live one, touching only the files that differ: a page
kept from the previous build (the same file, hard-linked) or rebuilt byte for byte is left
alone, a changed file replaces the old one in one rename, a file no longer built goes."""

from __future__ import annotations

import filecmp
import os
from pathlib import Path


def same_file(built: str, live: str) -> bool:
    """True when the live file is the built one (a hard link) or has the same bytes."""
    try:
        a, b = os.stat(built), os.stat(live)
    except OSError:
        return False
    if (a.st_ino, a.st_dev) == (b.st_ino, b.st_dev):
        return True
    return a.st_size == b.st_size and filecmp.cmp(built, live, shallow=False)


def clear_files(folder: Path | str) -> None:
    """Delete the files under folder but keep its folders, which the next build reuses
    (removing one folder per article is slow on disks with online discard)."""
    for root, _, files in os.walk(folder):
        for name in files:
            os.unlink(os.path.join(root, name))


def commit(built: Path | str, live: Path | str) -> dict[str, int]:
    """Make live hold exactly the files of built, emptying built; return what was done."""
    # Plain strings, not Path objects: a site has tens of thousands of files.
    built, live = os.fspath(built), os.fspath(live)
    done = {"unchanged": 0, "written": 0, "removed": 0}
    names = set()
    for root, _, files in os.walk(built):
        folder = os.path.relpath(root, built)
        target_folder = os.path.normpath(os.path.join(live, folder))
        made = False
        for name in files:
            source, target = os.path.join(root, name), os.path.join(target_folder, name)
            names.add(os.path.normpath(os.path.join(folder, name)))
            if same_file(source, target):
                os.unlink(source)
                done["unchanged"] += 1
                continue
            if not made:
                os.makedirs(target_folder, exist_ok=True)
                made = True
            os.replace(source, target)
            done["written"] += 1
    for root, _, files in os.walk(live, topdown=False):
        folder = os.path.relpath(root, live)
        for name in files:
            if os.path.normpath(os.path.join(folder, name)) not in names:
                os.unlink(os.path.join(root, name))
                done["removed"] += 1
        if folder != "." and not os.listdir(root):
            os.rmdir(root)
    return done
