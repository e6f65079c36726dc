"""Which pages of the previous build can be kept: the record of every page's fingerprint and
the file it became, so a rebuild links unchanged pages instead of rendering and writing them."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from newsarchive.jsoncache import write_atomically


def file_identity(path: Path | str) -> list[int]:
    """Size, modification time and inode: a file rewritten since the record no longer matches."""
    stat = os.stat(path)
    return [stat.st_size, stat.st_mtime_ns, stat.st_ino]


class PageManifest:
    """Fingerprints of the pages of one build, and of the build before it."""

    def __init__(self, path: Path | str, previous_output: Path | str | None) -> None:
        self.path = Path(path)
        self.previous_output = Path(previous_output) if previous_output else None
        self.previous: dict[str, list] = {}
        if self.previous_output is not None:
            try:
                self.previous = json.loads(self.path.read_text("utf-8"))["pages"]
            except (OSError, ValueError, KeyError, TypeError):
                self.previous = {}  # no usable record: render everything
        self.current: dict[str, str] = {}
        self.identities: dict[str, list[int]] = {}  # of the files kept, checked on the way
        self.kept: list[str] = []  # pages whose previous file stays, not linked into the output
        self.reused = 0

    def record(self, name: str, fingerprint: str) -> str | None:
        """Note a page of this build; return the previous build's file if it can be kept."""
        self.current[name] = fingerprint
        entry = self.previous.get(name)
        if entry is None or entry[0] != fingerprint:
            return None
        # A string, not a Path: pathlib's / was a third of this, once for each of 32,000 pages.
        old = os.path.join(self.previous_output, name)
        try:
            if file_identity(old) != entry[1:]:
                return None
        except OSError:
            return None
        self.identities[name] = entry[1:]  # the same file, kept: save() need not stat it
        return old

    def keep(self, name: str, old: Path | str) -> None:
        """Note that the previous build's file of this page stays as this build's."""
        if name not in self.identities:
            self.identities[name] = file_identity(old)
        self.kept.append(name)

    def previous_file(self, name: str) -> Path | None:
        """The previous build's file of this page, if there is one."""
        if self.previous_output is None:
            return None
        old = self.previous_output / name
        return old if old.is_file() else None

    def save(self, output: Path | str) -> None:
        """Write the record of this build's pages, as written in output (atomically)."""
        output = Path(output)
        pages = {}
        for name, fingerprint in sorted(self.current.items()):
            try:
                identity = self.identities.get(name) or file_identity(output / name)
            except OSError:
                continue  # not written after all (an empty save_as): nothing to keep
            pages[name] = [fingerprint, *identity]
        write_atomically(self.path, json.dumps({"pages": pages}))


def same_text(path: Path, text: str) -> bool:
    """True when the file holds exactly this text (UTF-8)."""
    data = text.encode("utf-8")
    return path.stat().st_size == len(data) and path.read_bytes() == data


def keep_file(old: Path | str, new: Path | str) -> None:
    """Put the previous build's file at new, as a hard link when the file system allows."""
    try:
        os.link(old, new)
    except OSError:
        shutil.copy2(old, new)
