"""Digests of files kept by their size, modification time and inode, as git's index keeps them:
a rebuild hashes only the files whose stat changed, not every article of the archive again."""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

from newsarchive.jsoncache import write_atomically

# A file modified this recently could change again within the same clock tick and keep its
# stat: its digest is not kept (git calls such entries racily clean).
RACY_SECONDS = 2


class FileDigests:
    """sha256 of files by path, trusted while the file's stat is the one it had when hashed."""

    def __init__(self, path: Path | str | None) -> None:
        self.path = Path(path) if path else None  # None: kept for this run only
        self.known: dict[str, list] = {}
        if self.path is not None:
            try:
                self.known = json.loads(self.path.read_text("utf-8"))
            except (OSError, ValueError):
                pass  # missing or unreadable: hash every file again
        self.seen: dict[str, list] = {}

    def lookup(self, path: str) -> tuple[list, str | None]:
        """The file's stat now, and its digest when the file has not changed since hashed."""
        st = os.stat(path)
        stat = [st.st_size, st.st_mtime_ns, st.st_ino]
        entry = self.known.get(path)
        if entry is not None and entry[:3] == stat:
            self.seen[path] = entry
            return stat, entry[3]
        return stat, None

    def store(self, path: str, stat: list, data: bytes) -> str:
        """The digest of the file's bytes (read after its stat was taken), kept unless racy."""
        digest = hashlib.sha256(data).hexdigest()
        if stat[1] < time.time_ns() - RACY_SECONDS * 1_000_000_000:
            self.known[path] = self.seen[path] = [*stat, digest]
        return digest

    def digest(self, path: str) -> str:
        """The sha256 of the file, read only when its stat changed."""
        stat, digest = self.lookup(path)
        if digest is not None:
            return digest
        with open(path, "rb") as handle:
            return self.store(path, stat, handle.read())

    def save(self) -> None:
        """Keep the digests of the files looked at in this run (atomically)."""
        if self.path is not None:
            write_atomically(self.path, json.dumps(self.seen))
