"""Within one article: turn the tagger's mentions into the article's entities."""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from newsarchive.entities.aliases import AliasTable
from newsarchive.entities.curated import find_curated, merge_curated
from newsarchive.entities.names import (
    GENERIC_HEADS,
    ORG_HEAD_WORDS,
    TYPES,
    clean_surface,
    name_key,
    prefix_candidates,
    strip_descriptors,
    strip_titles,
)
from newsarchive.ner import Mention

# An acronym in brackets or quotes right after a name: وكالة الأنباء العراقية (واع) / "واع".
_ACRONYM_RE = re.compile(r"\s*[(«\"“]\s*([^\W\d_]{2,8})\s*[)»\"”]", re.UNICODE)
# Words that make the last name a father's name, not a surname: سلمان بن عبدالعزيز.
_NASAB = frozenset({"بن", "ابن", "بنت"})


# Slots and a tuple of aliases: an archive holds hundreds of thousands of these at once.
@dataclass(slots=True)
class LocalEntity:
    """One entity of one article: canonical type and key, the forms used, and how often."""

    type: str
    key: str
    count: int = 0
    score: float = 0.0
    first: int = 0
    supported: bool = False
    forms: Counter = field(default_factory=Counter)
    aliases: tuple[str, ...] = ()  # acronyms written after the name
    gazetteer: bool = False  # a place name the gazetteers know (weaker than curated)
    suspect: bool = False  # a person's name starting with an unexplained و


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
    suspect: bool = False  # starts with a و the linker could not explain


def _join_nasab(mentions: list[Mention], text: str) -> list[Mention]:
    """Join a person's name and the "ابن …" the tagger split off it: عبدالله الثاني ابن الحسين."""
    joined: list[Mention] = []
    for m in mentions:
        prev = joined[-1] if joined else None
        if (
            prev is not None
            and m.type == prev.type == "PER"
            and 0 <= m.start - prev.end <= 1
            and name_key(m.text.split(" ")[0]) in _NASAB
        ):
            end = m.end
            joined[-1] = Mention(
                text[prev.start : end], "PER", prev.start, end, min(prev.score, m.score)
            )
        else:
            joined.append(m)
    return joined


def clean_mentions(mentions: Iterable[Mention], text: str | None = None) -> list[_Item]:
    """Clean each mention's surface form; drop spans with no letters or an unknown type."""
    items = []
    ordered = sorted(mentions, key=lambda m: (m.start, m.end))
    if text is not None:
        ordered = _join_nasab(ordered, text)
    for m in ordered:
        if m.type not in TYPES:
            continue
        display, key = clean_name(m.type, m.text)
        if key and any(ch.isalpha() for ch in key):
            items.append(_Item(m.type, display, key, float(m.score), m.start, m.end))
    return items


# The same names recur across an archive's mentions.
@functools.lru_cache(maxsize=200_000)
def clean_name(kind: str, surface: str) -> tuple[str, str]:
    """A mention's display name (no honorifics or descriptors) and its matching key."""
    display = clean_surface(surface)
    if kind == "PER":
        display = strip_titles(display)
    display = strip_descriptors(display, kind)
    return display, name_key(display)


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
        # The list of given names is there (a build has it; unit tests may not).
        self.has_given_names = ("GIVEN", "محمد") in gazetteer
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


def _given_name(word_key: str, gazetteer: Collection) -> bool:
    return ("GIVEN", word_key) in gazetteer or word_key.startswith("عبد")


def _strip_prefix(item: _Item, known: _Known, archive: Collection) -> None:
    """Cut a clitic off the first word when what remains is a known name (or the cut is safe)."""
    if known.aliases.lookup(item.key) is not None or (item.type, item.key) in known.gazetteer:
        return  # the whole word is a name: لبنان is not ل + بنان
    first = item.key.split(" ")[0]
    if item.type == "PER" and " " in item.key and not _given_name(first, known.gazetteer):
        # وأحمد الغامدي: a list of people, the و joined to a known given name.
        for candidate, _ in prefix_candidates(item.display):
            key = name_key(candidate)
            if " " in key and _given_name(key.split(" ")[0], known.gazetteer):
                item.display, item.key = candidate, key
                return
        if first.startswith("و") and known.has_given_names:
            item.suspect = True  # وسيستقبل كيري: neither و + a given name nor a given name
    safe_cut = None
    for candidate, safe in prefix_candidates(item.display):
        key = name_key(candidate)
        if item.type == "ORG" and key.split(" ")[0] in ORG_HEAD_WORDS:
            safe = True  # لصندوق الأمير → صندوق …: the head noun is plain
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


def _name_parts(key: str) -> list[tuple[str, int]]:
    """Shorter ways to refer to a full name: (part, rank), surnames (rank 0) before first names."""
    words = key.split(" ")
    parts = []
    for n in range(1, len(words)):
        if words[-n - 1] not in _NASAB and words[-n] not in _NASAB:
            parts.append((" ".join(words[-n:]), 0))
    for n in range(1, len(words)):
        if words[n - 1] not in _NASAB:
            parts.append((" ".join(words[:n]), 1))
    return parts


def _link_name_parts(items: list[_Item]) -> None:
    """Point a short person mention (الكاظمي، عز الدين) at the full name in the article it is part
    of: surnames first, then first names; when several people fit, the nearest one named before."""
    full_by_part: dict[str, list[tuple[int, _Item]]] = {}
    for it in items:
        if it.type == "PER" and " " in it.key:
            for part, rank in _name_parts(it.key):
                full_by_part.setdefault(part, []).append((rank, it))
    for it in items:
        if it.type != "PER" or it.supported or it.key not in full_by_part:
            continue
        candidates = full_by_part[it.key]
        best_rank = min(rank for rank, _ in candidates)
        fulls = [f for rank, f in candidates if rank == best_rank and f.key != it.key]
        if not fulls:
            continue
        earlier = [f for f in fulls if f.start < it.start]
        if len({f.key for f in fulls}) == 1:
            target = fulls[0]
        elif earlier:
            target = earlier[-1]
        else:
            continue  # two people fit and neither came first: leave it alone
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
    items = clean_mentions(merge_curated(mentions, find_curated(text, aliases)), text)
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
    _link_name_parts(items)

    entities: dict[tuple[str, str], LocalEntity] = {}
    for it in items:
        ent = entities.get((it.type, it.key))
        if ent is None:
            ent = entities[(it.type, it.key)] = LocalEntity(it.type, it.key, first=it.start)
        ent.count += 1
        ent.score = max(ent.score, it.score)
        ent.supported = ent.supported or it.supported
        ent.suspect = ent.suspect or it.suspect
        if it.full:
            ent.forms[it.display] += 1
    for ent in entities.values():
        ent.gazetteer = (ent.type, ent.key) in gazetteer
    for acronym_key, (owner, acronym) in acronyms.items():
        ent = entities.get((owner.type, owner.key))
        if ent is not None and acronym_key not in aliases.stop and acronym not in ent.aliases:
            ent.aliases += (acronym,)
    return sorted(entities.values(), key=lambda e: (-e.count, e.first))
