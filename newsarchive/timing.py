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
# Stages that ran in another process beside the others: they add nothing to the wall time.
OVERLAPPED: set[str] = set()
# Counts worth knowing beside the times (articles tagged, pages kept from the previous build).
COUNTS: dict[str, int] = {}


def reset() -> None:
    """Forget the previous build's times and counts."""
    STAGES.clear()
    COUNTS.clear()
    MEMORY.clear()
    OVERLAPPED.clear()


def add(stage: str, seconds: float, overlapped: bool = False) -> None:
    """Add time to a stage (overlapped: it ran in another process beside the others)."""
    STAGES[stage] = STAGES.get(stage, 0.0) + seconds
    if overlapped:
        OVERLAPPED.add(stage)
    MEMORY[stage] = {"build": peak_mb(resource.RUSAGE_SELF)}
    MEMORY[stage]["worker"] = peak_mb(resource.RUSAGE_CHILDREN)


def peak_mb(who: int) -> int:
    """Peak resident memory so far, in MB (Linux reports kilobytes)."""
    return resource.getrusage(who).ru_maxrss // 1024


def note(name: str, value: int) -> None:
    """Record a count."""
    COUNTS[name] = value


def count(name: str, value: int) -> None:
    """Add to a count."""
    COUNTS[name] = COUNTS.get(name, 0) + value


@contextmanager
def stage(name: str) -> Iterator[None]:
    """Time the enclosed block as (part of) a stage."""
    start = time.perf_counter()
    try:
        yield
    finally:
        add(name, time.perf_counter() - start)


def serial_seconds() -> float:
    """Seconds of the stages that ran in the build's own process, one after another."""
    return sum(seconds for name, seconds in STAGES.items() if name not in OVERLAPPED)


def summary() -> str:
    """One line: each stage's seconds, in the order they ran, then the counts."""
    parts = [
        f"{name} {seconds:.2f}s" + (" (beside)" if name in OVERLAPPED else "")
        for name, seconds in STAGES.items()
    ]
    parts += [f"{name} {value}" for name, value in COUNTS.items()]
    return "timing: " + ", ".join(parts)


def as_data() -> dict:
    """The log as plain data: {"stages": {name: seconds}, "counts": {name: n}, "peak MB":
    {stage: {"build": MB, "worker": MB}}, "overlapped": [stages run beside the others]}."""
    stages = {k: round(v, 3) for k, v in STAGES.items()}
    data = {"stages": stages, "counts": dict(COUNTS), "peak MB": dict(MEMORY)}
    return data | {"overlapped": sorted(OVERLAPPED)}


def save(cache_folder: Path | str) -> None:
    """Write the log to the cache folder."""
    cache = Path(cache_folder)
    cache.mkdir(parents=True, exist_ok=True)
    (cache / LOG).write_text(json.dumps(as_data(), indent=1) + "\n")
