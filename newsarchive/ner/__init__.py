"""Arabic named-entity tagging: people, places and organisations."""

from __future__ import annotations

from dataclasses import dataclass


# Slots: an archive holds hundreds of thousands at once, and pickling one with a __dict__
# (to send it to a worker) would give it a dict for good.
@dataclass(frozen=True, slots=True)
class Mention:
    """One tagged span of text: its surface form, type (PER, LOC, ORG), offsets and confidence."""

    text: str
    type: str
    start: int
    end: int
    score: float = 1.0


def __getattr__(name: str):
    # Loaded lazily: the tagger module imports Mention from here, and needs pycrfsuite.
    if name == "Tagger":
        from newsarchive.ner.tagger import Tagger

        return Tagger
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["Mention", "Tagger"]
