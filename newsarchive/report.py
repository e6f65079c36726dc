"""The build report: every input file with its fate (published, duplicate, skipped) and warnings."""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

PUBLISHED = "published"
DUPLICATE = "duplicate"
SKIPPED = "skipped"


@dataclass
class InputFate:
    """What became of one input file."""

    fate: str = SKIPPED
    url: str | None = None
    duplicate_of: str | None = None
    reason: str | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass
class BuildReport:
    """Fates of all inputs of one build, keyed by path relative to the content folder."""

    content: Path
    inputs: dict[str, InputFate] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @classmethod
    def for_folder(cls, content: Path) -> BuildReport:
        """A report listing every file under the content folder, each skipped until shown not."""
        content = Path(content).resolve()
        files = sorted(p for p in content.rglob("*") if p.is_file())
        return cls(content, {p.relative_to(content).as_posix(): InputFate() for p in files})

    def key(self, path: str | Path) -> str | None:
        """The report's key for a path (absolute or relative to the content folder), if an input."""
        # Most paths are the content folder's own, as listed: no need to resolve each of them.
        inside = os.fspath(path).removeprefix(f"{self.content}{os.sep}")
        if inside in self.inputs:
            return inside
        path = Path(path)
        path = path if path.is_absolute() else self.content / path
        try:
            key = path.resolve().relative_to(self.content).as_posix()
        except ValueError:
            return None
        return key if key in self.inputs else None

    def warn(self, path: str | Path | None, message: str) -> None:
        """Record a warning about an input file, or about the build when no input is named."""
        key = self.key(path) if path else None
        if key is None:
            self.warnings.append(message)
        else:
            self.inputs[key].warnings.append(message)

    def published(self, path: str | Path, url: str) -> None:
        """Record that an input became the page at url."""
        if key := self.key(path):
            self.inputs[key] = InputFate(PUBLISHED, url=url, warnings=self.inputs[key].warnings)

    def duplicate(self, path: str | Path, of: str | Path, reason: str) -> None:
        """Record that an input was merged into another input as a duplicate."""
        if key := self.key(path):
            fate = self.inputs[key]
            fate.fate, fate.duplicate_of, fate.reason = DUPLICATE, self.key(of), reason

    def finish(self) -> None:
        """Give every still-skipped input the reason its warnings give."""
        for fate in self.inputs.values():
            if fate.fate == SKIPPED and fate.reason is None:
                fate.reason = fate.warnings[-1] if fate.warnings else "not an article file"

    def counts(self) -> Counter:
        """Number of inputs per fate; they add up to the number of inputs."""
        return Counter(fate.fate for fate in self.inputs.values())

    def as_data(self) -> dict:
        """The report as plain JSON-ready data, in a stable order."""
        return {
            "inputs": len(self.inputs),
            "counts": {
                name: self.counts().get(name, 0) for name in (PUBLISHED, DUPLICATE, SKIPPED)
            },
            "files": {
                key: {name: value for name, value in vars(fate).items() if value not in (None, [])}
                for key, fate in sorted(self.inputs.items())
            },
            "warnings": self.warnings,
        }

    def write(self, path: Path) -> None:
        """Write the report as JSON."""
        text = json.dumps(self.as_data(), ensure_ascii=False, indent=1, sort_keys=True)
        Path(path).write_text(text + "\n", encoding="utf-8")

    def summary(self) -> str:
        """One paragraph for the terminal: counts, then each skipped file with its reason."""
        counts = self.counts()
        lines = [
            f"{len(self.inputs)} inputs: {counts[PUBLISHED]} published, "
            f"{counts[DUPLICATE]} duplicates, {counts[SKIPPED]} skipped; "
            f"{sum(len(f.warnings) for f in self.inputs.values())} warnings"
        ]
        for key, fate in sorted(self.inputs.items()):
            if fate.fate == SKIPPED:
                lines.append(f"  skipped {key}: {fate.reason}")
            elif fate.fate == DUPLICATE:
                lines.append(f"  duplicate {key}: {fate.reason} {fate.duplicate_of}")
        return "\n".join(lines)


def text_fingerprint(text: str) -> str:
    """A fingerprint of an article's text that ignores whitespace differences."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


def find_duplicates(items: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """Given (path, slug, text) items, return (path, first path, reason) for each later duplicate."""
    by_slug: dict[str, str] = {}
    by_text: dict[str, str] = {}
    duplicates = []
    for path, slug, text in sorted(items):
        fingerprint = text_fingerprint(text)
        if slug in by_slug:
            duplicates.append((path, by_slug[slug], "same slug as"))
        elif fingerprint in by_text:
            duplicates.append((path, by_text[fingerprint], "same text as"))
        else:
            by_slug[slug] = path
            by_text[fingerprint] = path
    return duplicates
