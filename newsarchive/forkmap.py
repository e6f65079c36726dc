"""Map a function over items in forked processes, which share the parent's loaded data."""

from __future__ import annotations

import gc
import multiprocessing
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

# Below this many items, starting processes costs more than it saves.
PARALLEL_MIN_ITEMS = 200
# The function being mapped, inherited by the forked workers (closures do not pickle).
_FUNCTION: Callable | None = None


def fork_map(
    function: Callable,
    items: Sequence,
    procs: int,
    chunksize: int = 8,
    min_items: int = 0,
    apart: bool = False,
) -> Iterator:
    """function(item) for each item, in order: in procs forked processes when there are enough
    items (min_items, by default PARALLEL_MIN_ITEMS), else in this one. With apart, each task
    (chunksize items) runs in a fresh forked process, even with procs 1: what the work leaves
    allocated or fragmented goes when its process ends."""
    if not forks(items, procs, min_items, apart):
        yield from map(function, items)
        return
    global _FUNCTION
    _FUNCTION = function
    try:
        # Frozen until the pool ends: a collection here would write to every older object,
        # copying the memory pages the workers share (and, with apart, fork from).
        with shared_with_children():
            pool = multiprocessing.get_context("fork").Pool(
                procs, maxtasksperchild=1 if apart else None
            )
            with pool:
                yield from pool.imap(_call, items, chunksize=chunksize)
    finally:
        _FUNCTION = None


class Lazily(Sequence):
    """function(item) for each item, made when asked: a task's arguments made as it is sent.

    Also the way to send texts to workers as UTF-8 bytes: CPython keeps the UTF-8 form of a str
    it has pickled for as long as the str lives, which for an archive's Arabic texts doubles
    them."""

    def __init__(self, function: Callable, items: Sequence) -> None:
        self.function = function
        self.items = items

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, index: int):
        return self.function(self.items[index])


def forks(items: Sequence, procs: int, min_items: int = 0, apart: bool = False) -> bool:
    """Whether fork_map would start processes for these items."""
    return (procs > 1 or apart) and len(items) >= (min_items or PARALLEL_MIN_ITEMS)


@contextmanager
def shared_with_children():
    """Fork inside this block: the children's garbage collections then leave the objects made
    before it alone, so the memory pages holding them stay shared with this process."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _call(item):
    """Run the mapped function on one item in a worker."""
    return _FUNCTION(item)
