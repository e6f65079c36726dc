"""The build's timing log: how long each stage took, as plain data."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

# Seconds per stage for the build in progress; a new build starts it afresh.
STAGES: dict[str, float] = {}


def reset() -> None:
    """Forget the previous build's times."""
    STAGES.clear()


def add(stage: str, seconds: float) -> None:
    """Add time to a stage."""
    STAGES[stage] = STAGES.get(stage, 0.0) + seconds


@contextmanager
def stage(name: str) -> Iterator[None]:
    """Time the enclosed block as (part of) a stage."""
    start = time.perf_counter()
    try:
        yield
    finally:
        add(name, time.perf_counter() - start)


def summary() -> str:
    """One line: each stage's seconds, in the order they ran."""
    return "timing: " + ", ".join(f"{name} {seconds:.2f}s" for name, seconds in STAGES.items())
