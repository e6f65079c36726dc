"""The Arabic news archive: plain modules for reading, tagging, indexing and exporting articles."""
