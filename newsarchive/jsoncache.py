"""A cache of JSON values by hex digest, in a fixed number of shard files: what the build keeps
between runs (tagging results, parsed articles) so that a rebuild only redoes what changed."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path

import orjson

SHARD_PREFIX_CHARS = 2  # 256 shard files however large the archive
SHARD_NAMES = tuple(f"{n:0{SHARD_PREFIX_CHARS}x}" for n in range(16**SHARD_PREFIX_CHARS))


def write_atomically(path: Path, data: str | bytes) -> None:
    """Write a file whole or not at all (its folders made as needed): a killed build leaves the
    previous file or none, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    if isinstance(data, str):
        tmp.write_text(data, "utf-8")
    else:
        tmp.write_bytes(data)
    os.replace(tmp, path)


def digest(*parts: str | bytes) -> str:
    """Hex sha256 of the parts, each length-prefixed so that ('ab', 'c') and ('a', 'bc') differ."""
    return digest_all(parts)


def digest_all(parts: Iterable[str | bytes]) -> str:
    """digest() of parts that come one at a time (a large input is never held whole)."""
    return joined_digest(b"", (p.encode() if isinstance(p, str) else p for p in parts)).hex()


def joined_digest(head: bytes, parts: Iterable[bytes]) -> bytes:
    """sha256 of a head and parts, each length-prefixed so no two sequences collide."""
    h = hashlib.sha256(head)
    for part in parts:
        h.update(len(part).to_bytes(8, "little"))
        h.update(part)
    return h.digest()


class ShardedJsonCache:
    """JSON values by digest, loaded shard by shard on demand and written back by save()."""

    def __init__(self, folder: Path | str) -> None:
        self.folder = Path(folder)
        self._shards: dict[str, dict] = {}
        self._dirty: set[str] = set()
        self._used: set[str] = set()  # keys found or stored in this run
        self.hits = 0
        self.misses = 0

    def _shard(self, key: str) -> dict:
        name = key[:SHARD_PREFIX_CHARS]
        if name not in self._shards:
            try:
                self._shards[name] = orjson.loads((self.folder / f"{name}.json").read_bytes())
            except (OSError, ValueError):
                self._shards[name] = {}  # missing or corrupt shard: recompute, never fail
        return self._shards[name]

    def get(self, key: str):
        """The value stored under this digest, or None."""
        value = self._shard(key).get(key)
        if value is None:
            self.misses += 1
        else:
            self.hits += 1
            self._used.add(key)
        return value

    def put(self, key: str, value) -> None:
        """Store a JSON-serialisable value under this digest."""
        self._shard(key)[key] = value
        self._dirty.add(key[:SHARD_PREFIX_CHARS])
        self._used.add(key)

    def prune(self) -> None:
        """Forget every entry this run neither found nor stored: for a run that asked for every
        input, the rest are of inputs since changed or removed, or of older code, and would
        otherwise pile up and be loaded by every later run."""
        for name in SHARD_NAMES:
            shard = self._shards.get(name)
            if shard is None:  # never loaded: it holds nothing this run asked for
                (self.folder / f"{name}.json").unlink(missing_ok=True)
                continue
            stale = shard.keys() - self._used
            if stale:
                for key in stale:
                    del shard[key]
                self._dirty.add(name)

    def save(self) -> None:
        """Write changed shards (atomically, so an interrupted build leaves a valid cache)."""
        if not self._dirty:
            return
        for name in sorted(self._dirty):
            # json, not orjson: orjson keeps a UTF-8 copy inside each str it writes, and these
            # texts live on as the articles' (about twice their memory, for an archive's Arabic).
            data = json.dumps(self._shards[name], ensure_ascii=False)
            write_atomically(self.folder / f"{name}.json", data)
        self._dirty.clear()
