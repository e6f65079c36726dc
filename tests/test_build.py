"""Builds that can be trusted: deterministic, atomic, strict on request."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys

import pytest
from conftest import FIXTURE_CONTENT, REPO

from newsarchive.build import build_site


def digest_tree(root):
    """Map each file under root to the sha256 of its bytes."""
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def test_building_twice_gives_byte_identical_output(built_site, tmp_path):
    again = tmp_path / "again"
    # Another process with another hash seed and a later clock: neither may show in the output.
    build = (
        "import sys; from newsarchive.build import build_site; "
        "build_site(sys.argv[1], sys.argv[2], CACHE_PATH=sys.argv[3])"
    )
    command = [sys.executable, "-c", build, str(FIXTURE_CONTENT), str(again), str(tmp_path / "c")]
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run(command, cwd=REPO, env=env, check=True, capture_output=True)
    first, second = digest_tree(built_site), digest_tree(again)
    assert first.keys() == second.keys()
    differing = sorted(name for name in first if first[name] != second[name])
    assert differing == []


def test_parsing_ahead_in_two_processes_gives_the_same_site(
    built_site, tmp_path, monkeypatch, caplog
):
    from newsarchive import forkmap

    monkeypatch.setattr(forkmap, "PARALLEL_MIN_ITEMS", 2)  # the fixture's few files: forked
    caplog.set_level("INFO")
    site = tmp_path / "site"
    build_site(FIXTURE_CONTENT, site, CACHE_PATH=str(tmp_path / "cache"), RAW_READER_PROCS=2)
    parsed = [r.getMessage() for r in caplog.records if "raw reader: parsed" in r.getMessage()]
    assert [int(m.split()[3]) for m in parsed] == [len(list(FIXTURE_CONTENT.glob("*.txt")))]
    assert digest_tree(site) == digest_tree(built_site)


def test_a_failed_build_leaves_the_previous_site_whole(built_site, tmp_path):
    site = tmp_path / "site"
    shutil.copytree(built_site, site)
    before = digest_tree(site)
    with pytest.raises(Exception):  # noqa: B017 - any failure of the build will do
        build_site(FIXTURE_CONTENT, site, THEME=str(tmp_path / "no-such-theme"))
    assert digest_tree(site) == before


def test_strict_build_fails_when_an_input_is_skipped(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, content)
    (content / "empty.txt").write_bytes(b"")
    command = [sys.executable, "-m", "invoke", "build", "--content", str(content)]
    lenient = subprocess.run(
        [*command, "--output", str(tmp_path / "a")], cwd=REPO, capture_output=True, text=True
    )
    assert lenient.returncode == 0, lenient.stderr
    assert "skipped empty.txt: could not read: file is empty" in lenient.stdout
    strict = subprocess.run(
        [*command, "--output", str(tmp_path / "b"), "--strict"],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert strict.returncode != 0
    assert "1 input(s) skipped" in strict.stderr


def test_search_built_beside_the_rendering_gives_the_same_site(built_site, tmp_path):
    # The session's site built its search files in a forked process while pages rendered.
    alone = tmp_path / "output"
    build_site(FIXTURE_CONTENT, alone, CACHE_PATH=str(tmp_path / "c"), SEARCH_IN_BACKGROUND=False)
    assert digest_tree(alone) == digest_tree(built_site)
    assert json.loads((tmp_path / "c" / "build-timing.json").read_text())["overlapped"] == []


def test_the_search_stage_beside_the_pages_is_waited_for_before_the_timing_log(built_site):
    # PLUGINS order: the search stage is collected at the end, before the timing and the report.
    log = json.loads((built_site.parent / "cache" / "build-timing.json").read_text())
    assert {"indexing", "export"} <= set(log["overlapped"])
    assert {"search wait", "indexing", "export"} <= set(log["stages"])
