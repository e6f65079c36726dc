"""Read a text file of unknown encoding, saying how it was decoded and refusing what is not text."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import ftfy
from charset_normalizer import from_bytes

from newsarchive.arabic import is_arabic

# Above this size a file is not one news article (a dump, a log, a binary).
DEFAULT_MAX_BYTES = 5_000_000


# Legacy encodings of Arabic text, most common first.
ARABIC_ENCODINGS = ("cp1256", "iso8859_6")
# Share of letters that must be Arabic for a legacy Arabic decoding to be believed.
MIN_ARABIC_SHARE = 0.6


def arabic_share(text: str) -> float:
    """Share of the letters in text that are Arabic."""
    letters = [ch for ch in text if ch.isalpha()]
    return sum(is_arabic(ch) for ch in letters) / len(letters) if letters else 0.0


class UnreadableFile(ValueError):
    """The file cannot be read as an article; the message says why."""


@dataclass(frozen=True)
class DecodedText:
    """A file's text and the encoding it was read with ('utf-8' for the ordinary case)."""

    text: str
    encoding: str
    repaired: str | None = None

    @property
    def unusual(self) -> bool:
        """True when the file was not plain UTF-8, which the build reports."""
        return self.encoding != "utf-8"


def read_limited(path: Path | str, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """A file's bytes, refusing a file over the size limit without reading it."""
    path = Path(path)
    size = path.stat().st_size
    if size > max_bytes:
        raise UnreadableFile(f"file is {size:,} bytes, over the limit of {max_bytes:,}")
    return path.read_bytes()


def decode_text(data: bytes) -> DecodedText:
    """Bytes of unknown encoding as text (UTF-8 with or without BOM, UTF-16 by BOM, else a
    detected encoding), with mojibake repaired."""
    return repair_mojibake(decode_bytes(data))


# UTF-8 Arabic read as Windows-1256 turns every letter into a ط or ظ and a second character.
CP1256_MOJIBAKE_MARKERS = ("ط§", "ظ„", "ط¹", "ط±")


def repair_mojibake(decoded: DecodedText) -> DecodedText:
    """Undo text damaged by a wrong decoding (UTF-8 read as Latin-1/1252 or as 1256)."""
    text = decoded.text
    if sum(text.count(marker) for marker in CP1256_MOJIBAKE_MARKERS) >= 3:
        try:
            fixed = text.encode("cp1256").decode("utf-8")
            return DecodedText(fixed, decoded.encoding, "UTF-8 text read as Windows-1256")
        except UnicodeError:
            pass
    if ftfy.badness.is_bad(text):
        fixed = ftfy.fix_encoding(text)
        if fixed != text:
            return DecodedText(fixed, decoded.encoding, "UTF-8 text read as Latin-1/Windows-1252")
    return decoded


# A byte-order mark says the encoding outright: (mark, Python codec, name in messages).
BYTE_ORDER_MARKS = (
    (b"\xef\xbb\xbf", "utf-8-sig", "UTF-8"),
    (b"\xff\xfe", "utf-16", "UTF-16"),
    (b"\xfe\xff", "utf-16", "UTF-16"),
)


def decode_bytes(data: bytes) -> DecodedText:
    """Decode bytes of unknown encoding into text, or raise UnreadableFile."""
    if not data.strip():
        raise UnreadableFile("file is empty")
    for bom, encoding, name in BYTE_ORDER_MARKS:
        if data.startswith(bom):
            try:
                return DecodedText(data.decode(encoding), encoding)
            except UnicodeDecodeError as error:
                raise UnreadableFile(
                    f"starts with a {name} byte-order mark but is not valid {name} ({error.reason})"
                ) from None
    try:
        return DecodedText(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    if b"\x00" in data:
        raise UnreadableFile("file is binary (contains NUL bytes), not text")
    # Detectors guess short Arabic texts as Cyrillic code pages; try the Arabic ones first.
    for encoding in ARABIC_ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if arabic_share(text) >= MIN_ARABIC_SHARE:
            return DecodedText(text, encoding)
    best = from_bytes(data).best()
    if best is None:
        raise UnreadableFile("file is not text in any encoding that could be detected")
    return DecodedText(str(best), best.encoding)
