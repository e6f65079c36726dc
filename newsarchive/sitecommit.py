"""Move a freshly built site into the live one, touching only the files that differ: a page
kept from the previous build (the same file, hard-linked) or rebuilt byte for byte is left
alone, a changed file replaces the old one in one rename, a file no longer built goes."""

from __future__ import annotations

import filecmp
import os
from pathlib import Path


def same_file(built: Path, live: Path) -> bool:
    """True when the live file is the built one (a hard link) or has the same bytes."""
    try:
        a, b = built.stat(), live.stat()
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
    built, live = Path(built), Path(live)
    done = {"unchanged": 0, "written": 0, "removed": 0}
    names = set()
    for root, _, files in os.walk(built):
        for name in files:
            source = Path(root, name)
            relative = source.relative_to(built)
            names.add(relative.as_posix())
            target = live / relative
            if same_file(source, target):
                source.unlink()
                done["unchanged"] += 1
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(source, target)
                done["written"] += 1
    for root, _, files in os.walk(live, topdown=False):
        for name in files:
            path = Path(root, name)
            if path.relative_to(live).as_posix() not in names:
                path.unlink()
                done["removed"] += 1
        if root != str(live) and not os.listdir(root):
            os.rmdir(root)
    return done
