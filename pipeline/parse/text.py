"""Text clean-up shared by every format: character normalisation, wrapped lines, running headers.

Why not NFKC: it turns Chinese full-width punctuation (，：；（）) into ASCII,
which changes how sentences split and how 文号 look.  Chinese documents want
the opposite mapping for punctuation and the NFKC mapping only for
full-width digits and Latin letters.  Extractors (pdfium, Tesseract, HTML
indentation) also insert spaces between Chinese characters; those are never
meaningful in Chinese and are removed.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import cache

from opencc import OpenCC

_CJK = r"\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef\u2018-\u201f\u2026\u2014"
"""Han characters plus CJK/full-width punctuation and Chinese quotes/ellipsis/dash."""

_FULLWIDTH_ALNUM = {c: c - 0xFEE0 for c in [*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B)]}
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_SPACES = {ord(c): " " for c in "\u00a0\u3000\u2002\u2003\u2009\t\r\f\v"}
_ONE_PASS = str.maketrans({**_INVISIBLE, **_SPACES, **_FULLWIDTH_ALNUM})
"""Invisible characters dropped, odd spaces → " ", full-width digits/letters → ASCII: one translate, not a loop."""
_ASCII_TO_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！"}

_SPACE_NEAR_CJK = re.compile(rf"(?<=[{_CJK}]) +| +(?=[{_CJK}])")
_ASCII_PUNCT_IN_CJK = re.compile(rf"(?<=[{_CJK}])\s*([,;:?!])\s*")
_MULTISPACE = re.compile(r" {2,}")
PINYIN_GLOSS = re.compile(r"(?<=[\u3400-\u9fff])[(（][a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]*[)）]")
"""A syllable of tone-marked pinyin in brackets right after a character: reading aids that some mirror sites
insert into every other word (新型舉國(guó)體制), which would split every term they fall into."""
_CJK_CHAR = re.compile(rf"[{_CJK}]")

SENTENCE_END = ("。", "！", "？", "：", "；", "!", "?")
_CLOSERS = "”’」』）)】》"
_CONTINUES = ("，", "、", ",", "（", "(", "《", "“")
LIST_MARKER = re.compile(
    r"^\s*(?:[一二三四五六七八九十百]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[.．、](?!\d)|[①-⑳]"
    r"|第[一二三四五六七八九十百零〇\d]+[章节条款部分]|附件\s*\d*[：:]?\s*$|附件\s*\d+)"
)
_PAGE_NUMBER = re.compile(
    r"^(?:[-—–－\s]*\d{1,4}[-—–－\s]*|第\s*\d{1,4}\s*页(?:\s*[,，/／]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*[/／]\s*\d{1,4}|(?:page\s*)?\d{1,4}\s*of\s*\d{1,4})$",
    re.IGNORECASE,
)


def normalise(text: str) -> str:
    """Normalise one line or paragraph (no newlines expected; they are kept if present).

    Full-width digits/letters → ASCII, odd spaces → " ", spaces next to Chinese
    removed, ASCII ,;:?! right after a Chinese character → full-width, pinyin that
    a mirror site inserted after characters (举国(guó)体制) removed.
    """
    text = PINYIN_GLOSS.sub("", text.translate(_ONE_PASS))
    text = _ASCII_PUNCT_IN_CJK.sub(lambda m: _ASCII_TO_FULL[m.group(1)], text)
    text = _SPACE_NEAR_CJK.sub("", text)
    return _MULTISPACE.sub(" ", text).strip()


def join_lines(lines: Iterable[str]) -> str:
    """Join pieces of one paragraph: no separator next to Chinese, one space between Latin words."""
    out = ""
    for line in (normalise(x) for x in lines):
        if not line:
            continue
        if out and not _CJK_CHAR.match(out[-1]) and not _CJK_CHAR.match(line[0]):
            out += " "
        out += line
    return out


def display_width(line: str) -> int:
    """Width in half-width cells: Chinese and full-width characters count 2, everything else 1."""
    return len(line) + len(_CJK_CHAR.findall(line))


def ends_paragraph(line: str) -> bool:
    """True when a line closes its sentence (。！？：； possibly followed by closing quotes/brackets)."""
    return line.rstrip(_CLOSERS).endswith(SENTENCE_END) or line.endswith(SENTENCE_END)


def rejoin_wrapped(lines: Sequence[str]) -> list[str]:
    """Rebuild paragraphs from hard-wrapped lines (PDF, OCR).

    A line continues into the next unless it closes a sentence, the next line
    starts a list item (一、 （二） 3. 第五条 附件), or it is clearly shorter than
    the text's full line width (titles, headings, last lines of paragraphs) —
    except when it ends in a comma-like mark, which always continues.
    """
    lines = [normalise(x) for x in lines]
    lines = [x for x in lines if x]
    if not lines:
        return []
    widths = sorted(display_width(x) for x in lines)
    full_width = widths[int(len(widths) * 0.9)] if len(widths) >= 5 else max(widths)
    paragraphs: list[list[str]] = [[lines[0]]]
    for previous, line in zip(lines, lines[1:]):
        short = display_width(previous) < 0.85 * full_width
        breaks = (ends_paragraph(previous) or LIST_MARKER.match(line) is not None
                  or (short and not previous.endswith(_CONTINUES)))
        if breaks:
            paragraphs.append([line])
        else:
            paragraphs[-1].append(line)
    return [join_lines(p) for p in paragraphs]


def is_page_number(line: str) -> bool:
    return bool(_PAGE_NUMBER.match(line.strip()))


def strip_running_lines(pages: Sequence[Sequence[str]], edge: int = 2) -> list[list[str]]:
    """Drop page numbers and running headers/footers from each page's lines.

    Only the first and last ``edge`` lines of a page are candidates.  A
    candidate is a running line when the same text (digits ignored, so
    "第3页" and "第4页" match) sits at a page edge on at least half the pages.
    """
    def key(line: str) -> str:
        return re.sub(r"\d+", "#", re.sub(r"\s+", "", line))

    def edges(lines: Sequence[str]) -> list[int]:
        return sorted({*range(min(edge, len(lines))), *range(max(len(lines) - edge, 0), len(lines))})

    counts = Counter(k for lines in pages for k in {key(lines[i]) for i in edges(lines)})
    threshold = max(2, (len(pages) + 1) // 2)
    cleaned = []
    for lines in pages:
        drop = {i for i in edges(lines)
                if is_page_number(lines[i]) or (len(pages) >= 2 and counts[key(lines[i])] >= threshold)}
        cleaned.append([line for i, line in enumerate(lines) if i not in drop])
    return cleaned


TRADITIONAL_SHARE = 0.01
"""Share of a text's characters in traditional-only forms above which it counts as written in traditional
characters (such texts have 10–30 %; a simplified text quoting a name such as 陈啟鹏 far less)."""


@cache
def _t2s() -> OpenCC:
    return OpenCC("t2s")


@cache
def _traditional_only() -> re.Pattern[str]:
    """Characters that simplified writing does not use: t2s changes them and s2t leaves them (鏈, 區, 總).  坏 or
    覆 are not among them although t2s may rewrite them (坏 → 坯 as a variant, 一批覆盖 → 一批复盖 as a phrase).
    Built once per process from OpenCC's own tables, one character per line so that no phrase rule applies."""
    characters = [chr(c) for c in (*range(0x3400, 0x4DC0), *range(0x4E00, 0xA000), *range(0xF900, 0xFB00))]
    simplified = _t2s().convert("\n".join(characters)).split("\n")
    traditional = OpenCC("s2t").convert("\n".join(characters)).split("\n")
    found = [c for c, s, t in zip(characters, simplified, traditional, strict=True) if s != c and t == c]
    return re.compile(f"[{''.join(found)}]")


def is_traditional(text: str) -> bool:
    """Is ``text`` written in traditional characters (at least two, and a share of its characters, in
    traditional-only forms)?  A simplified text must be left alone: t2s would rewrite some of its words."""
    found = sum(1 for _ in _traditional_only().finditer(text))
    return found >= max(2, TRADITIONAL_SHARE * len(text))


def to_simplified(text: str) -> str:
    """``text`` in simplified characters (OpenCC t2s), character for character: the result has the same length,
    so an offset into it is an offset into the original.  A line whose conversion would change its length
    (none in the shared corpora) is converted one character at a time instead."""
    converted = _t2s().convert(text)
    if len(converted) == len(text):
        return converted
    return "\n".join(_line_to_simplified(line) for line in text.split("\n"))


def _line_to_simplified(line: str) -> str:
    converted = _t2s().convert(line)
    if len(converted) == len(line):
        return converted
    return "".join(single if len(single := _t2s().convert(ch)) == 1 else ch for ch in line)
