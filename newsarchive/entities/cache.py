"""Tagging results cached by article text hash, in a few JSON shard files."""

from __future__ import annotations

from pathlib import Path

from newsarchive.jsoncache import ShardedJsonCache, digest
from newsarchive.ner import Mention


def text_hash(text: str, model_version: str) -> str:
    """Digest of the model version and the text: a new model or new text means a new entry."""
    return digest(model_version, text)


class TagCache(ShardedJsonCache):
    """Mentions per text hash, for one model version."""

    def __init__(self, folder: Path | str, model_version: str) -> None:
        super().__init__(folder)
        self.model_version = model_version

    def get(self, text: str) -> list[Mention] | None:
        """Cached mentions of this text, or None."""
        rows = super().get(text_hash(text, self.model_version))
        return None if rows is None else [Mention(*row) for row in rows]

    def put(self, text: str, mentions: list[Mention]) -> None:
        """Remember the mentions of this text."""
        rows = [[m.text, m.type, m.start, m.end, m.score] for m in mentions]
        super().put(text_hash(text, self.model_version), rows)
