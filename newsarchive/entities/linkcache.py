"""Each article's linking result kept between builds, with the questions its linking asked of
the archive-wide list of known names and the answers: an article is linked again only when its
text or mentions changed, or one of those answers did."""

from __future__ import annotations

import os
import pickle
from collections.abc import Collection
from pathlib import Path

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
    """Linking results by article key, for one version of the code, aliases and gazetteer."""

    def __init__(self, path: Path | str | None, version: str) -> None:
        self.path = Path(path) if path else None
        self.version = version
        self.entries: dict[str, tuple[bytes, tuple]] = {}
        self.kept: dict[str, tuple[bytes, tuple]] = {}
        self.hits = 0
        if self.path is not None:
            try:
                with self.path.open("rb") as handle:
                    stored = pickle.load(handle)
                if stored["version"] == version:
                    self.entries = stored["entries"]
            except (OSError, pickle.PickleError, EOFError, KeyError, TypeError, AttributeError):
                self.entries = {}  # missing or unreadable: link everything again

    def reuse(self, key: str, known: Collection) -> list[LocalEntity] | None:
        """The article's cached entities if every question its linking asked of known has the
        same answer now, else None."""
        entry = self.entries.get(key)
        if entry is None or any((name in known) != answer for name, answer in entry[1]):
            return None
        self.hits += 1
        self.kept[key] = entry
        return pickle.loads(entry[0])  # fresh objects: callers may change them

    def keep(self, key: str, linked: list[LocalEntity], asked: tuple) -> None:
        """Keep a new linking result with the questions it asked and their answers."""
        self.kept[key] = (pickle.dumps(linked), asked)

    def save(self) -> None:
        """Keep this build's entries (only those: removed articles drop out), atomically."""
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as handle:
            pickle.dump({"version": self.version, "entries": self.kept}, handle)
        os.replace(tmp, self.path)
