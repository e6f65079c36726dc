"""The plain records the search index is built from, numbered in date order."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass
class SearchDoc:
    """One article as search sees it; `number` is its rank in date order (undated first)."""

    id: str
    url: str
    title: str
    text: str
    date: date | None = None
    source: str = ""
    entities: list[dict] = field(default_factory=list)
    number: int = -1

    @property
    def day(self) -> str:
        """The ISO day of the article, or '' when undated."""
        return self.date.strftime("%Y-%m-%d") if self.date else ""


def as_day(value) -> date | None:
    """A date from a datetime, date or None."""
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None


def number_documents(records: list[dict]) -> list[SearchDoc]:
    """Build SearchDocs from plain dicts and number them by (date, id), undated ones first."""
    docs = [
        SearchDoc(
            id=str(r["id"]),
            url=r.get("url") or "",
            title=r.get("title") or "",
            text=r.get("text") or "",
            date=as_day(r.get("date")),
            source=r.get("source") or "",
            entities=list(r.get("entities") or []),
        )
        for r in records
    ]
    docs.sort(key=lambda d: (d.date is not None, d.day, d.id))
    for number, doc in enumerate(docs):
        doc.number = number
    return docs
