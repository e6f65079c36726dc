"""Tagging results cached by article text hash, in a few JSON shard files."""

from __future__ import annotations

from pathlib import Path

from newsarchive.jsoncache import ShardedJsonCache, digest
from newsarchive.ner import Mention


def text_hash(text: str, version: str) -> str:
    """Digest of the tagging version and the text: a new model, limit or text is a new entry."""
    return digest(version, text)


class TagCache(ShardedJsonCache):
    """Mentions per text hash, for one tagging version (entities.tagging.tagging_version)."""

    def __init__(self, folder: Path | str, version: str) -> None:
        super().__init__(folder)
        self.version = version

    def get(self, text: str) -> list[Mention] | None:
        """Cached mentions of this text, or None."""
        rows = super().get(text_hash(text, self.version))
        return None if rows is None else [Mention(*row) for row in rows]

    def put(self, text: str, mentions: list[Mention]) -> None:
        """Remember the mentions of this text."""
        rows = [[m.text, m.type, m.start, m.end, m.score] for m in mentions]
        super().put(text_hash(text, self.version), rows)
