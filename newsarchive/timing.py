"""The build's timing log: how long each stage took, as plain data."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

# Seconds per stage for the build in progress; a new build starts it afresh.
STAGES: dict[str, float] = {}
# Counts worth knowing beside the times (articles tagged, pages kept from the previous build).
COUNTS: dict[str, int] = {}


def reset() -> None:
    """Forget the previous build's times and counts."""
    STAGES.clear()
    COUNTS.clear()


def add(stage: str, seconds: float) -> None:
    """Add time to a stage."""
    STAGES[stage] = STAGES.get(stage, 0.0) + seconds


def note(name: str, value: int) -> None:
    """Record a count."""
    COUNTS[name] = value


@contextmanager
def stage(name: str) -> Iterator[None]:
    """Time the enclosed block as (part of) a stage."""
    start = time.perf_counter()
    try:
        yield
    finally:
        add(name, time.perf_counter() - start)


def summary() -> str:
    """One line: each stage's seconds, in the order they ran, then the counts."""
    parts = [f"{name} {seconds:.2f}s" for name, seconds in STAGES.items()]
    parts += [f"{name} {value}" for name, value in COUNTS.items()]
    return "timing: " + ", ".join(parts)


def as_data() -> dict:
    """The log as plain data: {"stages": {name: seconds}, "counts": {name: n}}."""
    return {"stages": {k: round(v, 3) for k, v in STAGES.items()}, "counts": dict(COUNTS)}
