"""Run a build stage in a forked process while the build goes on, and collect its result later:
the stage works on the second core while this one renders pages."""

from __future__ import annotations

import multiprocessing
import traceback
from collections.abc import Callable

from newsarchive.forkmap import shared_with_children


class Background:
    """A function running in a forked child; result() waits for what it returned."""

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
            ok, value = self._receiver.recv()
        except EOFError:  # killed before it could answer
            ok, value = False, f"the process ended with code {self._process.exitcode}"
        finally:
            self._process.join()
        if not ok:
            raise RuntimeError(f"{self.name} failed in its own process:\n{value}")
        return value


def _run(function: Callable[[], object], sender) -> None:
    """In the child: run the function and send back (True, result) or (False, traceback)."""
    try:
        message = (True, function())
    except BaseException:
        message = (False, traceback.format_exc())
    sender.send(message)
    sender.close()
