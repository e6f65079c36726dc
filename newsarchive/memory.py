"""Give the memory a finished stage freed back to the operating system, and keep large blocks
from staying resident once freed."""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

# glibc's mallopt option for the size from which a block gets a mapping of its own.
M_MMAP_THRESHOLD = -3


@cache
def libc():
    """The C library, or None where it cannot be loaded."""
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return None


def map_large_blocks(size: int = 1 << 20) -> None:
    """Have the C allocator give each block of at least size bytes its own mapping, returned
    to the system as soon as it is freed (glibc only). By default glibc raises that threshold
    to the largest block freed so far, up to 32 MB, so numpy's large temporaries then stay
    resident in a fragmented heap."""
    found = libc()
    if found is not None and hasattr(found, "mallopt"):
        found.mallopt(M_MMAP_THRESHOLD, size)


def release_free_memory() -> None:
    """Have the C allocator return its free pages (glibc only): without this a long build keeps
    each stage's peak resident for the rest of its run."""
    # No garbage collection first: what the stages free is freed by reference counting (at
    # each call a full collection freed at most 6 objects, in 0.25 to 0.34 s).
    found = libc()
    if found is not None and hasattr(found, "malloc_trim"):  # else the memory stays with us
        found.malloc_trim(0)


@contextmanager
def young_collections_only() -> Iterator[None]:
    """Leave out the garbage collector's full collections, keeping its young ones, inside the
    block (and in the processes forked there). A build keeps most of what it makes to its end:
    each full collection scanned all of it (up to 1.1 million objects, 0.3 to 0.7 s) to free at
    most a few thousand, twelve times in a 10,000-article build. Cycles among new objects are
    still freed by the young collections."""
    thresholds = gc.get_threshold()
    gc.set_threshold(thresholds[0], thresholds[1], 2**31 - 1)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
