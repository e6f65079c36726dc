"""The curated alias table and stop-list: names the archive knows before reading any article."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from newsarchive.entities.names import TYPES, name_key

DATA = Path(__file__).resolve().parents[1] / "data"
ALIASES_PATH = DATA / "entity_aliases.tsv"
STOPLIST_PATH = DATA / "entity_stoplist.txt"


@dataclass
class AliasTable:
    """Known names: each alias key maps to (type, canonical key), canonical names to themselves."""

    names: dict[str, tuple[str, str]] = field(default_factory=dict)
    canonical_names: dict[tuple[str, str], str] = field(default_factory=dict)
    stop: frozenset[str] = frozenset()

    def lookup(self, key: str) -> tuple[str, str] | None:
        """(type, canonical key) for a known name key, else None."""
        return self.names.get(key)

    def knows(self, type_: str, key: str) -> bool:
        """True when the key is a known name of that type."""
        found = self.names.get(key)
        return found is not None and found[0] == type_

    def aliases_of(self, type_: str, key: str) -> list[str]:
        """Curated display aliases of a canonical entity."""
        return self._aliases.get((type_, key), [])

    def __post_init__(self) -> None:
        self._aliases: dict[tuple[str, str], list[str]] = {}

    def add(self, type_: str, canonical: str, aliases: list[str]) -> None:
        """Register a canonical name and its aliases (later lines never override earlier ones)."""
        key = name_key(canonical)
        if not key:
            return
        self.names.setdefault(key, (type_, key))
        self.canonical_names.setdefault((type_, key), canonical)
        listed = self._aliases.setdefault((type_, key), [])
        for alias in aliases:
            alias_key = name_key(alias)
            if alias_key and alias_key not in self.names:
                self.names[alias_key] = (type_, key)
                listed.append(alias)


def parse_aliases(text: str, stop: frozenset[str] = frozenset()) -> AliasTable:
    """Parse the TSV alias table: `TYPE<TAB>canonical name<TAB>alias|alias|…`, # comments."""
    table = AliasTable(stop=stop)
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        cells = line.split("\t")
        type_ = cells[0].strip().upper()
        if type_ not in TYPES or len(cells) < 2:
            raise ValueError(f"alias table line {number}: expected TYPE<TAB>name[<TAB>aliases]")
        aliases = [a.strip() for a in cells[2].split("|")] if len(cells) > 2 else []
        table.add(type_, cells[1].strip(), [a for a in aliases if a])
    return table


def parse_stoplist(text: str) -> frozenset[str]:
    """Parse the stop-list: one word or phrase a line, # comments."""
    lines = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return frozenset(name_key(line) for line in lines if line)


def load_aliases(
    path: Path | str | None = None, stoplist_path: Path | str | None = None
) -> AliasTable:
    """Load the alias table and stop-list (the packaged ones by default)."""
    stop_file = Path(stoplist_path) if stoplist_path else STOPLIST_PATH
    stop = parse_stoplist(stop_file.read_text("utf-8")) if stop_file.exists() else frozenset()
    return parse_aliases(Path(path or ALIASES_PATH).read_text("utf-8"), stop)
