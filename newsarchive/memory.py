"""Give the memory a finished stage freed back to the operating system."""

from __future__ import annotations

import ctypes
import ctypes.util
import gc


def release_free_memory() -> None:
    """Collect garbage, then have the C allocator return its free pages (glibc only): without
    this a long build keeps each stage's peak resident for the rest of its run."""
    gc.collect()
    try:
        ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: the memory stays with the process
        pass
