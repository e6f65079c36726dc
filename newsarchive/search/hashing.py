"""The shard function shared with the browser client (theme/static/js/search/hash.js)."""

from __future__ import annotations

FNV_OFFSET = 0x811C9DC5
FNV_PRIME = 0x01000193


def fnv1a(text: str) -> int:
    """32-bit FNV-1a of the text's UTF-8 bytes."""
    value = FNV_OFFSET
    for byte in text.encode("utf-8"):
        value = ((value ^ byte) * FNV_PRIME) & 0xFFFFFFFF
    return value


def shard_of(key: str, shards: int) -> int:
    """The shard (0..shards-1) a key belongs to."""
    return fnv1a(key) % shards
