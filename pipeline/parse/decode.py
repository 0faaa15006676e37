"""Bytes → text for the text formats (TXT, Markdown, HTML), refusing bytes that are not text.

:func:`pipeline.formats.decode_text` finds the encoding the bytes bear out
(declared charsets are checked, not trusted).  Here the result is judged:
bytes no encoding reads cleanly, or text full of control characters (what a
binary file decodes to), are not a document, and the part gets a recorded
error instead of hundreds of thousands of characters of garbage.
"""

from __future__ import annotations

import re

from pipeline import formats
from pipeline.parse import limits
from pipeline.parse.base import ParseError

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd\ue000-\uf8ff]")
"""C0 controls other than tab/newline/vertical tab/form feed/CR, DEL, U+FFFD and private-use characters."""


def decode_document(data: bytes, declared: str = "", *, html: bool = False) -> str:
    """The text of a TXT/Markdown (or, with ``html``, HTML) file; raises ParseError when the bytes are not text."""
    text, encoding = formats.decode_html(data, declared) if html else formats.decode_text(data, declared)
    odd = len(_CONTROL.findall(text))
    if odd <= limits.MAX_NON_TEXT_SHARE * max(len(text), 1):
        return text  # a few corrupt bytes (replaced) do not make a file binary
    if encoding == "replace":
        raise ParseError(f"not text: the {len(data)} bytes are neither valid UTF-8 nor GB18030 (nor a declared "
                         "charset), and show no clear pattern of another encoding such as UTF-16 without a "
                         "byte-order mark (binary data under a text name?)")
    raise ParseError(f"not text: {odd} of {len(text)} characters are control or unassigned characters "
                     f"when read as {encoding} (binary data under a text name?)")
