"""Document metadata: labelled fields, dates, 文号, and what a document's own text states.

Three kinds of evidence, weakest last: labelled fields on a landing page
(索引号 / 发文机关 / 成文日期 …, in tables, xxgk blocks or ``<meta>`` tags),
the listing API's fields, and the text of the document itself (title lines
at the top, 文号 under them, issuer and date in the closing lines).  Region
and document type are derived when nobody states them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from pipeline.config import LEXICON_DIR
from pipeline.models import DocumentMeta
from pipeline.parse.text import normalise
from pipeline.segment import Region, load_lexicon

LABELS: dict[str, str] = {
    "索引号": "index_number", "统一编号": "index_number",
    "主题分类": "category",
    "发文机关": "issuer", "发布机构": "issuer", "发布机关": "issuer", "发文单位": "issuer", "发布单位": "issuer",
    "成文日期": "written_date", "生成日期": "written_date", "发文日期": "written_date", "印发日期": "written_date",
    "标题": "title", "文件名称": "title",
    "发文字号": "doc_number", "文号": "doc_number", "文件编号": "doc_number", "发文文号": "doc_number",
    "发布日期": "publish_date", "发布时间": "publish_date", "公开日期": "publish_date",
}
"""Field labels as portals print them (after removing spaces) → DocumentMeta field."""

META_TAGS: dict[str, str] = {
    "articletitle": "title", "pubdate": "publish_date", "firstpublishedtime": "publish_date",
    "contentsource": "issuer",
}
"""``<meta name=…>`` names (lower-cased) → field; weaker than labelled fields."""

DOC_TYPES = ("实施细则", "细则", "实施意见", "指导意见", "意见", "实施方案", "工作方案", "方案", "办法", "规划",
             "纲要", "决定", "决议", "批复", "复函", "函", "通知", "通告", "公告", "公报", "报告", "条例", "规定",
             "规则", "计划", "指南", "指引", "清单", "目录", "名单", "命令", "令")
"""Title endings, longest first where one contains another; the result is the base type (通知, 意见 …)."""

_BASE_TYPE = {"实施细则": "细则", "实施意见": "意见", "指导意见": "意见", "实施方案": "方案",
              "工作方案": "方案", "复函": "函", "命令": "令"}

_DATE = re.compile(r"(\d{4})\s*[-年./／]\s*(\d{1,2})\s*[-月./／]\s*(\d{1,2})\s*日?")
_CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0, "Ｏ": 0, "O": 0}
_CN_DATE = re.compile(r"([〇○零Ｏ一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日")
DOC_NUMBER = re.compile(r"([\u4e00-\u9fff]{1,15})\s*[〔\[［(（【]\s*(\d{4})\s*[〕\]］)）】]\s*(\d{1,5})\s*号")
_ISSUER_END = re.compile(r"(人民政府|办公厅|办公室|委员会|政府|厅|局|部|院|委|办|中心|小组|公司|协会|联合会|会)$")
_HEADER_SUFFIX = "文件"
_TITLE_SKIP = re.compile(r"^(附件\s*\d*|（?此件公开发布）?|（?此件主动公开）?|[特加]急|机密|秘密|.{0,20}文件)$")
_CHINA_TZ = timezone(timedelta(hours=8))


def normalise_date(value: str) -> str:
    """First date in ``value`` as YYYY-MM-DD (2023年6月14日, 2023.06.14, 二〇二三年六月十四日 …), '' if none."""
    value = normalise(value)
    match = _DATE.search(value)
    if match:
        year, month, day = (int(g) for g in match.groups())
    else:
        match = _CN_DATE.search(value)
        if not match:
            return ""
        year = int("".join(str(_CN_DIGITS[c]) for c in match.group(1)))
        month, day = _cn_number(match.group(2)), _cn_number(match.group(3))
    try:
        return datetime(year, month, day).strftime("%Y-%m-%d")
    except ValueError:
        return ""


def _cn_number(text: str) -> int:
    """一 … 三十一 → 1 … 31."""
    if "十" not in text:
        return _CN_DIGITS[text]
    tens, _, ones = text.partition("十")
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)


def date_from_timestamp(seconds: int | float) -> str:
    """Unix seconds (as gkmlpt stores them) → the date in China time."""
    return datetime.fromtimestamp(seconds, _CHINA_TZ).strftime("%Y-%m-%d") if seconds else ""


def normalise_doc_number(value: str) -> str:
    """浙政办发[2021]12号 / (2021) / ［2021］ → 浙政办发〔2021〕12号; '' when it is not a 文号."""
    match = DOC_NUMBER.search(normalise(value))
    return f"{match.group(1)}〔{match.group(2)}〕{match.group(3)}号" if match else ""


def clean_value(field: str, value: str) -> str:
    """Normalise a labelled value for its field; '' when it does not fit (e.g. a date field without a date)."""
    value = normalise(value).strip(" ：:")
    if field in ("written_date", "publish_date"):
        return normalise_date(value)
    if field == "doc_number":
        return normalise_doc_number(value) or (value if value and len(value) <= 40 and value != "无" else "")
    return value if len(value) <= 300 else ""


def label_field(text: str) -> tuple[str, str] | None:
    """('field', rest) when ``text`` starts with a known label (spaces inside labels ignored)."""
    compact = re.sub(r"\s+", "", normalise(text).replace("　", ""))
    match = _LABEL_PATTERN.match(compact)
    if not match:
        return None
    label, rest = match.group(1), match.group(2)
    if not rest.startswith(("：", ":")) and rest:
        return None
    # Keep the value's own spacing: cut the label off the normalised text by character count.
    value = re.sub(r"^\s*" + r"\s*".join(map(re.escape, label)) + r"\s*[：:]?", "", normalise(text))
    return LABELS[label], value


_LABEL_PATTERN = re.compile("^(" + "|".join(sorted(map(re.escape, LABELS), key=len, reverse=True)) + ")(.*)$")


def meta_from_labels(chunks: Sequence[str]) -> DocumentMeta:
    """Fields from a stream of text chunks in page order: "索引号：" "0001/2019" or "成文日期 ：2023-06-14".

    A label alone in its chunk takes the next chunk as value unless that is a
    label too; the first valid value of each field wins (the page header).
    """
    found: dict[str, str] = {}
    for i, chunk in enumerate(chunks):
        labelled = label_field(chunk)
        if not labelled:
            continue
        field, value = labelled
        if not value and i + 1 < len(chunks) and not label_field(chunks[i + 1]):
            value = chunks[i + 1]
        value = clean_value(field, value)
        if value and field not in found:
            found[field] = value
    return DocumentMeta(**found)


def meta_from_tags(tags: dict[str, str]) -> DocumentMeta:
    """Fields from ``<meta name=… content=…>`` pairs (names lower-cased)."""
    found: dict[str, str] = {}
    for name, field in META_TAGS.items():
        value = clean_value(field, tags.get(name, ""))
        if value and field not in found and value not in ("本网", "本站"):
            found[field] = value
    return DocumentMeta(**found)


def meta_from_text(paragraphs: Sequence[str]) -> DocumentMeta:
    """What a document's text states about itself: title, 文号, issuer and written date.

    The title is the first heading-like line(s) at the top (skipping 附件N,
    "…文件" letterheads and urgency marks); the 文号 is a line of its own near
    the top; issuer and date come from the closing lines (落款), the issuer
    falling back to the letterhead or the part of the title before 关于.
    """
    lines = [p.strip() for p in paragraphs if p.strip()]
    head, tail = lines[:15], lines[-12:]
    doc_number = next((normalise_doc_number(x) for x in head if _is_doc_number_line(x)), "")
    title = _title(head)
    written_date, issuer = _closing(tail)
    if not issuer:
        letterhead = next((x for x in head[:3] if x.endswith(_HEADER_SUFFIX) and len(x) <= 30), "")
        issuer = letterhead.removesuffix(_HEADER_SUFFIX) if letterhead else _issuer_from_title(title)
    return DocumentMeta(title=title, doc_number=doc_number, issuer=issuer, written_date=written_date)


def _is_doc_number_line(line: str) -> bool:
    match = DOC_NUMBER.search(line)
    return bool(match) and len(line) - (match.end() - match.start()) <= 4


def _title(head: Sequence[str]) -> str:
    parts: list[str] = []
    for line in head:
        if not parts and (_TITLE_SKIP.match(line) or _is_doc_number_line(line) or len(line) > 80
                          or (normalise_date(line) and len(line) <= 20)):
            continue
        if (_is_doc_number_line(line) or line.endswith(("：", ":")) or line.endswith(("。", "；"))
                or (parts and (len(line) > 40 or doc_type_from_title("".join(parts))))):
            break
        parts.append(line)
        if len(parts) == 3:
            break
    return "".join(parts) if parts and len("".join(parts)) <= 120 else ""


def _closing(tail: Sequence[str]) -> tuple[str, str]:
    """(written date, issuer) from the last lines: a date line and the short organisation line(s) above it."""
    for i in range(len(tail) - 1, -1, -1):
        line = tail[i].strip("（）() ")
        date = normalise_date(line)
        if not date or len(line) > 20:
            continue
        issuers = [x for x in tail[max(0, i - 3):i] if len(x) <= 40 and _ISSUER_END.search(x)]
        return date, issuers[-1] if issuers else ""
    return "", ""


def _issuer_from_title(title: str) -> str:
    prefix = title.split("关于", 1)[0] if "关于" in title else ""
    return prefix if prefix and _ISSUER_END.search(prefix) else ""


def doc_type_from_title(title: str) -> str:
    """The document type its title ends with: 关于印发《…方案》的通知 → 通知; '' when none."""
    title = re.sub(r"[（(][^（）()]*[)）]$", "", normalise(title)).rstrip("》”\" ")
    for kind in DOC_TYPES:
        if title.endswith(kind):
            return _BASE_TYPE.get(kind, kind)
    return ""


# --- region ---------------------------------------------------------------------------------

_LEVEL_RANK = {"district": 0, "city": 1, "province": 2}
PORTAL_DOMAINS_FILE = LEXICON_DIR / "portal_domains.tsv"


def region_in_text(text: str) -> str:
    """The most specific region named in ``text`` (district > city > province), '' if none."""
    hits = [(region, alias) for alias, region in _aliases().items() if alias in text]
    if not hits:
        return ""
    region, _ = min(hits, key=lambda h: (_LEVEL_RANK.get(h[0].level, 3), -len(h[1]), text.find(h[1])))
    return region.name


def region_from_doc_number(doc_number: str) -> str:
    """Region from a 文号 prefix via the lexicon's ``short`` column (浙政办发 → 浙江省)."""
    for short, region in _shorts():
        if doc_number.startswith(short):
            return region.name
    return ""


def region_from_url(url: str) -> str:
    """Region from a portal host: zj.gov.cn → 浙江省, rsj.gz.gov.cn → 广州市 (longest suffix wins)."""
    host = (urlsplit(url).hostname or "").lower()
    for suffix, name in _portal_domains():
        if host == suffix or host.endswith("." + suffix):
            return name
    return ""


def derive_region(meta: DocumentMeta, urls: Iterable[str] = ()) -> str:
    """First region found in issuer, 文号, title, then the URLs."""
    candidates = (region_in_text(meta.issuer), region_from_doc_number(meta.doc_number),
                  region_in_text(meta.title), *(region_from_url(u) for u in urls))
    return next((c for c in candidates if c), "")


def complete(meta: DocumentMeta, urls: Iterable[str] = ()) -> DocumentMeta:
    """Fill region and doc_type when nobody stated them."""
    return replace(meta, region=meta.region or derive_region(meta, urls),
                   doc_type=meta.doc_type or doc_type_from_title(meta.title))


@cache
def _aliases() -> dict[str, Region]:
    return {alias: region for alias, region in load_lexicon().region_by_alias().items() if len(alias) >= 2}


@cache
def _shorts() -> tuple[tuple[str, Region], ...]:
    pairs = [(r.short, r) for r in load_lexicon().regions if r.short]
    return tuple(sorted(pairs, key=lambda p: len(p[0]), reverse=True))


@cache
def _portal_domains(path: Path = PORTAL_DOMAINS_FILE) -> tuple[tuple[str, str], ...]:
    """(host suffix, region) pairs from ``portal_domains.tsv``, longest suffix first."""
    if not path.exists():
        return ()
    pairs = [tuple(line.split("\t")[:2]) for line in path.read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("#") and "\t" in line]
    return tuple(sorted(pairs, key=lambda p: len(p[0]), reverse=True))
