"""The raw-article parser: boilerplate out, headline as title, every body paragraph kept."""

from __future__ import annotations

import pytest
from conftest import REPO

from newsarchive import boilerplate as bp
from newsarchive.rawarticle import parse_article
from newsarchive.textfile import UnreadableFile, decode_bytes

SEED = (REPO / "content" / "000_98ca48b0d465946a.txt").read_text(encoding="utf-8")
SEED_TITLE = "الكاظمي يطالب بتكثيف الجهد الاستخباري للإيقاع بالعصابات الإرهابية بالعراق"


def test_seed_article_title_body_and_no_masthead():
    article = parse_article(SEED)
    assert article.title == SEED_TITLE
    body_lines = [line.strip() for line in SEED.splitlines()[9:] if line.strip()]
    assert article.paragraphs == body_lines
    assert len(article.paragraphs) == 10
    text = article.plaintext
    assert "رئيس مجلسى الإدارة والتحرير" not in text
    assert "محمد الباز" not in text
    assert {rule for rule, _ in article.removed} == {bp.MASTHEAD, bp.REPEATED_SHORT_LINE}


def test_metadata_lines_override_inference():
    text = "Title: عنوان محدد\nDate: 2015-07-21\nSource: صحيفة الرياض\n\nسطر قصير\n\nفقرة الخبر."
    article = parse_article(text)
    assert article.title == "عنوان محدد"
    assert article.metadata == {"date": "2015-07-21", "source": "صحيفة الرياض"}
    assert article.paragraphs == ["سطر قصير", "فقرة الخبر."]


def test_unknown_metadata_key_is_reported():
    article = parse_article("Title: خبر\nColour: أحمر\n\nنص الخبر")
    assert article.warnings == ["unknown metadata key 'Colour' ignored"]


@pytest.mark.parametrize(
    "line",
    ["// انتهى //", "//انتهى//", "(انتهى)", "...المزيد", "// يتبع //", "Next Previous"],
)
def test_agency_markers_are_removed(line):
    article = parse_article(f"Title: خبر\n\nأعلنت الوزارة اليوم عن مشروع جديد.\n{line}")
    assert article.paragraphs == ["أعلنت الوزارة اليوم عن مشروع جديد."]
    assert article.removed == [(bp.AGENCY_MARKER, line)]


def test_marker_glued_to_last_line_is_cut_off_not_the_line():
    article = parse_article("Title: خبر\n\nاختتمت الندوة أعمالها أمس. // انتهى //")
    assert article.paragraphs == ["اختتمت الندوة أعمالها أمس."]


@pytest.mark.parametrize(
    "line",
    [
        "للتواصل مع الكاتب ارسل رسالة SMS",
        "88591 - Stc",
        "737221 - Zain",
        "تبدأ بالرمز (100) ثم مسافة ثم نص الرسالة إلى",
        "للتواصل أرسل sms إلى 88548 الاتصالات ,636250 موبايلي, 738303 زين تبدأ بالرمز 159 مسافة",
    ],
)
def test_sms_contact_blocks_are_removed(line):
    article = parse_article(f"Title: مقال\n\nفقرة من المقال عن التعليم.\n\n{line}")
    assert article.paragraphs == ["فقرة من المقال عن التعليم."]


@pytest.mark.parametrize(
    ("byline", "source", "author"),
    [
        ("عين اليوم – متابعات", "عين اليوم", "عين اليوم – متابعات"),
        ("عمر إبراهيم – عين اليوم", "عين اليوم", "عمر إبراهيم"),
        ("عكاظ – جدة", "صحيفة عكاظ", "عكاظ – جدة"),
    ],
)
def test_byline_becomes_author(byline, source, author):
    article = parse_article(f"Title: خبر\nSource: {source}\n\n{byline}\n\nنص الخبر الكامل هنا.")
    assert article.metadata["author"] == author
    assert article.paragraphs == ["نص الخبر الكامل هنا."]


def test_a_sentence_with_a_dash_is_not_a_byline():
    line = "قال الوزير – في تصريح صحفي – إن المشروع يكتمل قريبا"
    article = parse_article(f"Title: خبر\nSource: عين اليوم\n\n{line}")
    assert article.paragraphs == [line]


def test_repeated_lines_inside_a_poem_are_kept_in_a_corpus_body():
    body = "وكم غيمة\nوكم غيمة\nمرت على المدينة ولم تمطر"
    article = parse_article(body, raw_page=False)
    assert article.paragraphs == ["وكم غيمة", "وكم غيمة", "مرت على المدينة ولم تمطر"]


def test_presentation_forms_are_folded():
    article = parse_article("Title: خبر\n\nﺍﻟﻌﺮﺍﻕ ﻭﺍﻟﺴﻌﻮﺩﻳﺔ")
    assert article.paragraphs == ["العراق والسعودية"]


def test_recurring_source_line_is_removed_only_at_the_edges():
    recurring = bp.RecurringLines(min_articles=3)
    for _ in range(5):
        recurring.add("الاقتصادية", ["* وحدة التقارير الاقتصادية", "أداء الأسهم"])
    body = "أداء الأسهم\nارتفع المؤشر العام للسوق اليوم.\nأداء الأسهم\nتراجعت أسهم البنوك.\nختام\n* وحدة التقارير الاقتصادية"
    article = parse_article(body, source="الاقتصادية", recurring=recurring, raw_page=False)
    assert "* وحدة التقارير الاقتصادية" not in article.paragraphs
    assert article.paragraphs.count("أداء الأسهم") == 1  # the heading inside the text stays


@pytest.mark.parametrize(
    ("encoding", "reported"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("utf-16", "utf-16"), ("cp1256", "cp1256")],
)
def test_files_in_common_encodings_decode_to_the_same_text(encoding, reported):
    decoded = decode_bytes(SEED.encode(encoding))
    assert decoded.text == SEED
    assert decoded.encoding == reported


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", "empty"),
        (b"  \n\n", "empty"),
        (b"\x00\x01\x02\xff\xfe\x00binary\x00", "binary"),
        # A byte-order mark, then bytes that are not that encoding (found by test_properties).
        (b"\xfe\xff\x00\x00\x00\x00\x00\x00\x00", "UTF-16 byte-order mark but is not valid"),
        ("\ufeffخبر".encode()[:-1], "UTF-8 byte-order mark but is not valid"),
    ],
)
def test_unreadable_files_say_why(data, problem):
    with pytest.raises(UnreadableFile, match=problem):
        decode_bytes(data)


def test_control_characters_are_removed_so_feeds_stay_valid_xml():
    article = parse_article("Title: خبر\x1a عاجل\n\nنص\x1a الخبر\x0c\x7f")
    assert article.title == "خبر عاجل"
    assert article.paragraphs == ["نص الخبر"]
