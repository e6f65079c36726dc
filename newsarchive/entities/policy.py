"""Which of an article's entities get published: precision first, a wrong tag is worse than none."""

from __future__ import annotations

from dataclasses import dataclass

from newsarchive.entities.linking import LocalEntity
from newsarchive.entities.names import is_org_description

# A conjunction or preposition still attached (والزلفي، وبني حسن): names seldom begin so, and
# those that do (ووهان) are in the gazetteer. و + name is common (وليد), so only these runs.
_CLITIC_RUNS = ("وال", "فال", "وب", "فب", "وك", "وو")


def _starts_with_stop(key: str, stop: frozenset[str]) -> bool:
    """A stop phrase of two words or more also stops longer names it begins: حركة الرياح …"""
    words = key.split(" ")
    return any(" ".join(words[:n]) in stop for n in range(2, len(words)))


def _unexplained_clitic(entity: LocalEntity) -> bool:
    first = entity.key.split(" ")[0]
    if first.startswith(_CLITIC_RUNS):
        return True
    return entity.type != "PER" and " " not in entity.key and first.startswith("و")


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
        if entity.key in stop or letters < self.min_chars or _starts_with_stop(entity.key, stop):
            return False
        if entity.type == "PER" and " " not in entity.key:
            return False  # a lone surname or first name, with no full name in the article
        if entity.type == "ORG" and is_org_description(entity.key):
            return False  # a description, not a name: المجلس الاستشاري، مركز
        if entity.suspect or (not entity.gazetteer and _unexplained_clitic(entity)):
            return False  # an attached و/ف the linker could not explain: وريف، وبني حسن
        if entity.count >= 2 or entity.gazetteer:
            return entity.score >= self.min_score
        return entity.score >= self.min_score_single

    def select(self, entities: list[LocalEntity], stop: frozenset[str]) -> list[LocalEntity]:
        """The entities to publish, in their given order."""
        return [e for e in entities if self.accepts(e, stop)]
