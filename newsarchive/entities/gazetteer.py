"""Place names the tagger's gazetteers know, as entity keys: they let the linker cut a clitic
(لبغداد → بغداد) and protect names whose first letter only looks like one (لبنان)."""

from __future__ import annotations

import functools
import logging

from newsarchive.entities.names import name_key

log = logging.getLogger(__name__)


@functools.cache
def known_places() -> frozenset[tuple[str, str]]:
    """("LOC", key) for every country and city name in the tagger's gazetteers (empty if absent)."""
    try:
        from newsarchive.ner.gazetteers import cities, countries

        phrases = countries() | cities()
    except Exception as error:  # the gazetteer packages are optional for linking
        log.warning("entities: no place gazetteer (%s); clitics are cut on other evidence", error)
        return frozenset()
    return frozenset(("LOC", name_key(" ".join(p))) for p in phrases)
