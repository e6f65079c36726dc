"""Moving a built site into the live one: only the files that differ are touched."""

from __future__ import annotations

import os

from newsarchive.sitecommit import commit


def write(path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_commit_touches_only_the_files_that_differ(tmp_path):
    live, built = tmp_path / "output", tmp_path / "output.building"
    write(live / "articles/kept/index.html", "<h1>أمطار على الرياض</h1>")
    write(live / "articles/same/index.html", "<h1>سيول في جدة</h1>")
    write(live / "articles/changed/index.html", "<h1>الكاظمي في بغداد</h1>")
    write(live / "articles/gone/index.html", "<h1>خبر محذوف</h1>")
    write(live / "index.html", "<p>الرئيسية</p>")
    before = {p: p.stat().st_ino for p in live.rglob("*.html")}
    # A page kept from the last build is a hard link; one rendered again to the same bytes is not.
    (built / "articles/kept").mkdir(parents=True)
    os.link(live / "articles/kept/index.html", built / "articles/kept/index.html")
    write(built / "articles/same/index.html", "<h1>سيول في جدة</h1>")
    write(built / "articles/changed/index.html", "<h1>مصطفى الكاظمي في بغداد</h1>")
    write(built / "entities/per-kadhimi/index.html", "<h1>مصطفى الكاظمي</h1>")
    # The build's writer may instead list a kept page, which is then not in the built folder.

    done = commit(built, live, keep={"./index.html"})

    assert done == {"unchanged": 3, "written": 2, "removed": 1}
    files = sorted(p.relative_to(live).as_posix() for p in live.rglob("*") if p.is_file())
    assert files == [
        "articles/changed/index.html",
        "articles/kept/index.html",
        "articles/same/index.html",
        "entities/per-kadhimi/index.html",
        "index.html",
    ]
    assert not (live / "articles/gone").exists()  # its folder went with its only file
    for name in ("articles/kept/index.html", "articles/same/index.html", "index.html"):
        assert (live / name).stat().st_ino == before[live / name], name
    changed = live / "articles/changed/index.html"
    assert changed.read_text(encoding="utf-8") == "<h1>مصطفى الكاظمي في بغداد</h1>"
    assert not [p for p in built.rglob("*") if p.is_file()]  # emptied for the next build
