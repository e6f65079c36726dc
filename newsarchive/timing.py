"""The build's timing log: how long each stage took, as plain data."""

from __future__ import annotations

import json
import resource
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOG = "build-timing.json"  # in the cache folder, not the output, which stays deterministic
# Seconds per stage for the build in progress; a new build starts it afresh.
STAGES: dict[str, float] = {}
# Peak resident memory (MB) of the build and of its largest finished worker, as each stage ends:
# the stage that raises it is the one to make leaner.
MEMORY: dict[str, dict[str, int]] = {}
# Counts worth knowing beside the times (articles tagged, pages kept from the previous build).
COUNTS: dict[str, int] = {}


def reset() -> None:
    """Forget the previous build's times and counts."""
    STAGES.clear()
    COUNTS.clear()
    MEMORY.clear()


def add(stage: str, seconds: float) -> None:
    """Add time to a stage."""
    STAGES[stage] = STAGES.get(stage, 0.0) + seconds
    MEMORY[stage] = {"build": peak_mb(resource.RUSAGE_SELF)}
    MEMORY[stage]["worker"] = peak_mb(resource.RUSAGE_CHILDREN)


def peak_mb(who: int) -> int:
    """Peak resident memory so far, in MB (Linux reports kilobytes)."""
    return resource.getrusage(who).ru_maxrss // 1024


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
    """The log as plain data: {"stages": {name: seconds}, "counts": {name: n}, "peak MB":
    {stage: {"build": MB, "worker": MB}}}."""
    stages = {k: round(v, 3) for k, v in STAGES.items()}
    return {"stages": stages, "counts": dict(COUNTS), "peak MB": dict(MEMORY)}


def save(cache_folder: Path | str) -> None:
    """Write the log to the cache folder."""
    cache = Path(cache_folder)
    cache.mkdir(parents=True, exist_ok=True)
    (cache / LOG).write_text(json.dumps(as_data(), indent=1) + "\n")
