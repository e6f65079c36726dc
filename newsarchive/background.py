"""Run a build stage in a forked process and collect its result later: beside the build, so
the stage works on the second core while this one renders pages; or apart from it, so that
what the stage allocates goes back to the system when its process ends."""

from __future__ import annotations

import logging
import multiprocessing
import pickle
import tempfile
import traceback
from collections import deque
from collections.abc import Callable
from logging.handlers import QueueHandler

from newsarchive import timing
from newsarchive.forkmap import shared_with_children

# Short pieces of work this process can do ahead while it waits for a child (a later stage's
# preparation): run in turn by result() for as long as the child is still running.
WHILE_WAITING: deque[Callable[[], None]] = deque()


class Background:
    """A function running in a forked child; result() waits for what it returned.

    What the child logs is logged again here when its result is collected (so the build report
    sees its warnings), and the counts it notes join this build's timing log.
    """

    def __init__(self, name: str, function: Callable[[], object]) -> None:
        self.name = name
        # The answer goes through a file, read once the child has ended: through a pipe, the
        # child would still hold all it allocated while this process takes in the result.
        self._answer = tempfile.TemporaryFile()
        context = multiprocessing.get_context("fork")
        self._process = context.Process(target=_run, args=(function, self._answer), name=name)
        with shared_with_children():
            self._process.start()

    def result(self):
        """What the function returned; its error, with the child's traceback, if it failed."""
        while WHILE_WAITING and self._process.is_alive():
            WHILE_WAITING.popleft()()
        self._process.join()
        with self._answer:
            self._answer.seek(0)
            try:
                ok, value, records, counts = pickle.load(self._answer)
            except (EOFError, pickle.UnpicklingError):  # killed before it could answer
                ok, value = False, f"ended with code {self._process.exitcode}"
                records, counts = [], {}
        for record in records:
            logging.getLogger(record.name).handle(record)
        timing.COUNTS.update(counts)
        if not ok:
            raise RuntimeError(f"{self.name} failed in its own process:\n{value}")
        return value


def apart(name: str, function: Callable[[], object]):
    """function() run in a forked process, while this one waits: only its result comes back."""
    return Background(name, function).result()


class _Records(list):
    """The queue a QueueHandler fills: the child's log records, made picklable."""

    put_nowait = list.append


def _run(function: Callable[[], object], answer) -> None:
    """In the child: run the function and write (ok, result or traceback, log records, counts)
    to the answer file."""
    records = _Records()
    logging.getLogger().handlers = [QueueHandler(records)]
    WHILE_WAITING.clear()  # the parent's, not this child's, to do
    try:
        ok, value = True, function()
    except BaseException:
        ok, value = False, traceback.format_exc()
    pickle.dump((ok, value, records, dict(timing.COUNTS)), answer, pickle.HIGHEST_PROTOCOL)
    answer.flush()
