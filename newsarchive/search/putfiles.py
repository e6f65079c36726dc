"""Put the search export's files on disk in a process of its own, so that the file system's
work (creating a file cost 100 to 300 µs here) overlaps the export's computing. A process
started fresh, not forked: a fork would keep the export's memory of that moment mapped while
the export lets it go.

`python -m newsarchive.search.putfiles ROOT` reads pickled batches of (relative path, bytes,
compare) on its standard input until None, and at the end writes each file's inode, pickled,
to its standard output.
"""

from __future__ import annotations

import os
import pickle
import sys


def put_file(root: str, relative: str, text: bytes, compare: bool, folders: set[str]) -> int:
    """Put the bytes at root/relative as a new file, unless (with compare) the file holds them
    already; return the file's inode. A file is never rewritten in place: the previous one may
    be hard-linked into the live site."""
    path = os.path.join(root, relative)
    folder = os.path.dirname(path)
    if folder not in folders:  # one mkdir a folder, not one a file
        os.makedirs(folder, exist_ok=True)
        folders.add(folder)
    if compare:
        try:
            with open(path, "rb") as handle:
                if handle.read(len(text) + 1) == text:
                    return os.fstat(handle.fileno()).st_ino
        except FileNotFoundError:
            with open(path, "wb") as handle:
                handle.write(text)
                return os.fstat(handle.fileno()).st_ino
    with open(path + ".tmp", "wb") as handle:
        handle.write(text)
        inode = os.fstat(handle.fileno()).st_ino
    os.replace(path + ".tmp", path)
    return inode


def main(root: str) -> None:
    """Put every batch read on standard input; write the inodes to standard output."""
    inodes: dict[str, int] = {}
    folders: set[str] = set()
    while (batch := pickle.load(sys.stdin.buffer)) is not None:
        for relative, text, compare in batch:
            try:
                inodes[relative] = put_file(root, relative, text, compare, folders)
            except OSError as error:
                sys.exit(f"{relative}: {error}")  # the writer reports it
    pickle.dump(inodes, sys.stdout.buffer, pickle.HIGHEST_PROTOCOL)


if __name__ == "__main__":
    main(sys.argv[1])
