"""Full-text search of the archive: a Whoosh index, its static export and the query logic."""

# Every SEARCH_* setting with its default, in one place (the plugin reads them from here).
DEFAULTS = {
    "SEARCH_OUTPUT_DIR": "search",  # folder under OUTPUT_PATH for the static files
    "SEARCH_INDEX_PATH": None,  # Whoosh index folder; None: <CACHE_PATH>/search-index
    "SEARCH_TITLE_BOOST": 3.0,  # BM25F weight of a term in the title
    "SEARCH_ENTITY_BOOST": 2.0,  # BM25F weight of a term in an entity name of the article
    "SEARCH_HEAD_SIZE": 100,  # postings kept per term in its dictionary shard, best first
    "SEARCH_SHARD_KB": 6,  # target raw size of a dictionary shard, in KB (long postings: twice)
    "SEARCH_CARDS_PER_CHUNK": 8,  # result cards per file
    "SEARCH_SNIPPET_CHARS": 240,  # characters of the snippet passage around the matched words
    "SEARCH_VOCAB_MIN_DF": 2,  # articles a word must be in to be offered as a "did you mean"
    "SEARCH_INDEX_PROCS": 2,  # processes analysing the changed chunks (forked)
    "SEARCH_INDEX_BATCH": 1000,  # mean documents in a chunk: a segment, kept while unchanged
    "SEARCH_IN_BACKGROUND": True,  # index and export in a forked process while pages render
}
# Options that say how the search files are built, not what they hold.
HOW_OPTIONS = frozenset({"SEARCH_INDEX_PROCS", "SEARCH_INDEX_BATCH", "SEARCH_IN_BACKGROUND"})
