"""Within one article: turn the tagger's mentions into the article's entities."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from newsarchive.entities.aliases import AliasTable
from newsarchive.entities.names import (
    GENERIC_HEADS,
    TYPES,
    clean_surface,
    name_key,
    prefix_candidates,
    strip_titles,
)
from newsarchive.ner import Mention

# An acronym in brackets or quotes right after a name: وكالة الأنباء العراقية (واع) / "واع".
_ACRONYM_RE = re.compile(r"\s*[(«\"“]\s*([^\W\d_]{2,8})\s*[)»\"”]", re.UNICODE)


@dataclass
class LocalEntity:
    """One entity of one article: canonical type and key, the forms used, and how often."""

    type: str
    key: str
    count: int = 0
    score: float = 0.0
    first: int = 0
    supported: bool = False
    forms: Counter = field(default_factory=Counter)
    aliases: set[str] = field(default_factory=set)


@dataclass
class _Item:
    type: str
    display: str
    key: str
    score: float
    start: int
    end: int
    supported: bool = False
    full: bool = True  # False when the mention only refers back (surname, acronym)


def clean_mentions(mentions: Iterable[Mention]) -> list[_Item]:
    """Clean each mention's surface form; drop spans with no letters or an unknown type."""
    items = []
    for m in sorted(mentions, key=lambda m: (m.start, m.end)):
        if m.type not in TYPES:
            continue
        display = clean_surface(m.text)
        if m.type == "PER":
            display = strip_titles(display)
        key = name_key(display)
        if key and any(ch.isalpha() for ch in key):
            items.append(_Item(m.type, display, key, float(m.score), m.start, m.end))
    return items


def mention_keys(mentions: Iterable[Mention]) -> set[tuple[str, str]]:
    """(type, key) of each cleaned mention, before any linking: the archive's known names."""
    return {(it.type, it.key) for it in clean_mentions(mentions)}


class _Known:
    """Which names count as known when deciding to cut a clitic or a generic head."""

    def __init__(
        self, aliases: AliasTable, items: list[_Item], archive: Collection, gazetteer: Collection
    ) -> None:
        self.aliases = aliases
        self.archive = archive
        self.gazetteer = gazetteer
        self.article = {(it.type, it.key) for it in items}
        for it in items:
            words = it.key.split(" ")
            if it.type == "PER" and len(words) > 1:
                self.article.add(("PER", words[-1]))  # a surname is known once the name is

    def __call__(self, type_: str, key: str) -> bool:
        if key in self.aliases.stop:
            return False
        return (
            self.aliases.lookup(key) is not None
            or (type_, key) in self.article
            or (type_, key) in self.archive
            or (type_, key) in self.gazetteer
        )


def _strip_prefix(item: _Item, known: _Known, archive: Collection) -> None:
    """Cut a clitic off the first word when what remains is a known name (or the cut is safe)."""
    if known.aliases.lookup(item.key) is not None or (item.type, item.key) in known.gazetteer:
        return  # the whole word is a name: لبنان is not ل + بنان
    safe_cut = None
    for candidate, safe in prefix_candidates(item.display):
        key = name_key(candidate)
        if known(item.type, key):
            item.display, item.key = candidate, key
            return
        if safe and safe_cut is None:
            safe_cut = (candidate, key)
    if safe_cut and (item.type, item.key) not in archive:
        item.display, item.key = safe_cut


def _strip_generic_head(item: _Item, known: _Known) -> None:
    """Key تنظيم داعش as داعش when the name after the generic head is known."""
    head, _, rest = item.key.partition(" ")
    if rest and head in GENERIC_HEADS[item.type] and known(item.type, rest):
        item.key = rest


def _apply_aliases(item: _Item, aliases: AliasTable) -> None:
    found = aliases.lookup(item.key)
    if found:
        item.type, item.key = found
        item.supported = True


def _find_acronyms(text: str, items: list[_Item]) -> dict[str, tuple[_Item, str]]:
    """Acronyms written right after a multi-word name: acronym key → (name's mention, acronym)."""
    found: dict[str, tuple[_Item, str]] = {}
    for it in items:
        if " " not in it.display:
            continue
        match = _ACRONYM_RE.match(text, it.end, min(len(text), it.end + 24))
        if match and not match.group(1).startswith("ال"):
            found.setdefault(name_key(match.group(1)), (it, clean_surface(match.group(1))))
    return found


def _vote_types(items: list[_Item]) -> None:
    """One type per name in an article: the curated type, else the best-scored type."""
    votes: dict[str, Counter] = {}
    curated: dict[str, str] = {}
    for it in items:
        votes.setdefault(it.key, Counter())[it.type] += it.score or 1e-6
        if it.supported:
            curated[it.key] = it.type
    for it in items:
        it.type = curated.get(it.key) or votes[it.key].most_common(1)[0][0]


def _link_surnames(items: list[_Item]) -> None:
    """Point a one-word person mention at the full name in the article that ends with it."""
    full_by_surname: dict[str, list[_Item]] = {}
    for it in items:
        words = it.key.split(" ")
        if it.type == "PER" and len(words) > 1:
            full_by_surname.setdefault(words[-1], []).append(it)
    for it in items:
        if it.type != "PER" or " " in it.key or it.supported:
            continue
        fulls = full_by_surname.get(it.key)
        if not fulls:
            continue
        names = {f.key for f in fulls}
        earlier = [f for f in fulls if f.start < it.start]
        if len(names) == 1:
            target = fulls[0]
        elif earlier:
            target = earlier[-1]  # the nearest full name given before
        else:
            continue  # two people share the surname and neither came first: leave it alone
        it.key, it.supported, it.full = target.key, target.supported, False


def link_mentions(
    text: str,
    mentions: Iterable[Mention],
    aliases: AliasTable,
    archive_known: Collection[tuple[str, str]] = frozenset(),
    gazetteer: Collection[tuple[str, str]] = frozenset(),
) -> list[LocalEntity]:
    """Group an article's mentions into entities, most mentioned first.

    Clitics are cut when the rest is a known name, generic heads are optional, the curated alias
    table maps names to canonical ones, acronyms in brackets join their name, and a surname
    joins the full name given in the same article.
    """
    items = clean_mentions(mentions)
    known = _Known(aliases, items, archive_known, gazetteer)
    for it in items:
        _strip_prefix(it, known, archive_known)
        _strip_generic_head(it, known)
        _apply_aliases(it, aliases)
    acronyms = _find_acronyms(text, items)
    for it in items:
        owner = acronyms.get(it.key, (None, ""))[0]
        if owner is not None and owner is not it and " " not in it.key:
            it.type, it.key, it.supported, it.full = owner.type, owner.key, owner.supported, False
    _vote_types(items)
    _link_surnames(items)

    entities: dict[tuple[str, str], LocalEntity] = {}
    for it in items:
        ent = entities.get((it.type, it.key))
        if ent is None:
            ent = entities[(it.type, it.key)] = LocalEntity(it.type, it.key, first=it.start)
        ent.count += 1
        ent.score = max(ent.score, it.score)
        ent.supported = ent.supported or it.supported
        if it.full:
            ent.forms[it.display] += 1
    for acronym_key, (owner, acronym) in acronyms.items():
        ent = entities.get((owner.type, owner.key))
        if ent is not None and acronym_key not in aliases.stop:
            ent.aliases.add(acronym)
    return sorted(entities.values(), key=lambda e: (-e.count, e.first))
