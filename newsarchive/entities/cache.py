"""Tagging results cached by article text hash, in a few JSON shard files."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from newsarchive.ner import Mention

SHARDS_PREFIX_CHARS = 2  # 256 shard files however large the archive


def text_hash(text: str, model_version: str) -> str:
    """sha256 of the model version and the text: a new model or new text means a new entry."""
    return hashlib.sha256(f"{model_version}\0{text}".encode()).hexdigest()


class TagCache:
    """Mentions per text hash, loaded shard by shard on demand and written back by save()."""

    def __init__(self, folder: Path | str, model_version: str) -> None:
        self.folder = Path(folder)
        self.model_version = model_version
        self._shards: dict[str, dict[str, list]] = {}
        self._dirty: set[str] = set()
        self.hits = 0
        self.misses = 0

    def _shard(self, digest: str) -> dict[str, list]:
        name = digest[:SHARDS_PREFIX_CHARS]
        if name not in self._shards:
            path = self.folder / f"{name}.json"
            try:
                self._shards[name] = json.loads(path.read_text("utf-8"))
            except (OSError, ValueError):
                self._shards[name] = {}  # missing or corrupt shard: re-tag, never fail the build
        return self._shards[name]

    def get(self, text: str) -> list[Mention] | None:
        """Cached mentions of this text, or None."""
        digest = text_hash(text, self.model_version)
        rows = self._shard(digest).get(digest)
        if rows is None:
            self.misses += 1
            return None
        self.hits += 1
        return [Mention(*row) for row in rows]

    def put(self, text: str, mentions: list[Mention]) -> None:
        """Remember the mentions of this text."""
        digest = text_hash(text, self.model_version)
        rows = [[m.text, m.type, m.start, m.end, m.score] for m in mentions]
        self._shard(digest)[digest] = rows
        self._dirty.add(digest[:SHARDS_PREFIX_CHARS])

    def save(self) -> None:
        """Write changed shards (atomically, so an interrupted build leaves a valid cache)."""
        if not self._dirty:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        for name in sorted(self._dirty):
            path = self.folder / f"{name}.json"
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps(self._shards[name], ensure_ascii=False), "utf-8")
            os.replace(tmp, path)
        self._dirty.clear()
