"""Defaults of the ENTITIES_* settings, in one place (the plugin reads them once)."""

from __future__ import annotations

DEFAULTS = {
    # Turn tagging and entity pages off entirely.
    "ENTITIES_ENABLED": True,
    # Lowest tagger confidence (Mention.score) for a name that is curated or mentioned twice.
    "ENTITIES_MIN_SCORE": 0.5,
    # Lowest confidence for a name neither curated nor repeated in the article.
    "ENTITIES_MIN_SCORE_SINGLE": 0.8,
    # Fewest letters in a published name that is not curated.
    "ENTITIES_MIN_CHARS": 3,
    # Articles listed per entity page (Pelican pagination).
    "ENTITIES_PER_PAGE": 20,
    # Curated alias table and stop-list; None means the packaged newsarchive/data files.
    "ENTITIES_ALIASES_PATH": None,
    "ENTITIES_STOPLIST_PATH": None,
    # Tag cache folder; None means "<CACHE_PATH>/entities".
    "ENTITIES_CACHE_PATH": None,
    # Only the first this-many characters of an article are tagged (bounds time and memory).
    "ENTITIES_MAX_CHARS": 200_000,
    # Processes tagging, then linking, the articles not in the caches (fewer than 200: one).
    "ENTITIES_TAGGING_PROCS": 2,
    # Related articles shown under an article.
    "ENTITIES_RELATED_COUNT": 5,
    # Entities in more articles than this are too common to say two articles are related.
    "ENTITIES_RELATED_MAX_ARTICLES": 500,
    # Entities shown as "appears with" on an entity page.
    "ENTITIES_COOCCURRING_COUNT": 10,
    # Entities of each type listed on the index page (the alphabetical view lists them all).
    "ENTITIES_INDEX_LIMIT": 200,
    # Where the pages go: the index, the alphabetical view, one page per letter.
    "ENTITIES_URL": "entities/",
    "ENTITIES_SAVE_AS": "entities/index.html",
    "ENTITIES_LETTERS_URL": "entities/letters/",
    "ENTITIES_LETTERS_SAVE_AS": "entities/letters/index.html",
}
