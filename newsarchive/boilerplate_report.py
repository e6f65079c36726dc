"""Report what the boilerplate rules remove from a corpus, to check they eat no real sentences."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from pathlib import Path

from newsarchive.boilerplate import SHORT_LINE_WORDS, word_count
from newsarchive.corpus_import import ImportReport, clean_record, count_recurring, read_records


def removal_stats(path: Path | str) -> tuple[int, Counter, dict[str, list[str]]]:
    """Return (articles, removals per rule, every removed line per rule) for a corpus."""
    records = read_records(Path(path), ImportReport())
    recurring = count_recurring(records)
    counts: Counter = Counter()
    lines: dict[str, list[str]] = defaultdict(list)
    for _, record in records:
        for rule, line in clean_record(record, recurring).removed:
            counts[rule] += 1
            lines[rule].append(line)
    return len(records), counts, lines


def print_report(path: Path | str, sample: int = 5) -> None:
    """Print counts per rule, a random sample of each, and the longest lines removed."""
    articles, counts, lines = removal_stats(path)
    print(f"{articles} articles; {sum(counts.values())} lines removed")
    rng = random.Random(0)
    for rule, count in counts.most_common():
        print(f"\n{rule}: {count} lines; sample:")
        for line in rng.sample(lines[rule], min(sample, len(lines[rule]))):
            print(f"  | {line}")
    longest = sorted((line for group in lines.values() for line in group), key=word_count)[-sample:]
    print(
        f"\nlongest removed lines (a real sentence would be longer than {SHORT_LINE_WORDS} words):"
    )
    for line in longest:
        print(f"  {word_count(line):3d} words | {line}")
