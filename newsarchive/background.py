"""Run a build stage in a forked process and collect its result later: beside the build, so
the stage works on the second core while this one renders pages; or apart from it, so that
what the stage allocates goes back to the system when its process ends."""

from __future__ import annotations

import logging
import multiprocessing
import traceback
from collections.abc import Callable
from logging.handlers import QueueHandler

from newsarchive import timing
from newsarchive.forkmap import shared_with_children


class Background:
    """A function running in a forked child; result() waits for what it returned.

    What the child logs is logged again here when its result is collected (so the build report
    sees its warnings), and the counts it notes join this build's timing log.
    """

    def __init__(self, name: str, function: Callable[[], object]) -> None:
        self.name = name
        context = multiprocessing.get_context("fork")
        self._receiver, sender = context.Pipe(duplex=False)
        self._process = context.Process(target=_run, args=(function, sender), name=name)
        with shared_with_children():
            self._process.start()
        sender.close()

    def result(self):
        """What the function returned; its error, with the child's traceback, if it failed."""
        try:
            ok, value, records, counts = self._receiver.recv()
        except EOFError:  # killed before it could answer
            ok, value, records, counts = False, f"ended with code {self._process.exitcode}", [], {}
        finally:
            self._process.join()
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


def _run(function: Callable[[], object], sender) -> None:
    """In the child: run the function and send back (ok, result or traceback, log records,
    counts)."""
    records = _Records()
    logging.getLogger().handlers = [QueueHandler(records)]
    try:
        ok, value = True, function()
    except BaseException:
        ok, value = False, traceback.format_exc()
    sender.send((ok, value, records, dict(timing.COUNTS)))
    sender.close()
