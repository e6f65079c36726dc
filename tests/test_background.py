"""A stage run in a forked process: its result, its log and its counts come back."""

from __future__ import annotations

import gc
import logging
import os

import pytest

from newsarchive import timing
from newsarchive.background import apart
from newsarchive.memory import young_collections_only


def test_a_stage_apart_returns_its_result_log_and_counts(caplog):
    def stage() -> dict:
        logging.getLogger("newsarchive.stage").warning("%s: لا تاريخ للمقال", "a.txt")
        timing.note("articles tagged", 7)
        return {"pid": os.getpid(), "name": "العراق"}

    timing.reset()
    try:
        found = apart("stage", stage)
        assert found["name"] == "العراق" and found["pid"] != os.getpid()
        # Logged again in this process, where the build report's handler listens.
        assert [(r.levelname, r.getMessage()) for r in caplog.records] == [
            ("WARNING", "a.txt: لا تاريخ للمقال")
        ]
        assert timing.COUNTS == {"articles tagged": 7}
    finally:
        timing.reset()


def test_a_failed_stage_apart_raises_with_its_traceback():
    def stage():
        raise ValueError("ملف تالف")

    with pytest.raises(RuntimeError, match="ملف تالف"):
        apart("stage", stage)


def test_a_build_makes_no_full_collections_and_gives_the_collector_back_as_it_was():
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), young_collections_only():
        # Forked stages inherit the setting; the young generations are still collected.
        child = apart("thresholds", gc.get_threshold)
        assert child[:2] == before[:2] and child[2] > 10**9
        raise RuntimeError("a failed build")
    assert gc.get_threshold() == before
