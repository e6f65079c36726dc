"""File digests kept by stat: a rebuild reads only the files that changed, and never trusts a
stat that a second edit in the same clock tick could leave as it was."""

from __future__ import annotations

import hashlib
import os
import time

import pytest

from newsarchive.filedigests import RACY_SECONDS, FileDigests

TEXT = "قال مدير الميناء إن الرياض وجدة تشهدان نمواً".encode()
EDITED = "قال مدير الميناء إن الرياض وجدة تشهدان نموًا".encode()  # same length, other bytes


def aged(path, seconds: float = 60) -> None:
    """Date the file's last change seconds ago (a file written before the last build)."""
    past = time.time_ns() - int(seconds * 1e9)
    os.utime(path, ns=(past, past))


def edit_keeping_stat(path, data: bytes) -> None:
    """Write new bytes of the same length in place and put the old times back."""
    st = os.stat(path)
    with open(path, "r+b") as handle:
        handle.write(data)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


def test_digest_is_the_files_sha256_and_follows_each_change(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(TEXT)
    aged(path)
    digests = FileDigests(tmp_path / "digests.json")
    assert digests.digest(str(path)) == hashlib.sha256(TEXT).hexdigest()
    path.write_bytes(EDITED)  # a new modification time
    assert digests.digest(str(path)) == hashlib.sha256(EDITED).hexdigest()


def test_a_file_whose_stat_did_not_change_is_not_read_again(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(TEXT)
    aged(path)
    first = FileDigests(tmp_path / "digests.json")
    first.digest(str(path))
    first.save()
    edit_keeping_stat(path, EDITED)  # what only reading the file could tell
    assert (
        FileDigests(tmp_path / "digests.json").digest(str(path)) == hashlib.sha256(TEXT).hexdigest()
    )


@pytest.mark.parametrize("saved", [True, False])
def test_a_file_changed_within_the_racy_window_is_read_again(tmp_path, saved):
    path = tmp_path / "a.txt"
    path.write_bytes(TEXT)
    aged(path, RACY_SECONDS / 2)  # changed just before it was hashed
    first = FileDigests(tmp_path / "digests.json")
    first.digest(str(path))
    first.save()
    edit_keeping_stat(path, EDITED)  # a second edit in the same tick keeps the stat
    digests = FileDigests(tmp_path / "digests.json") if saved else first
    assert digests.digest(str(path)) == hashlib.sha256(EDITED).hexdigest()


@pytest.mark.parametrize("stored", [b"", b"not json", b'{"a": [1, 2'])
def test_a_digest_file_that_cannot_be_read_means_reading_every_file(tmp_path, stored):
    path = tmp_path / "a.txt"
    path.write_bytes(TEXT)
    (tmp_path / "digests.json").write_bytes(stored)
    assert (
        FileDigests(tmp_path / "digests.json").digest(str(path)) == hashlib.sha256(TEXT).hexdigest()
    )


def test_only_the_files_looked_at_are_kept(tmp_path):
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_bytes(TEXT)
        aged(tmp_path / name)
    first = FileDigests(tmp_path / "digests.json")
    first.digest(str(tmp_path / "a.txt"))
    first.digest(str(tmp_path / "b.txt"))
    first.save()
    (tmp_path / "b.txt").unlink()  # a removed article
    second = FileDigests(tmp_path / "digests.json")
    second.digest(str(tmp_path / "a.txt"))
    second.save()
    assert list(FileDigests(tmp_path / "digests.json").known) == [str(tmp_path / "a.txt")]
