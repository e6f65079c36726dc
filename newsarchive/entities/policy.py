"""Which of an article's entities get published: precision first, a wrong tag is worse than none."""

from __future__ import annotations

from dataclasses import dataclass

from newsarchive.entities.linking import LocalEntity


@dataclass(frozen=True)
class Policy:
    """Thresholds for publishing a tag (see docs/tag-precision.md for how they were chosen)."""

    min_score: float = 0.5
    min_score_single: float = 0.8
    min_chars: int = 3

    def accepts(self, entity: LocalEntity, stop: frozenset[str] = frozenset()) -> bool:
        """True when the entity is trustworthy enough to publish as a tag."""
        letters = sum(ch.isalpha() for ch in entity.key)
        if entity.supported:
            # A curated name: only the tagger's own doubt can stop it.
            return entity.score >= self.min_score
        if entity.key in stop or letters < self.min_chars:
            return False
        if entity.type == "PER" and " " not in entity.key:
            return False  # a lone surname or first name, with no full name in the article
        if entity.count >= 2:
            return entity.score >= self.min_score
        return entity.score >= self.min_score_single

    def select(self, entities: list[LocalEntity], stop: frozenset[str]) -> list[LocalEntity]:
        """The entities to publish, in their given order."""
        return [e for e in entities if self.accepts(e, stop)]
