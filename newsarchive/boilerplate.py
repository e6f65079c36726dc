"""Boilerplate rules for scraped Arabic news text: what to remove from an article and why."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable

from newsarchive.arabic import normalize

# Rule names, as counted in reports.
MASTHEAD = "masthead"
REPEATED_SHORT_LINE = "repeated-short-line"
AGENCY_MARKER = "agency-marker"
SMS_BLOCK = "sms-block"
BYLINE = "byline"
RECURRING_LINE = "recurring-line"

# A line this short (in words) can be a caption, a masthead or a byline; longer lines are prose.
SHORT_LINE_WORDS = 8

MASTHEAD_RE = re.compile(
    r"^(رئيس|رئيسا|نائب رئيس|مدير) (مجلسى|مجلسي|مجلس) الإدارة|^(رئيس|مدير|نائب رئيس) التحرير"
)
AGENCY_MARKER_RE = re.compile(
    r"^(//\s*(انتهى|يتبع)\s*//|\(\s*انتهى\s*\)|\.{2,}\s*المزيد|المزيد\s*\.{2,}|Next Previous)$"
)
# Agencies and papers print this marker glued to the last line too.
TRAILING_MARKER_RE = re.compile(r"\s*(//\s*(انتهى|يتبع)\s*//|\.{2,}\s*المزيد)\s*$")
SMS_RE = re.compile(
    r"(\bsms\b.*\d{4,}|للتواصل.*\bsms\b|تبدأ بالرمز|^ثم الرسالة$|^\d{4,7}\s*[-–]\s*(stc|zain|mobily)$"
    r"|^الاتصالات\s*[,،]\s*\d{4,}|^زين تبدأ|^(stc|zain|mobily)\s*[-–]?\s*\d{4,7}$)",
    re.IGNORECASE,
)
BYLINE_RE = re.compile(r"^(?P<left>[^–\-:|]{2,40}?)\s+[–\-]\s+(?P<right>[^–\-:|]{2,40})$")
# Words that, beside the outlet's name in a byline, say "compiled by the desk", not a person.
OUTLET_KINDS = {"صحيفه", "جريده", "موقع", "مجله", "وكاله"}
GENERIC_BYLINE_WORDS = {"متابعات", "خاص", "واس", "وكالات", "الوكالات", "تقرير", "التحرير"}


def word_count(line: str) -> int:
    """Number of whitespace-separated words in a line."""
    return len(line.split())


def is_agency_marker(line: str) -> bool:
    """True for end-of-story and 'read more' markers that carry no content."""
    return bool(AGENCY_MARKER_RE.match(line.strip()))


def is_sms_line(line: str) -> bool:
    """True for the SMS contact blocks some papers append to columns."""
    return word_count(line) <= 14 and bool(SMS_RE.search(line.strip()))


def is_masthead_line(line: str) -> bool:
    """True for an editor or board line of a newspaper masthead."""
    return word_count(line) <= SHORT_LINE_WORDS and bool(MASTHEAD_RE.match(line.strip()))


def strip_trailing_marker(line: str) -> str:
    """Remove an agency end marker glued to the end of a line."""
    return TRAILING_MARKER_RE.sub("", line)


def outlet_names(outlet: str) -> set[str]:
    """Normalised ways a byline names the outlet: 'صحيفة عكاظ' is also just 'عكاظ'."""
    name = normalize(outlet.strip())
    words = name.split()
    names = {name}
    if len(words) > 1 and words[0] in OUTLET_KINDS:
        names.add(" ".join(words[1:]))
    return names


def parse_byline(line: str, outlet: str | None) -> str | None:
    """Return the author named by a byline such as 'عين اليوم – متابعات', or None if not one."""
    match = BYLINE_RE.match(line.strip())
    if not match or not outlet:
        return None
    left, right = match["left"].strip(), match["right"].strip()
    names = outlet_names(outlet)
    if normalize(left) in names:
        other = right
    elif normalize(right) in names:
        other = left
    else:
        return None
    # A person's name has two words or more; one generic word or a city means the desk wrote it.
    if other in GENERIC_BYLINE_WORDS or word_count(other) < 2:
        return line.strip()
    return other


class RecurringLines:
    """Counts short lines across the articles of each source, to find a source's boilerplate."""

    def __init__(self, min_articles: int = 5, min_share: float = 0.002) -> None:
        self.min_articles = min_articles
        self.min_share = min_share
        self.lines: dict[str, Counter] = defaultdict(Counter)
        self.articles: Counter = Counter()

    def add(self, source: str, lines: Iterable[str]) -> None:
        """Count each distinct short line of one article of a source."""
        self.articles[source] += 1
        short = {line.strip() for line in lines if 0 < word_count(line) <= SHORT_LINE_WORDS}
        self.lines[source].update(short)

    def is_recurring(self, source: str, line: str) -> bool:
        """True when a short line recurs in enough of this source's articles to be boilerplate."""
        count = self.lines.get(source, Counter()).get(line.strip(), 0)
        needed = max(self.min_articles, self.min_share * self.articles[source])
        return count >= needed
