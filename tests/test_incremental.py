"""Rebuilds do only what changed, and give exactly the site a full build gives."""

from __future__ import annotations

import json
import os
import shutil
import sys

import pytest
from conftest import FIXTURE_CONTENT, REPO
from pelican.utils import get_relative_path, path_to_url
from test_build import digest_tree

from newsarchive.build import build_site

sys.path.insert(0, str(REPO / "plugins"))
from incremental import relative_root  # noqa: E402

NEW_ARTICLE = """Title: وصول سفينة جديدة إلى ميناء جدة الإسلامي
Date: 2015-07-23
Source: صحيفة عكاظ
Source_id: okaz

وصلت إلى ميناء جدة الإسلامي أمس سفينة حاويات جديدة، في إطار خطة المؤسسة العامة للموانئ لزيادة الطاقة الاستيعابية للميناء.

وقال مدير الميناء إن الرياض وجدة تشهدان نمواً في حركة التجارة خلال العام الجاري.
"""


def counts(cache):
    """Pages rendered and kept by the last build in this cache."""
    return json.loads((cache / "build-timing.json").read_text("utf-8"))["counts"]


def cached_keys(folder):
    """The keys of a sharded JSON cache (parsed articles, tagging results)."""
    return {key for shard in folder.glob("??.json") for key in json.loads(shard.read_bytes())}


def inodes(root):
    """Map each file under root to its inode: a file written again gets a new one."""
    return {p.relative_to(root).as_posix(): p.stat().st_ino for p in root.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A built copy of the fixture site: (content, output, cache)."""
    root = tmp_path_factory.mktemp("incremental")
    content, output, cache = root / "content", root / "output", root / "cache"
    shutil.copytree(FIXTURE_CONTENT, content)
    build_site(content, output, CACHE_PATH=str(cache))
    return content, output, cache


def test_a_rebuild_with_nothing_changed_is_skipped_whole(site):
    content, output, cache = site
    before = inodes(output)
    build_site(content, output, CACHE_PATH=str(cache))
    assert counts(cache)["up to date"] == 1
    assert inodes(output) == before


@pytest.mark.parametrize("change", ["output", "setting"])
def test_a_changed_output_file_or_setting_is_not_skipped(site, change):
    content, output, cache = site
    page = output / "articles/riyadh-rain/index.html"
    overrides = {}
    if change == "output":
        page.write_text("مكسورة", encoding="utf-8")
    else:
        overrides["ENTITIES_RELATED_COUNT"] = 4
    build_site(content, output, CACHE_PATH=str(cache), **overrides)
    assert "up to date" not in counts(cache)
    assert "مكسورة" not in page.read_text("utf-8")
    build_site(content, output, CACHE_PATH=str(cache))  # back as the other tests expect it


def test_a_rebuild_with_nothing_changed_renders_and_rewrites_no_page(site):
    content, output, cache = site
    before_digests, before_inodes = digest_tree(output), inodes(output)
    build_site(content, output, CACHE_PATH=str(cache), INCREMENTAL_SKIP_UNCHANGED=False)
    assert counts(cache)["pages rendered"] == 0
    assert counts(cache)["pages kept"] > 20
    assert counts(cache)["articles tagged"] == 0
    assert digest_tree(output) == before_digests
    after = inodes(output)
    rewritten = [
        name
        for name in before_inodes
        if name.endswith(".html") or name.startswith("search/")
        if after[name] != before_inodes[name]
    ]
    assert rewritten == []


def test_settings_that_say_how_to_build_render_no_page_again(site):
    content, output, cache = site
    before = digest_tree(output)
    how = {"ENTITIES_TAGGING_PROCS": 1, "RAW_READER_PROCS": 1, "SEARCH_IN_BACKGROUND": False}
    build_site(content, output, CACHE_PATH=str(cache), SEARCH_INDEX_PROCS=1, **how)
    assert "up to date" not in counts(cache)  # the build looked at every page
    assert counts(cache)["pages rendered"] == 0
    assert digest_tree(output) == before


def test_adding_editing_and_removing_articles_gives_the_site_a_full_build_gives(site, tmp_path):
    content, output, cache = site
    before = inodes(output)
    assert "articles/hostile-markup/index.html" in before
    (content / "jeddah-port-ship.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    (content / "hostile-markup.txt").unlink()
    rain = content / "riyadh-rain.txt"
    rain.write_text(rain.read_text("utf-8").replace("أمطار غزيرة", "أمطار رعدية", 1), "utf-8")
    build_site(content, output, CACHE_PATH=str(cache))
    rendered = counts(cache)["pages rendered"]

    fresh = tmp_path / "fresh"
    build_site(content, fresh, CACHE_PATH=str(tmp_path / "fresh-cache"))
    assert digest_tree(output) == digest_tree(fresh)
    assert counts(tmp_path / "fresh-cache")["pages kept"] == 0
    assert 0 < rendered < counts(tmp_path / "fresh-cache")["pages rendered"]
    after = inodes(output)
    seed = "articles/000_98ca48b0d465946a/index.html"
    assert after[seed] == before[seed], "an article the change does not touch is kept"
    assert after["articles/riyadh-rain/index.html"] != before["articles/riyadh-rain/index.html"]
    assert not any(name.startswith("articles/hostile-markup/") for name in after)
    # The parses of the edited and the removed article are gone from the reader's cache.
    assert cached_keys(cache / "articles") == cached_keys(tmp_path / "fresh-cache/articles")


def test_an_article_edited_right_after_a_build_is_read_again(tmp_path):
    """An edit that keeps the file's size, inode and time (a second edit within the clock tick
    of the first) still reaches the site: a file changed that recently is always read."""
    content, output, cache = tmp_path / "content", tmp_path / "output", tmp_path / "cache"
    shutil.copytree(FIXTURE_CONTENT, content)
    article = content / "jeddah-port-ship.txt"
    article.write_text(NEW_ARTICLE, encoding="utf-8")
    build_site(content, output, CACHE_PATH=str(cache))
    st = article.stat()
    edited = NEW_ARTICLE.replace("سفينة حاويات", "سفينة سيارات", 1)
    assert len(edited.encode()) == st.st_size
    with open(article, "r+b") as handle:
        handle.write(edited.encode())
    os.utime(article, ns=(st.st_atime_ns, st.st_mtime_ns))
    build_site(content, output, CACHE_PATH=str(cache))
    page = (output / "articles/jeddah-port-ship/index.html").read_text("utf-8")
    assert "سفينة سيارات جديدة" in page and "سفينة حاويات جديدة" not in page


@pytest.mark.parametrize(
    "name",
    [
        "index.html",
        "articles/snn-0a1b2c/index.html",
        "entities/مصطفى-الكاظمي/page/2/index.html",
        "archives/2015/07/index.html",
        "feeds/all.atom.xml",
        "a//b/index.html",
        "/search/index.html",
    ],
)
def test_a_pages_relative_root_is_the_one_pelicans_writer_gives(name):
    assert relative_root(name) == path_to_url(get_relative_path(name))
