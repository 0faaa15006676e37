"""What a file is, and how its bytes become text.

Government portals routinely lie about both: PDFs served as text/html,
GBK pages with no charset header or a wrong one.  So the media type is
sniffed from the bytes first and the name/header only break ties, and text
is decoded by checking every claim against the bytes: a BOM, then strict
UTF-8 (valid multi-byte UTF-8 is never an accident, so it beats a declared
iso-8859-1), then the declared charset, then GB18030 (a superset of GBK and
GB2312), and for bytes with NULs (UTF-16 without a BOM) or none of these,
charset-normalizer's verdict.  Short UTF-16 without a BOM (too short for
charset-normalizer) is told by its byte pattern (:func:`utf16_without_bom`).
"""

from __future__ import annotations

import codecs
import re
import zipfile
from io import BytesIO
from pathlib import PurePosixPath

import charset_normalizer

HTML = "text/html"
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DOC = "application/msword"
WPS = "application/vnd.ms-works"
TEXT = "text/plain"
MARKDOWN = "text/markdown"
JSON = "application/json"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
UNKNOWN = "application/octet-stream"

_BY_SUFFIX = {
    ".html": HTML, ".htm": HTML, ".shtml": HTML, ".xhtml": HTML,
    ".pdf": PDF, ".docx": DOCX, ".doc": DOC, ".wps": WPS,
    ".txt": TEXT, ".md": MARKDOWN, ".markdown": MARKDOWN, ".json": JSON, ".xlsx": XLSX,
}
PARSEABLE = frozenset({HTML, PDF, DOCX, DOC, WPS, TEXT, MARKDOWN})
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_HTML_START = re.compile(rb"^\s*(<!doctype\s+html|<html|<head|<body|<meta|<div|<p[\s>]|<table)", re.IGNORECASE)


def suffix_media_type(name: str) -> str:
    """Media type implied by a file name or URL path, UNKNOWN if the suffix says nothing."""
    return _BY_SUFFIX.get(PurePosixPath(name.split("?", 1)[0]).suffix.lower(), UNKNOWN)


def sniff_media_type(data: bytes, name: str = "", declared: str = "") -> str:
    """Media type from magic bytes, falling back to the name's suffix, then the declared header."""
    head = data[:1024].lstrip(b"\xef\xbb\xbf")
    if head.startswith(b"%PDF") or b"%PDF-" in data[:1024]:
        return PDF
    if head.startswith(b"PK\x03\x04"):
        return _zip_media_type(data, name)
    if head.startswith(_OLE_MAGIC):
        return WPS if suffix_media_type(name) == WPS else DOC
    by_name = suffix_media_type(name)
    if _HTML_START.match(head):
        return HTML
    if by_name != UNKNOWN:
        return by_name
    declared = declared.split(";", 1)[0].strip().lower()
    if declared in PARSEABLE or declared == JSON:
        return declared
    if head and _looks_like_text(head):
        return TEXT
    return UNKNOWN


def _zip_media_type(data: bytes, name: str) -> str:
    try:
        names = zipfile.ZipFile(BytesIO(data)).namelist()
    except zipfile.BadZipFile:
        return suffix_media_type(name)
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    return "application/zip"


def _looks_like_text(head: bytes) -> bool:
    """True when the head decodes as UTF-8 or GB18030 (a multi-byte char cut at the end is fine)."""
    if b"\x00" in head:
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(head, final=False)
            return True
        except UnicodeDecodeError:
            continue
    return False


def declared_charset(data: bytes, header: str = "") -> str:
    """Charset from a Content-Type header or, failing that, an HTML <meta> tag ('' if none)."""
    match = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9_\-]+)", header or "", re.IGNORECASE)
    if not match:
        match = _META_CHARSET.search(data[:4096])
        return _normalise_charset(match.group(1).decode("ascii")) if match else ""
    return _normalise_charset(match.group(1))


def _normalise_charset(name: str) -> str:
    try:
        name = codecs.lookup(name).name
    except LookupError:
        return ""
    # GB2312/GBK labels are routinely used for text containing GB18030-only characters.
    return "gb18030" if name in {"gb2312", "gbk", "gb18030"} else name


def decode_text(data: bytes, declared: str = "") -> tuple[str, str]:
    """Decode bytes to text; returns (text, encoding used).

    Order: BOM; strict UTF-8 without NULs; UTF-16 told by its byte pattern
    (:func:`utf16_without_bom`); strict UTF-8; for bytes holding NULs (never
    in UTF-8 or GB text: UTF-16/32 without a BOM, or binary) only
    charset-normalizer's verdict; the declared charset if it decodes cleanly; GB18030;
    charset-normalizer's best guess.  Last resort whichever of UTF-8, the
    declared charset and GB18030 needs the fewest replacement characters,
    reported as "replace" so that callers can judge (or refuse) it.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(encoding, errors="replace"), encoding
    try:
        utf8: str | None = data.decode("utf-8")
    except UnicodeDecodeError:
        utf8 = None
    if utf8 is not None and b"\x00" not in data[:_DETECT_BYTES]:
        return utf8, "utf-8"
    # NULs are valid UTF-8 but never in UTF-8 text: ASCII in UTF-16, so the byte pattern is judged first.
    utf16 = utf16_without_bom(data)
    if utf16:
        return data.decode(utf16, errors="replace"), utf16
    if utf8 is not None:
        return utf8, "utf-8"
    candidates = [c for c in dict.fromkeys((_normalise_charset(declared) if declared else "", "gb18030")) if c]
    if b"\x00" not in data[:_DETECT_BYTES]:
        for encoding in candidates:
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError:
                continue
    guess = charset_normalizer.from_bytes(data[:_DETECT_BYTES]).best() if len(data) >= _MIN_GUESS_BYTES else None
    if guess is not None and guess.chaos <= _MAX_CHAOS:
        try:
            return data.decode(guess.encoding), guess.encoding
        except (UnicodeDecodeError, LookupError):
            pass
    # A few corrupt bytes in a real file: the candidate that needs the fewest replacements.
    decoded = (data.decode(encoding, errors="replace") for encoding in ("utf-8", *candidates))
    return min(decoded, key=lambda text: text.count("\ufffd")), "replace"


_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
         (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_DETECT_BYTES = 256 * 1024
"""charset-normalizer judges this much of the head (it samples anyway; whole files would cost seconds)."""
_MIN_GUESS_BYTES = 64
"""Below this a guess is no evidence (six odd bytes "are" UTF-16BE to charset-normalizer)."""
_MAX_CHAOS = 0.2
"""charset-normalizer's mess ratio above which its best guess is not believed."""


def utf16_without_bom(data: bytes) -> str | None:
    """"utf-16-le" or "utf-16-be" when the bytes clearly are UTF-16 without a BOM, else None.

    charset-normalizer needs more bytes than a short note has, so the pattern
    is judged directly: read both ways, a reading counts when nearly every
    character is one a Chinese (or Latin) text is written in (no controls, no
    private-use or unpaired surrogates).  Text rich in ASCII passes both ways
    ('a\\0' read the wrong way is U+6100, a CJK character), so then the reading
    whose zero bytes are the high bytes of ASCII characters wins.  Odd lengths,
    fewer than :data:`MIN_UTF16_CHARS` characters or two equal readings: None.
    """
    head = data[:_DETECT_BYTES - _DETECT_BYTES % 2] if len(data) > _DETECT_BYTES else data
    if len(head) % 2 or len(head) < 2 * MIN_UTF16_CHARS:
        return None
    passing: dict[str, int] = {}
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = head.decode(encoding)
        except UnicodeDecodeError:  # an unpaired surrogate: not this byte order
            continue
        if len(_WRITTEN.sub("", text)) <= _MAX_UTF16_ODD_SHARE * len(text):
            passing[encoding] = sum(1 for ch in text if ch < "\x80")
    if len(passing) == 2 and passing["utf-16-le"] != passing["utf-16-be"]:
        return max(passing, key=passing.__getitem__)
    return next(iter(passing)) if len(passing) == 1 else None


MIN_UTF16_CHARS = 8
"""Fewer characters than this are no evidence of a byte order (a few random bytes may read as CJK)."""
_MAX_UTF16_ODD_SHARE = 0.02
_WRITTEN = re.compile("[\t\n\r\x20-\x7e\u00a0-\u024f\u2000-\u206f\u2100-\u218f\u2460-\u24ff\u2500-\u257f"
                      "\u3000-\u30ff\u3200-\u32ff\u4e00-\u9fff\uff00-\uffef]")
"""What Chinese (and Latin) text is written in: ASCII, Latin letters, punctuation, numbers in circles,
box drawing, CJK punctuation and kana, enclosed CJK, the CJK unified ideographs, full-width forms."""


def decode_html(data: bytes, content_type: str = "") -> tuple[str, str]:
    """Decode an HTML page using its header or <meta> charset when they decode cleanly."""
    return decode_text(data, declared_charset(data, content_type))
