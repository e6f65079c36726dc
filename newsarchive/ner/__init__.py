"""Arabic named-entity tagging: people, places and organisations."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Mention:
    """One tagged span of text: its surface form, type (PER, LOC, ORG), offsets and confidence."""

    text: str
    type: str
    start: int
    end: int
    score: float = 1.0
