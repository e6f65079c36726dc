"""Across the archive: canonical entities, their pages' data, and related articles."""

from __future__ import annotations

import hashlib
import heapq
import pickle
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import chain

import numpy as np

from newsarchive.dates import arabic_month_year
from newsarchive.entities.aliases import AliasTable
from newsarchive.entities.linkcache import AskedSet, LinkCache
from newsarchive.entities.linking import LocalEntity, clean_name, link_mentions, mention_keys
from newsarchive.entities.names import entity_id, entity_path, name_key
from newsarchive.entities.policy import Policy
from newsarchive.forkmap import Lazily, fork_map
from newsarchive.ner import Mention

MAX_ALIASES_SHOWN = 12
LINK_TASK_ARTICLES = 1000  # articles a linking process links before it ends


@dataclass
class Doc:
    """One article as the catalog sees it: id, date (None when undated) and published entities."""

    id: str
    date: datetime | None
    entities: list[LocalEntity]


@dataclass
class Entity:
    """A canonical entity of the archive."""

    id: str
    type: str
    key: str
    url: str
    name: str = ""
    aliases: list[str] = field(default_factory=list)
    article_ids: list[str] = field(default_factory=list)  # newest first
    mentions: int = 0
    forms: Counter = field(default_factory=Counter)
    months: Counter = field(default_factory=Counter)  # "YYYY-MM" → mentions
    month_articles: Counter = field(default_factory=Counter)  # "YYYY-MM" → articles


def link_key(text: str, policy: Policy) -> str:
    """What an article's linking result is kept under: its text and the policy that chose what
    to publish (the mentions come from the text: their source is the cache's version)."""
    return hashlib.sha256(f"{text}\0{policy!r}".encode()).hexdigest()


def link_articles(
    texts: dict[str, str],
    mentions: Mapping[str, list[Mention]] | Callable[[list[str]], dict[str, list[Mention]]],
    aliases: AliasTable,
    policy: Policy,
    min_articles_known: int = 2,
    gazetteer: Collection[tuple[str, str]] = frozenset(),
    cache: LinkCache | None = None,
    procs: int = 1,
) -> dict[str, list[LocalEntity]]:
    """Link every article's mentions (in procs processes) and keep the publishable entities,
    reusing the cache's result for an article whose linking would come out the same.

    mentions are each article's, or a function giving those of a list of articles: it is
    asked only about the articles whose linking the cache cannot reuse. The cache keeps results
    by text and policy, so its version must change with the mentions' source (the model).

    A name the tagger found bare in at least min_articles_known articles counts as known, so
    لتكريت becomes تكريت even when تكريت is neither curated nor in the gazetteer.
    """
    mentions_of = mentions if callable(mentions) else lambda ids: {i: mentions[i] for i in ids}
    keys = {}
    names = {}
    for doc_id, text in texts.items():
        if cache is not None:
            keys[doc_id] = link_key(text, policy)
            kept = cache.names(keys[doc_id])
            if kept is not None:
                names[doc_id] = kept
    found = mentions_of([doc_id for doc_id in texts if doc_id not in names])
    for doc_id, mentioned in found.items():
        names[doc_id] = tuple(mention_keys(mentioned))
    seen = Counter(chain.from_iterable(names.values()))
    known = {k for k, n in seen.items() if n >= min_articles_known}
    clean_name.cache_clear()  # each worker fills its own, rather than copying pages of this one
    published = {}
    for doc_id in texts:
        if cache is not None:
            reused = cache.reuse(keys[doc_id], known)
            if reused is not None:
                published[doc_id] = reused
    todo = [doc_id for doc_id in texts if doc_id not in published]
    # Articles kept in the cache whose linking asked a question that has another answer now.
    found |= mentions_of([doc_id for doc_id in todo if doc_id not in found])

    def article(doc_id: str) -> tuple[bytes, list[Mention]]:
        return texts[doc_id].encode(), found[doc_id]

    def link(task: tuple[bytes, list[Mention]]) -> tuple[bytes, tuple]:
        asking = AskedSet(known)
        linked = link_mentions(task[0].decode(), task[1], aliases, asking, gazetteer)
        return pickle.dumps(policy.select(linked, aliases.stop)), tuple(asking.asked.items())

    # Memory, which at 30,100 articles peaked here:
    # - each article goes to the worker with its task rather than being read from what the
    #   worker inherited: reading an inherited object writes its reference count, which copies
    #   its memory page into the worker;
    # - a worker links at most LINK_TASK_ARTICLES articles and ends, with its caches;
    # - only what the policy publishes comes back from the workers, for here and the cache.
    task = min(LINK_TASK_ARTICLES, len(todo) // (2 * procs) + 1)
    work = fork_map(link, Lazily(article, todo), procs, chunksize=task, apart=True)
    for doc_id, (result, asked) in zip(todo, work, strict=True):
        if cache is not None:
            cache.keep(keys[doc_id], result, asked, names[doc_id])
        published[doc_id] = pickle.loads(result)
    return {doc_id: published[doc_id] for doc_id in texts}


def _display_name(forms: Counter, key: str, fallback: str) -> str:
    """The most common full form (ties: longer, then alphabetical). An acronym or a surname is
    not a full form of a longer name (أ ف ب, أوباما), so the curated name comes before them."""
    letters = sum(ch.isalpha() for ch in key)
    full = {f: n for f, n in forms.items() if sum(ch.isalpha() for ch in f) >= 0.6 * letters}
    if not full:
        full = dict(forms) if fallback == key or not fallback else {fallback: 1}
    if not full:
        return fallback
    return min(full.items(), key=lambda kv: (-kv[1], -len(kv[0]), kv[0]))[0]


class Catalog:
    """Canonical entities of the whole archive, and which articles mention them."""

    def __init__(self, docs: Iterable[Doc], aliases: AliasTable | None = None) -> None:
        aliases = aliases or AliasTable()
        self.entities: dict[str, Entity] = {}
        self.by_article: dict[str, list[tuple[str, int]]] = {}
        acronyms: dict[str, set[str]] = defaultdict(set)
        # The docs are not kept: their linked entities (forms, aliases) are the largest part of
        # tagging's result, and what pages need is summed up in the entities and by_article.
        newest_first = sorted({d.id: d for d in docs}.values(), key=_newest_key)
        self._rank = {doc.id: rank for rank, doc in enumerate(newest_first)}
        self._newest = [doc.id for doc in newest_first]
        self._member_ranks: tuple[int, dict[str, np.ndarray]] = (-1, {})
        for doc in newest_first:
            row = []
            for local in doc.entities:
                eid = entity_id(local.type, local.key)
                ent = self.entities.get(eid)
                if ent is None:
                    path = entity_path(local.type, local.key)
                    ent = self.entities[eid] = Entity(eid, local.type, local.key, path)
                ent.article_ids.append(doc.id)
                ent.mentions += local.count
                ent.forms.update(local.forms)
                acronyms[eid].update(local.aliases)
                if doc.date is not None:
                    month = f"{doc.date.year:04d}-{doc.date.month:02d}"
                    ent.months[month] += local.count
                    ent.month_articles[month] += 1
                row.append((eid, local.count))
            self.by_article[doc.id] = row
        self._ensure_unique_urls()
        for ent in self.entities.values():
            curated = aliases.canonical_names.get((ent.type, ent.key), ent.key)
            ent.name = _display_name(ent.forms, ent.key, curated)
            ent.aliases = self._aliases(ent, aliases, acronyms[ent.id])

    def _ensure_unique_urls(self) -> None:
        taken: dict[str, str] = {}
        for eid in sorted(self.entities):
            ent = self.entities[eid]
            if ent.url in taken:
                ent.url = f"{ent.url.rstrip('/')}-{_digest(eid)}/"
            taken[ent.url] = eid

    @staticmethod
    def _aliases(ent: Entity, aliases: AliasTable, acronyms: set[str]) -> list[str]:
        """Other names of an entity: curated ones, acronyms, and other forms seen, distinct."""
        seen = {name_key(ent.name)}
        result = []
        curated = [aliases.canonical_names.get((ent.type, ent.key), "")]
        curated += aliases.aliases_of(ent.type, ent.key)
        forms = [f for f, _ in ent.forms.most_common()]
        for name in [*curated, *sorted(acronyms), *forms]:
            key = name_key(name)
            if key and key not in seen:
                seen.add(key)
                result.append(name)
        return result[:MAX_ALIASES_SHOWN]

    def article_entities(self, doc_id: str) -> dict[str, list[dict]]:
        """An article's entities by type, most mentioned first, as plain dicts for templates."""
        grouped: dict[str, list[dict]] = {"PER": [], "LOC": [], "ORG": []}
        for eid, count in sorted(self.by_article.get(doc_id, []), key=lambda r: -r[1]):
            ent = self.entities[eid]
            grouped[ent.type].append(
                {"id": eid, "name": ent.name, "type": ent.type, "url": ent.url, "count": count}
            )
        return grouped

    def related(self, doc_id: str, limit: int = 5, max_articles: int = 500) -> list[str]:
        """Up to limit articles sharing the most entities with this one, newest first on ties.

        Entities found in more than max_articles articles are skipped: they say little about
        relatedness and would make this quadratic in the archive size.
        """
        members = self._members(max_articles)
        lists = [members[eid] for eid, _ in self.by_article.get(doc_id, []) if eid in members]
        if not lists:
            return []
        ranks, shared = np.unique(np.concatenate(lists), return_counts=True)
        others = ranks != self._rank[doc_id]
        ranks, shared = ranks[others], shared[others]
        # One integer per candidate: more shared entities first, then newer (lower rank) first.
        best = np.argsort(ranks - shared * len(self._newest))[:limit]
        return [self._newest[rank] for rank in ranks[best].tolist()]

    def _members(self, max_articles: int) -> dict[str, np.ndarray]:
        """The ranks of the articles of each entity in at most max_articles articles."""
        if self._member_ranks[0] != max_articles:
            rank = self._rank
            self._member_ranks = (
                max_articles,
                {
                    eid: np.array([rank[a] for a in ent.article_ids], np.int64)
                    for eid, ent in self.entities.items()
                    if len(ent.article_ids) <= max_articles
                },
            )
        return self._member_ranks[1]

    def cooccurring(self, eid: str, limit: int = 10) -> list[tuple[Entity, int]]:
        """Entities that share the most articles with this one."""
        together: Counter = Counter()
        for doc_id in self.entities[eid].article_ids:
            together.update(other for other, _ in self.by_article[doc_id] if other != eid)
        best = heapq.nsmallest(limit, together.items(), key=lambda kv: (-kv[1], kv[0]))
        return [(self.entities[other], n) for other, n in best]

    def ranked(self, type_: str | None = None) -> list[Entity]:
        """Entities (of one type, or all) by number of articles, then name."""
        chosen = [e for e in self.entities.values() if type_ in (None, e.type)]
        return sorted(chosen, key=lambda e: (-len(e.article_ids), e.name))

    def table(self, article_slug: Callable[[str], str] = str) -> list[dict]:
        """The entity table as plain data (for the search index): one dict per entity."""
        return [
            {
                "id": e.id,
                "name": e.name,
                "type": e.type,
                "url": e.url,
                "aliases": list(e.aliases),
                "article_count": len(e.article_ids),
                "article_slugs": [article_slug(d) for d in e.article_ids],
            }
            for e in self.ranked()
        ]


def _newest_key(doc: Doc) -> tuple:
    """Sort key putting newer docs first, undated ones last, then by id for stable output."""
    stamp = doc.date.timestamp() if doc.date is not None else float("-inf")
    return (-stamp, doc.id)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]


def month_rows(entity: Entity) -> list[dict]:
    """Mentions and articles per month, oldest first, with Arabic month labels."""
    peak = max(entity.months.values(), default=0)
    rows = []
    for month in sorted(entity.months):
        year, number = (int(part) for part in month.split("-"))
        rows.append(
            {
                "month": month,
                "label": arabic_month_year(date(year, number, 1)),
                "mentions": entity.months[month],
                "articles": entity.month_articles[month],
                "peak": peak,
            }
        )
    return rows


# Arabic letters in alphabetical order (after normalisation, so أ إ آ file under ا).
ARABIC_LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
OTHER_LETTER = "#"


def index_letter(key: str) -> str:
    """The letter an entity files under: its first letter, ignoring a leading ال."""
    if key.startswith("ال") and len(key) > 3:
        key = key[2:]
    first = key[:1]
    return first if first and first in ARABIC_LETTERS else OTHER_LETTER


def index_sort_key(entity: Entity) -> tuple:
    """Alphabetical order within a letter, ignoring a leading ال."""
    key = entity.key[2:] if entity.key.startswith("ال") and len(entity.key) > 3 else entity.key
    order = {ch: i for i, ch in enumerate(ARABIC_LETTERS)}
    return tuple(order.get(ch, 100 + ord(ch)) for ch in key), entity.id


def by_letter(entities: Iterable[Entity]) -> list[tuple[str, list[Entity]]]:
    """Entities grouped by index letter, letters in Arabic alphabetical order, other last."""
    groups: dict[str, list[Entity]] = defaultdict(list)
    for entity in entities:
        groups[index_letter(entity.key)].append(entity)
    letters = [ch for ch in ARABIC_LETTERS if ch in groups]
    if OTHER_LETTER in groups:
        letters.append(OTHER_LETTER)
    return [(ch, sorted(groups[ch], key=index_sort_key)) for ch in letters]
