"""Convert a JSON Lines corpus of scraped articles into raw-article content files, one per article."""

from __future__ import annotations

import gzip
import html
import json
import logging
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from newsarchive.arabic import INVISIBLE_RE, fold_presentation_forms
from newsarchive.boilerplate import RecurringLines
from newsarchive.rawarticle import CONTROL_RE, ParsedArticle, parse_article
from newsarchive.slugs import safe_slug

log = logging.getLogger(__name__)

REQUIRED_FIELDS = ("id", "body")
# Words kept from the body for the title of an article that has none.
FALLBACK_TITLE_WORDS = 12


@dataclass
class ImportReport:
    """What an import did: files written, unchanged, skipped (with line and reason), rules applied."""

    written: int = 0
    unchanged: int = 0
    skipped: list[tuple[int, str]] = field(default_factory=list)
    warnings: list[tuple[int, str]] = field(default_factory=list)
    removed: Counter = field(default_factory=Counter)
    samples: dict[str, list[str]] = field(default_factory=dict)

    @property
    def imported(self) -> int:
        """Articles now present as content files."""
        return self.written + self.unchanged


def open_corpus(path: Path) -> Iterator[tuple[int, str]]:
    """Yield (line number, line) of a .jsonl or .jsonl.gz file."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", errors="replace") as lines:
        yield from enumerate(lines, start=1)


def parse_record(line: str) -> dict:
    """Parse one JSON line into a record with the required fields, or raise ValueError."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        raise ValueError(f"invalid JSON: {error.msg} at column {error.colno}") from None
    if not isinstance(record, dict):
        raise ValueError("not a JSON object")
    for name in REQUIRED_FIELDS:
        if not isinstance(record.get(name), str) or not record[name].strip():
            raise ValueError(f"missing or empty field {name!r}")
    return record


def clean_meta(value) -> str:
    """A metadata value as one clean line: entities decoded, forms folded, controls removed."""
    if value is None:
        return ""
    text = fold_presentation_forms(html.unescape(str(value)))
    return " ".join(CONTROL_RE.sub("", INVISIBLE_RE.sub("", text)).split())


def read_records(path: Path, report: ImportReport) -> list[tuple[int, dict]]:
    """Read every valid record, recording each malformed line with its number and problem."""
    records = []
    for number, line in open_corpus(path):
        if not line.strip():
            continue
        try:
            records.append((number, parse_record(line)))
        except ValueError as error:
            report.skipped.append((number, str(error)))
            log.warning("%s:%d: skipped: %s", path, number, error)
    return records


def count_recurring(records: list[tuple[int, dict]]) -> RecurringLines:
    """First pass: count short lines across each source's articles."""
    recurring = RecurringLines()
    for _, record in records:
        source = clean_meta(record.get("source_name"))
        recurring.add(source, fold_presentation_forms(record["body"]).splitlines())
    return recurring


def clean_record(record: dict, recurring: RecurringLines) -> ParsedArticle:
    """The record's body with boilerplate removed (the title is a field, never inferred)."""
    source_name = clean_meta(record.get("source_name"))
    return parse_article(record["body"], source=source_name, recurring=recurring, raw_page=False)


def render_file(record: dict, recurring: RecurringLines, report: ImportReport, number: int) -> str:
    """The content file for one record: metadata lines, a blank line, the cleaned body."""
    source_name = clean_meta(record.get("source_name"))
    parsed = clean_record(record, recurring)
    for rule, line in parsed.removed:
        report.removed[rule] += 1
        report.samples.setdefault(rule, [])
        if len(report.samples[rule]) < 5:
            report.samples[rule].append(line)
    author = clean_meta(record.get("author")) or parsed.metadata.get("author", "")
    title = clean_meta(record.get("title"))
    if not title:
        title = " ".join(" ".join(parsed.paragraphs).split()[:FALLBACK_TITLE_WORDS]) + "…"
        report.warnings.append((number, "no title; the first words of the body are the title"))
    header = {
        "Title": title,
        "Slug": safe_slug(record["id"]),
        "Date": clean_meta(record.get("date")),
        "Source": source_name,
        "Source_id": record.get("source") or "",
        "Category": clean_meta(record.get("category")),
        "Author": author,
        "URL": clean_meta(record.get("url")),
    }
    lines = [f"{key}: {value}" for key, value in header.items() if value]
    return "\n".join(lines) + "\n\n" + "\n\n".join(parsed.paragraphs) + "\n"


def import_corpus(path: Path | str, content: Path | str, progress: bool = True) -> ImportReport:
    """Import a JSON Lines corpus into content files; re-importing rewrites nothing unchanged."""
    path, content = Path(path), Path(content)
    report = ImportReport()
    records = read_records(path, report)
    recurring = count_recurring(records)
    content.mkdir(parents=True, exist_ok=True)
    seen: dict[str, int] = {}
    for number, record in tqdm(records, desc="import", unit="article", disable=not progress):
        slug = safe_slug(record["id"])
        if slug in seen:
            report.skipped.append((number, f"duplicate id {record['id']!r} (line {seen[slug]})"))
            continue
        seen[slug] = number
        text = render_file(record, recurring, report, number)
        target = content / f"{slug}.txt"
        if target.exists() and target.read_text(encoding="utf-8") == text:
            report.unchanged += 1
        else:
            target.write_text(text, encoding="utf-8")
            report.written += 1
    return report
