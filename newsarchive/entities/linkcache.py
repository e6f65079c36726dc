"""Each article's linking result (the entities the policy publishes) kept between builds, with
the questions its linking asked of the archive-wide list of known names and the answers: an
article is linked again only when its text or mentions changed, or one of those answers did. The
names the article adds to that list are kept too, so that the list is made without cleaning every
unchanged article's mentions."""

from __future__ import annotations

import os
import pickle
from collections.abc import Collection
from pathlib import Path
from typing import BinaryIO

from newsarchive.entities.linking import LocalEntity


class AskedSet:
    """A collection that remembers every membership question asked of it, and the answer."""

    def __init__(self, items: Collection) -> None:
        self.items = items
        self.asked: dict = {}

    def __contains__(self, key) -> bool:
        answer = key in self.items
        self.asked[key] = answer
        return answer


class LinkCache:
    """Linking results by article key, for one version of the code, aliases and gazetteer.

    The file is a pickle stream: the version, then one (key, result, questions, names) record
    per article. This build's records are written as they come rather than held to the end."""

    def __init__(self, path: Path | str | None, version: str) -> None:
        self.path = Path(path) if path else None
        self.version = version
        self.entries: dict[str, tuple[bytes, tuple, tuple]] = {}
        self.hits = 0
        self._out: BinaryIO | None = None
        if self.path is not None:
            try:
                self.entries = dict(self._records())
            except (OSError, pickle.PickleError, EOFError, ValueError, TypeError, AttributeError):
                self.entries = {}  # missing or unreadable: link everything again

    def _records(self):
        """The stored (key, (result, questions, names)) pairs, none when the version differs."""
        with self.path.open("rb") as handle:
            if pickle.load(handle) != self.version:
                return
            while True:
                try:
                    key, result, asked, names = pickle.load(handle)
                except EOFError:
                    return
                yield key, (result, asked, names)

    def names(self, key: str) -> tuple | None:
        """The names the article's mentions add to the archive's known names, if kept."""
        entry = self.entries.get(key)
        return None if entry is None else entry[2]

    def reuse(self, key: str, known: Collection) -> list[LocalEntity] | None:
        """The article's cached entities if every question its linking asked of known has the
        same answer now, else None."""
        entry = self.entries.get(key)
        if entry is None or any((name in known) != answer for name, answer in entry[1]):
            return None
        self.hits += 1
        self.keep(key, *entry)
        return pickle.loads(entry[0])  # fresh objects: callers may change them

    def keep(self, key: str, result: bytes, asked: tuple, names: tuple) -> None:
        """Keep a linking result (pickled) with the questions it asked and their answers, and
        the names the article adds to the known names."""
        if self.path is not None:
            pickle.dump((key, result, asked, names), self._open())

    def _open(self) -> BinaryIO:
        """The file this build's entries go to, begun with the version on first use."""
        if self._out is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._out = self._partial().open("wb")
            pickle.dump(self.version, self._out)
        return self._out

    def _partial(self) -> Path:
        return self.path.with_suffix(f".{os.getpid()}.tmp")

    def save(self) -> None:
        """Keep this build's entries (only those: removed articles drop out), atomically."""
        if self.path is None:
            return
        self._open().close()  # with no article linked, a cache of none
        self._out = None
        os.replace(self._partial(), self.path)
