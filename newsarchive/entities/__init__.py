"""Entities of the archive: linking mentions within an article and across the archive."""
