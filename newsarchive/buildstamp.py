"""A stamp of what the last build was made from and of the files it left, so that a build whose
inputs and output are both as that build left them is skipped whole, as make skips a target that
is up to date."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable, Mapping
from importlib import metadata
from pathlib import Path

from newsarchive.filedigests import FileDigests
from newsarchive.fingerprint import Fingerprinter, code_digest
from newsarchive.jsoncache import joined_digest
from newsarchive.sitecommit import files_under

CONTENT_DIGESTS = "content-digests.json"  # in CACHE_PATH


def output_identity(root: Path | str) -> str:
    """Digest of every file under root by path, size, mtime and inode: any file written,
    touched, added or removed since changes it."""
    parts = []
    for path, entry in files_under(os.fspath(root)):
        if entry.is_dir():  # a link to a folder: as os.walk, neither entered nor counted
            continue
        st = entry.stat()
        ident = f"{path}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ino}"
        parts.append(ident.encode("utf-8", "surrogateescape"))
    return joined_digest(b"output", sorted(parts)).hex()


def installed_versions() -> bytes:
    """Python's version and every installed distribution's: a new library may build new bytes."""
    # A set: a distribution is listed once per sys.path entry it is found on, and Pelican adds
    # its plugin paths to sys.path.
    names = sorted({f"{d.metadata['Name']}=={d.version}" for d in metadata.distributions()})
    return "\n".join([sys.version, *names]).encode()


def named_files(settings: Mapping, outside: Iterable[Path]) -> list[Path]:
    """Files that settings name (aliases, stop lists), except those under the given folders
    (caches and output, which a build writes)."""
    skip = [Path(p).resolve() for p in outside]
    found = []
    for key in sorted(settings):
        value = settings[key]
        if key.endswith("_PATH") and isinstance(value, str) and os.path.isfile(value):
            path = Path(value).resolve()
            if not any(path.is_relative_to(folder) for folder in skip):
                found.append(path)
    return found


def content_digest(root: Path | str, digests: FileDigests) -> str:
    """Digest of every file under root (folder links followed, as Pelican reads them) by
    relative path and bytes; only the files whose stat changed are read."""
    root = os.fspath(root)
    parts = []
    for folder, _, names in os.walk(root, followlinks=True):
        for name in names:
            path = os.path.join(folder, name)
            relative = os.path.relpath(path, root).encode("utf-8", "surrogateescape")
            parts.append(relative + b"\0" + digests.digest(path).encode())
    return joined_digest(b"content", sorted(parts)).hex()


def input_digest(settings: Mapping, code_roots: Iterable[Path | str]) -> str:
    """Digest of all a build is made from: content, settings, the files settings name, our
    code and theme, and the installed libraries."""
    outside = [settings["CACHE_PATH"], settings["OUTPUT_PATH"]]
    digests = FileDigests(Path(settings["CACHE_PATH"]) / CONTENT_DIGESTS)
    content = content_digest(settings["PATH"], digests)
    digests.save()
    parts = [
        content.encode(),
        Fingerprinter("").settings(settings).encode(),
        *(p.as_posix().encode() + p.read_bytes() for p in named_files(settings, outside)),
        code_digest(code_roots, suffixes=None).encode(),
        installed_versions(),
    ]
    return joined_digest(b"inputs", parts).hex()


class BuildStamp:
    """The stamp file: the inputs digest and the output identity of the last finished build."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)

    def is_current(self, inputs: str, output: Path | str) -> bool:
        """True when the last build was made from these inputs and its output is untouched."""
        try:
            saved = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return False
        if saved.get("inputs") != inputs or not Path(output).is_dir():
            return False
        return saved.get("output") == output_identity(output)

    def forget(self) -> None:
        """Drop the stamp: a build is about to change the output."""
        self.path.unlink(missing_ok=True)

    def save(self, inputs: str, output: Path | str) -> None:
        """Stamp a finished build."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        stamp = {"inputs": inputs, "output": output_identity(output)}
        self.path.write_text(json.dumps(stamp) + "\n", encoding="utf-8")
