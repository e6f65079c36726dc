"""Bad input: every file is accounted for in build-report.json and the build goes on."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import pytest

from newsarchive.build import build_site

BODY = "أعلنت وزارة الصحة اليوم افتتاح مستشفى جديد في مدينة الدمام بطاقة ثلاثمئة سرير."
GOOD = f"Title: مستشفى جديد في الدمام\nDate: 2015-07-22\n\n{BODY}\n"


def article(title: str, body: str, date: str = "2015-07-22", extra: str = "") -> str:
    return f"Title: {title}\nDate: {date}\n{extra}\n{body}\n"


FILES = {
    "good.txt": GOOD.encode("utf-8"),
    "windows-1256.txt": article("خبر بترميز ويندوز", "نص الخبر عن التعليم في المملكة.").encode(
        "cp1256"
    ),
    "utf-16.txt": article("خبر بترميز يونيكود ١٦", "نص عن الرياضة والأندية.").encode("utf-16"),
    "bom.txt": article("خبر بعلامة ترتيب", "نص عن الاقتصاد والأسواق.").encode("utf-8-sig"),
    "mojibake.txt": article("خبر معطوب الترميز", "نص عن الطقس والأمطار.")
    .encode("utf-8")
    .decode("latin-1")
    .encode("utf-8"),
    "empty.txt": b"",
    "binary.txt": bytes(range(256)) * 4,
    "huge.txt": b"Title: x\n\n" + ("كلمة " * 1_200_000).encode("utf-8"),
    "only-boilerplate.txt": "// انتهى //\n...المزيد\n".encode(),
    "broken-metadata.txt": article("خبر", "نص خبر عن النقل.", extra="Colour: أحمر\n").encode(),
    "impossible-date.txt": article("خبر بتاريخ مستحيل", "نص عن الزراعة.", "2015-02-30").encode(),
    "same-slug-a.txt": article("خبر أول", "نص الخبر الأول.", extra="Slug: same\n").encode(),
    "same-slug-b.txt": article("خبر ثان", "نص الخبر الثاني.", extra="Slug: same\n").encode(),
    "same-text.txt": GOOD.replace("مستشفى جديد", "عنوان آخر", 1).encode("utf-8"),
    "escape.txt": article("خبر", "نص عن السفر.", extra="Slug: ../../outside\n").encode(),
    "rtl-override.txt": article("خبر \u202eمقلوب", "نص عن الفن.").encode(),
}


@pytest.fixture(scope="module")
def bad_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("bad")
    content = root / "content"
    content.mkdir()
    for name, data in FILES.items():
        (content / name).write_bytes(data)
    report = build_site(content, root / "output", CACHE_PATH=str(root / "cache"))
    return root / "output", report


def fate(report, name):
    return report["files"][name]


def test_counts_add_up_to_the_inputs(bad_site):
    _, report = bad_site
    assert report["inputs"] == len(FILES)
    assert sum(report["counts"].values()) == len(FILES)
    saved = json.loads((bad_site[0] / "build-report.json").read_text(encoding="utf-8"))
    assert saved == report


@pytest.mark.parametrize(
    ("name", "warning"),
    [
        ("windows-1256.txt", "decoded as cp1256"),
        ("utf-16.txt", "decoded as utf-16"),
        ("bom.txt", "decoded as utf-8-sig"),
        ("mojibake.txt", "repaired mojibake"),
        ("broken-metadata.txt", "unknown metadata key 'Colour'"),
        ("impossible-date.txt", "impossible date '2015-02-30'"),
        ("rtl-override.txt", "invisible direction/format characters removed from title"),
    ],
)
def test_odd_but_readable_files_are_published_with_a_warning(bad_site, name, warning):
    output, report = bad_site
    item = fate(report, name)
    assert item["fate"] == "published"
    assert any(warning in w for w in item["warnings"]), item
    assert (output / item["url"] / "index.html").exists()


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("empty.txt", "file is empty"),
        ("binary.txt", "binary"),
        ("huge.txt", "over the limit"),
        ("only-boilerplate.txt", "no article text left after removing boilerplate"),
    ],
)
def test_unusable_files_are_skipped_with_the_reason(bad_site, name, reason):
    _, report = bad_site
    item = fate(report, name)
    assert item["fate"] == "skipped"
    assert reason in item["reason"]


def test_decoded_text_is_right(bad_site):
    output, report = bad_site
    for name, text in [
        ("windows-1256.txt", "نص الخبر عن التعليم في المملكة."),
        ("utf-16.txt", "نص عن الرياضة والأندية."),
        ("mojibake.txt", "نص عن الطقس والأمطار."),
    ]:
        page = output / fate(report, name)["url"] / "index.html"
        assert text in page.read_text(encoding="utf-8")


def test_duplicates_are_merged_into_the_first(bad_site):
    _, report = bad_site
    assert fate(report, "same-slug-b.txt") == {
        "fate": "duplicate",
        "duplicate_of": "same-slug-a.txt",
        "reason": "same slug as",
        "warnings": fate(report, "same-slug-b.txt")["warnings"],
    }
    assert fate(report, "same-text.txt")["duplicate_of"] == "good.txt"


def test_nothing_is_written_outside_the_output_folder(bad_site):
    output, report = bad_site
    assert fate(report, "escape.txt")["url"] == "articles/outside/"
    assert not (output.parent / "outside").exists()
    assert not (output.parent.parent / "outside").exists()


def test_rtl_override_is_not_in_the_title(bad_site):
    output, report = bad_site
    page = (output / fate(report, "rtl-override.txt")["url"] / "index.html").read_text("utf-8")
    assert "\u202e" not in page


@pytest.mark.parametrize(
    "value", ["2015-07-22", "2015-07-22 10:30", "2015-07-22T10:30:05", "22/07/2015", "July 22 2015"]
)
def test_a_date_is_read_as_pelican_reads_it(value, monkeypatch):
    from pelican.settings import DEFAULT_CONFIG
    from pelican.utils import get_date

    monkeypatch.syspath_prepend(str(Path(__file__).parents[1] / "plugins"))
    reader = importlib.import_module("raw_reader").RawArticleReader(dict(DEFAULT_CONFIG))
    assert reader.parse_date(value) == get_date(value)
