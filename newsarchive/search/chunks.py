"""Cut the date-ordered documents into chunks by their own content, and keep each chunk's
indexing result under the digest of its documents, so that a rebuild indexes only the chunks
whose articles changed.

The cuts are content-defined: a chunk ends after a document whose id hashes to 0 modulo the
mean size (or at four times the mean). Adding or changing an article changes the chunk it falls
in, and the others keep their documents, and so their digests, wherever they now stand in the
archive."""

from __future__ import annotations

import json
import pickle
from hashlib import md5
from pathlib import Path

from newsarchive.jsoncache import digest_all, write_atomically
from newsarchive.search.documents import SearchDoc

# A chunk never holds more than this many times the mean size: it bounds analysis memory.
MAX_CHUNK_FACTOR = 4


def ends_chunk(doc_id: str, size: int) -> bool:
    """Whether a document closes its chunk: about one in `size` does."""
    hashed = md5(doc_id.encode(), usedforsecurity=False).digest()[:8]
    return int.from_bytes(hashed, "big") % size == 0


def chunk_bounds(docs: list[SearchDoc], size: int) -> list[tuple[int, int]]:
    """(start, end) of each chunk of the documents, about `size` documents each."""
    size = max(1, size)
    bounds, start = [], 0
    for i, doc in enumerate(docs):
        if ends_chunk(doc.id, size) or i + 1 - start >= MAX_CHUNK_FACTOR * size:
            bounds.append((start, i + 1))
            start = i + 1
    if start < len(docs) or not bounds:
        bounds.append((start, len(docs)))
    return bounds


def entity_names(doc: SearchDoc) -> list[str]:
    """The names of the document's entities: all the index takes from them."""
    return [e.get("name", "") for e in doc.entities]


def chunk_key(docs: list[SearchDoc], salt: str) -> str:
    """Digest of everything a chunk's index is made from (its place in the archive is not)."""
    rows = (
        json.dumps(
            [d.id, d.url, d.title, d.text, d.day, d.source, entity_names(d)], ensure_ascii=False
        )
        for d in docs
    )
    return digest_all([salt, *rows])


class ChunkStore:
    """Each chunk's result (a pickle) by key, in one folder; what a build did not use is pruned."""

    def __init__(self, folder: Path | str) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)

    def get(self, key: str):
        """The stored result of the chunk, or None."""
        try:
            return pickle.loads((self.folder / f"{key}.pickle").read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            return None

    def has(self, key: str) -> bool:
        """Whether the chunk is stored (without reading it)."""
        return (self.folder / f"{key}.pickle").exists()

    def put(self, key: str, value) -> None:
        """Store a chunk's result (atomically: a killed build leaves no half file)."""
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        write_atomically(self.folder / f"{key}.pickle", data)

    def prune(self, keep: set[str]) -> None:
        """Remove every stored chunk but these."""
        for path in self.folder.glob("*.pickle"):
            if path.stem not in keep:
                path.unlink(missing_ok=True)
