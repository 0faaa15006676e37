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
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from functools import cache

from pipeline.models import DocumentMeta
from pipeline.parse.text import is_traditional, normalise, to_simplified
from pipeline.regions import Evidence, lookup, region_fields, resolve_region, site_division

LABELS: dict[str, str] = {
    "索引号": "index_number", "统一编号": "index_number",
    "主题分类": "category",
    "发文机关": "issuer", "发布机构": "issuer", "发布机关": "issuer", "发文单位": "issuer", "发布单位": "issuer",
    "发布部门": "issuer", "制定机关": "issuer",
    "成文日期": "written_date", "生成日期": "written_date", "发文日期": "written_date", "印发日期": "written_date",
    "标题": "title", "文件名称": "title",
    "发文字号": "doc_number", "文号": "doc_number", "文件编号": "doc_number", "发文文号": "doc_number",
    "发布日期": "publish_date", "发布时间": "publish_date", "公开日期": "publish_date", "公布日期": "publish_date",
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
_CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | dict.fromkeys("零○ＯO0Оо", 0)
"""Chinese numerals; 〇 is typed as ○, Ｏ/O, 0 or even a Cyrillic О in real pages (二ОО六年)."""
_CN_DATE = re.compile(r"([〇○零ＯO0Оо一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日")
DOC_NUMBER = re.compile(r"([\u4e00-\u9fff]{1,15})\s*[〔\[［(（【]\s*(\d{4})\s*[〕\]］)）】]\s*(\d{1,5})\s*号")
_HEADER_SUFFIX = "文件"
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
    if field == "issuer":
        value = re.sub(r"^\s*(本网|本站)\s*", "", value)
        organs = split_organs(value.strip(" ：:"))
        if organs:
            return "、".join(organs)
    value = normalise(value).strip(" ：:")
    if field in ("written_date", "publish_date"):
        return normalise_date(value)
    if field == "doc_number":
        return normalise_doc_number(value) or (value if value and len(value) <= 40 and value != "无" else "")
    return value if len(value) <= 300 else ""


def label_field(text: str) -> tuple[str, str] | None:
    """('field', rest) when ``text`` starts with a known label (spaces inside labels ignored).

    Export headers put labels in lenticular brackets (pkulaw: 【发布部门】 …,
    【发文字号】 …); those read like "发布部门：…".
    """
    text = _BRACKETED_LABEL.sub(r"\1：", text)
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


_BRACKETED_LABEL = re.compile(r"^\s*【\s*([^】]{2,6}?)\s*】\s*")
_LABEL_SPLIT = re.compile("(?=(?:" + "|".join(sorted(map(re.escape, LABELS), key=len, reverse=True)) + r")\s*[：:])")
"""Where the next label starts on a header line holding several (发布机构：省政府办公厅 成文日期：2016-12-28)."""
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
    """What a document's text states about itself: title, 文号, issuer and written date (all evidence merged)."""
    evidence = text_evidence(paragraphs)
    return evidence.stated.merged_with(evidence.labelled).merged_with(evidence.guessed)


@dataclass(frozen=True)
class TextEvidence:
    """What a text states, split by how sure it is.

    ``stated`` comes from places a document uses to say who wrote it and
    when: its 落款 (closing organs and date), a decree's letterhead and
    number.  They outrank a portal's labels, which on a reposted page
    describe the reposting site.  ``labelled`` holds labelled header lines
    above the text (a scraped page's 索引号/发布机构 block, an export's
    【发布部门】 header): a portal's word, ranked with the page's labels.
    ``guessed`` is read from layout: the title lines at the top, a 文号 line,
    a "…文件" letterhead, the organs a title starts with.
    """

    stated: DocumentMeta = DocumentMeta()
    guessed: DocumentMeta = DocumentMeta()
    labelled: DocumentMeta = DocumentMeta()  # labelled header lines (索引号：… 发布机构：…, 【发布部门】…): a portal's word


def text_evidence(paragraphs: Sequence[str]) -> TextEvidence:
    """Title, 文号, issuer and written date from the text of a page body or a file.

    The 落款 searched for is the first closing block (organ lines and a
    date line, or a lone date line after a sentence): a notice that
    印发/转发 another document closes before the attached text, so its own
    closing comes first, and the attached document's closing never wins.

    A text written in traditional characters is read in simplified ones (character for character, so
    offsets hold): the organ suffixes, labels and date words below are written in simplified characters,
    and a traditional copy of a notice would otherwise state no issuer, 文号 or date (issue 9).
    """
    lines = [p.strip() for p in paragraphs if p.strip()]
    if is_traditional("\n".join(lines)):
        lines = to_simplified("\n".join(lines)).split("\n")
    head = lines[:20]
    header = _header(head)
    labelled = meta_from_labels([chunk for line in header for chunk in _LABEL_SPLIT.split(line) if chunk])
    if not labelled.publish_date:  # a bare 日期： above the title (Zhejiang), or a 发布日期： footer under the text
        dated = next((normalise_date(x) for x in header if _BARE_DATE_LABEL.match(x)), "")
        footer = meta_from_labels([x for x in lines[-6:] if label_field(x)]).publish_date
        labelled = replace(labelled, publish_date=dated or footer)
    decree = _decree(lines)
    doc_number = next((normalise_doc_number(x) for x in head if _is_doc_number_line(x)), "")
    title = clean_title(_title(head))
    closing = closing_block(lines)
    issuer_guess = ""
    letterhead = next((x for x in head[:3] if x.endswith(_HEADER_SUFFIX) and split_organs(x[:-2])), "")
    if letterhead:
        issuer_guess = "、".join(split_organs(letterhead[:-2]))
    elif head and _organ_line_alone(head[0], head[1:2]):  # a page opening with its organ's name alone
        issuer_guess = "、".join(split_organs(head[0]))
    stated = decree.merged_with(
        DocumentMeta(issuer="、".join(closing.organs) if closing else "",
                     written_date=closing.date if closing else ""))
    guessed = DocumentMeta(title=title, doc_number=doc_number,
                           issuer=issuer_guess or issuer_from_title(title))
    return TextEvidence(stated=stated, guessed=guessed, labelled=labelled)


_BARE_DATE_LABEL = re.compile(r"^日期\s*[：:]\s*\d{4}")


def _header(head: Sequence[str]) -> list[str]:
    """The lines above the document proper: they end at the first sentence (。) or salutation (各区人民政府：).

    Labels further down belong to the text (a list of repealed documents
    with their own 发文单位：… 文号：… lines), not to this document.
    """
    header = []
    for line in head:
        if line.endswith("。") or (line.endswith(("：", ":")) and not _LABEL_SPLIT.search(line)):
            break
        header.append(line)
    return header


_TITLE_TAG_LINE = re.compile(r"^【[^】]{1,8}】")


@dataclass(frozen=True)
class Closing:
    """A 落款: the organs that sign (、-joined in output) and the date under them; ``line`` is the date line's index."""

    organs: tuple[str, ...]
    date: str
    line: int


def closing_block(lines: Sequence[str]) -> Closing | None:
    """The first closing block: up to four organ lines (or a signature) right above a date line.

    A date line standing alone after a sentence (。) or under an attachment
    list closes too, with no organ (pkulaw exports drop the organ line).  A
    "…印发" line is the printing note (版记), never the closing.
    """
    for i, line in enumerate(lines):
        organs_before, date = _dated_line(line)
        if not date or i == 0:
            continue
        organs = list(organs_before)
        j = i - 1
        while not organs_before and j >= 0 and i - j <= 4:
            found = split_organs(lines[j].strip("（）() "))
            if not found:
                break
            organs[:0] = found
            j -= 1
        after_attachments = any(x.startswith("附件") for x in lines[max(0, i - 4):i])
        if organs or _SIGNATURE.match(lines[i - 1]) or lines[i - 1].endswith(("。", "！")) or after_attachments:
            return Closing(organs=tuple(organs), date=date, line=i)
    return None


_SIGNATURE = re.compile(r"^(总理|省长|市长|区长|县长|州长|主席|主任|部长|局长|厅长)[：:\s]*\S{1,4}$")
_DATE_LINE = re.compile(r"^[（(]?(.*?)(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|\d{4}-\d{1,2}-\d{1,2}"
                        r"|[〇○零ＯO0Оо一二三四五六七八九]{4}年[一二三四五六七八九十]{1,3}月[一二三四五六七八九十]{1,3}日)[）)]?$")


def _dated_line(line: str) -> tuple[tuple[str, ...], str]:
    """(organs before the date, date) when the line is a date, or organs followed by a date; else ((), '')."""
    match = _DATE_LINE.match(line.strip())
    if not match:
        return (), ""
    before = match.group(1).strip()
    organs = tuple(split_organs(before)) if before else ()
    if before and not organs:
        return (), ""
    return organs, normalise_date(match.group(2))


ORGAN_SUFFIX = re.compile(r"(人民政府|政府|办公厅|办公室|委员会|领导小组|小组|管委会|指挥部|联合会|办事处|中心|厅|局|部|院|委|办"
                          r"|会|署|司|行|社|处|所|公司|集团|研究院|大学)$")
"""How the name of an organ (机关/单位) ends."""

_NATIONAL_HEAD = re.compile(r"^(中共|中国|中央|国务院|国家|全国|共青团|最高人民)")
_PLACE_PREFIX = re.compile(r"^[\u4e00-\u9fff]{1,8}?(省|市|自治区|自治州|州|地区|盟|县|区|旗)")
_NOT_ORGAN = re.compile(r"[，。：；:;,！？\d《》]|关于|印发|转发|批转|通知")
_ENTITY_DEBRIS = re.compile(r"&[a-zA-Z#\d]{1,8};?")
"""A broken HTML entity left in a closing line by a CMS (国务院办公厅 &bsp;)."""


def split_organs(text: str) -> list[str]:
    """The organs a line names, in order: 国务院办公厅中央军委办公厅 → [国务院办公厅, 中央军委办公厅]; [] if not organs.

    Portals and normalisation drop the spaces between joint issuers, so the
    split is made where one organ's name ends (ORGAN_SUFFIX) and the next
    starts with a national prefix (中共, 国家 …), the same place as the first
    organ (广州市…广州市…) or a known region name; separators (space, 、 ，)
    split too.  An inner unit (办公厅, 会保障局) never starts an organ.
    """
    text = _ENTITY_DEBRIS.sub(" ", text)
    pieces = [x for x in re.split(r"[\s　、，,；;]+", normalise_spaces(text)) if x]
    organs: list[str] = []
    for piece in pieces:
        piece = normalise(piece)
        place = _PLACE_PREFIX.match(piece)
        found = _split_joined(piece, place.group(0) if place else "")
        if not found:
            return []
        organs += found
    return organs


def normalise_spaces(text: str) -> str:
    """Full-width and odd spaces as one ASCII space, nothing else changed (separators between organs survive)."""
    return re.sub(r"[\s\u3000\u00a0]+", " ", text).strip()


def _split_joined(piece: str, place: str) -> list[str]:
    if not 2 <= len(piece) <= 60 or _NOT_ORGAN.search(piece) or not ORGAN_SUFFIX.search(piece):
        return []
    for cut in range(2, len(piece) - 1):
        rest = piece[cut:]
        if ORGAN_SUFFIX.search(piece[:cut]) and _starts_organ(rest, place):
            tail = _split_joined(rest, place)
            if tail:
                return [piece[:cut], *tail]
    return [piece] if len(piece) <= 40 else []


def _starts_organ(text: str, place: str) -> bool:
    if _NATIONAL_HEAD.match(text) or (place and text.startswith(place)):
        return True
    return any(_is_place(text[:n]) for n in range(2, min(len(text), 9) + 1))


@cache
def _is_place(name: str) -> bool:
    """A division's name or alias (广州市, 天河区, 浙江 …), as the one division list knows them."""
    return lookup(name) is not None


def _is_doc_number_line(line: str) -> bool:
    match = DOC_NUMBER.search(line)
    return bool(match) and len(line) - (match.end() - match.start()) <= 4


_BYLINE = re.compile(r"^((本报|新华社)?记者|通讯员|来源[：:]|信息来源[：:]|作者[：:]|编辑[：:]|发布时间[：:]|原文链接[：:]|点击查看)"
                     r"|\s(来源|编辑|作者)\s*[：:]|(?<!\d)\d{6}$")
"""A byline or an author's affiliation under a title: 记者…, 20-05-29 16:40 来源：…网 编辑：…, 某中心 北京 100039."""
_HEADING = re.compile(r"^([一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|第[一二三四五六七八九十百\d]+[章节条]"
                      r"|\d{1,2}[.．、](?!\d)|(摘要|前言|引言|目录|序言)$|[、，。；：])")
"""A heading or a list item (一、 （二） 第三条 1. 摘要), or a line starting with punctuation: never a title."""
_DATED_START = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日")
_POST_AND_NAME = re.compile(r"(主任|部长|局长|厅长|省长|市长|区长|县长|主席|书记|总理|委员)[\u4e00-\u9fff]{2,3}$")
"""A speaker's byline under a report's title (国家发展和改革委员会主任某某)."""
_RELAYED = ("关于", "印发", "转发", "批转")


def _title(head: Sequence[str]) -> str:
    """Title lines at the top: skipped letterheads, marks, tags, bylines; never a heading (一、总体要求).

    A line of prose (a comma, no document type at its end) or one opening
    with a full date (a speech's "2022年10月28日在…会议上") is no title; an
    organ-only line is part of one only when the next line goes on with 关于/印发.
    """
    parts: list[str] = []
    seen: set[str] = set()
    for index, line in enumerate(head):
        if not parts and _is_prose(line) and not _is_title_skip(line):
            break
        if not parts and (_is_title_skip(line) or _is_doc_number_line(line) or not _title_length(line)
                          or (normalise_date(line) and len(line) <= 24) or line in seen or _DATED_START.match(line)
                          or _organ_line_alone(line, head[index + 1:index + 2]) or _POST_AND_NAME.search(line)
                          or not _HAN.search(line)):  # no Chinese: a registration number (JNCR—2022—0040001)
            continue
        if not parts and _HEADING.match(line):
            break
        if (_is_doc_number_line(line) or line.endswith(("：", ":", "。", "；")) or _BYLINE.search(line)
                or _HEADING.match(line) or line in seen or (normalise_date(line) and len(line) <= 24)
                or (parts and (len(line) > 40 or doc_type_from_title("".join(parts))))):
            break
        parts.append(line)
        seen.add(line)
        if len(parts) == 3:
            break
    return "".join(parts) if parts and len("".join(parts)) <= 150 else ""


def _is_prose(line: str) -> bool:
    """A sentence of body text rather than a title: a comma in a long line (one not ending in a document type
    from 30 characters on)."""
    return "，" in line and (len(line) > 40 or (len(line) > 30 and not doc_type_from_title(line)))


_HAN = re.compile(r"[\u4e00-\u9fff]")


def _organ_line_alone(line: str, following: Sequence[str]) -> bool:
    """An issuer's name on a line of its own (a letterhead) that the next line does not continue as a title.

    A line ending in 会 is an organ only as 委员会, 联合会 …: 示范市召开工作推进会 is a news title.
    """
    organs = split_organs(line)
    if not organs or (following and following[0].startswith(_RELAYED)):
        return False
    return not organs[-1].endswith("会") or organs[-1].endswith(("委员会", "联合会", "管委会", "协会", "学会", "商会"))


def _title_length(line: str) -> bool:
    """Short enough for a title line: 80 characters, or up to 150 when it ends in a document type and has no 。."""
    return len(line) <= 80 or (len(line) <= 150 and "。" not in line and bool(doc_type_from_title(line)))


_HEADER_LABEL = re.compile(r"^[\u4e00-\u9fff]{2,6}\s*[：:].{1,30}$")
"""A short labelled header line a portal puts above the title: 有效性：有效, 日期：2016-12-28 12:18, 来源：…"""
_MARKS = re.compile(r"^(附件\s*\d*|（?此件公开发布）?|（?此件主动公开）?|[特加]急|机密|秘密|[（(]?第\d+号[）)]?|文件)$"
                    r"|^附件\s*\d*\s*[：:].")


_BREADCRUMB = re.compile(r"^[^>＞›»]{1,20}(?:\s*[>＞›»]+\s*[^>＞›»]{1,20})+$")
"""A site's navigation trail above an article (香港商报官网 > 江西 > 特别报道): the outlet's place is not the text's."""


def _is_title_skip(line: str) -> bool:
    """Lines above a title: 附件N, urgency marks, "…文件" letterheads, tags like 【法宝引证码】, bylines, labels,
    navigation trails."""
    if (_MARKS.match(line) or _TITLE_TAG_LINE.match(line) or _BYLINE.search(line) or label_field(line)
            or _HEADER_LABEL.match(line) or _BREADCRUMB.match(line)):
        return True
    return line.endswith(_HEADER_SUFFIX) and bool(split_organs(line[:-2]))


_TITLE_TAGS = re.compile(r"^\s*(?:[（(\[【［]\s*(?:转载|转发|有效|失效|已失效|已废止|废止|原文|[^】\]］]{1,6})\s*[）)\]】］])+\s*"
                         r"|\s*[（(](?:转载|已失效|已废止)[）)]\s*$")


def clean_title(title: str) -> str:
    """A title without repost marks and column tags: （转载）, 【人社】, [有效], trailing （已失效）."""
    cleaned = _TITLE_TAGS.sub("", normalise(title)).strip()
    return cleaned if len(cleaned) >= 4 else normalise(title)


def is_repost(title: str) -> bool:
    """The page marks itself as a repost of another organ's document."""
    return bool(re.search(r"[（(\[【［]\s*转载\s*[）)\]】］]", title))


_RELAY = re.compile(r"关于|印发|转发|批转|发布")


def issuer_from_title(title: str) -> str:
    """The organs a title starts with, before 关于/印发/转发 (、-joined); '' when that is not a list of organs."""
    match = _RELAY.search(title)
    if not match or match.start() == 0:
        return ""
    return "、".join(split_organs(title[:match.start()]))


_DECREE_HEAD = re.compile(r"^(.{2,30}?)令(?:[（(]?(?:(\d{4})年)?第(\d{1,4})号[）)]?)?$")
_DECREE_NUMBER = re.compile(r"^[（(]?(?:(\d{4})\s*年\s*)?第\s*(\d{1,4})\s*号[）)]?$")
_DECREE_INLINE = re.compile(r"[（(](\d{4}年\d{1,2}月\d{1,2}日)(.{2,30}?)令第(\d{1,4})号(?:公布|发布)")
_QUOTED = re.compile(r"《([^《》]{2,80})》")


def _decree(lines: Sequence[str]) -> DocumentMeta:
    """A decree (令): issuer, decree number as 文号, its date and the title of what it promulgates.

    国务院令第707号 is written 国令第707号 (the 发文字号 form of the State
    Council's policy library); other decrees keep their letterhead:
    广州市人民政府令第179号, and a yearly count stays: 商务部令2018年第2号.  The title is the regulation the decree
    publishes (the first 《…》 after the number), not 中华人民共和国国务院令.
    """
    for i, line in enumerate(lines[:6]):
        inline = _DECREE_INLINE.search(line)
        if inline:
            organ = _decree_organ(inline.group(2))
            return DocumentMeta(issuer=organ, doc_number=_decree_number(organ, inline.group(3)),
                                written_date=normalise_date(inline.group(1)), doc_type="令")
        head = _DECREE_HEAD.match(line)
        if not head or not split_organs(head.group(1)):
            continue
        year, number = head.group(2) or "", head.group(3) or ""
        if not number:
            found = next((m for m in map(_DECREE_NUMBER.match, lines[i + 1:i + 3]) if m), None)
            year, number = (found.group(1) or "", found.group(2)) if found else ("", "")
        if not number:
            continue
        organ = _decree_organ(head.group(1))
        rest = lines[i + 1:i + 12]
        closing = closing_block(rest)
        quoted = next((m.group(1) for m in map(_QUOTED.search, rest[:4]) if m), "")
        return DocumentMeta(title=quoted, issuer=organ, doc_number=_decree_number(organ, number, year),
                            written_date=closing.date if closing else "", doc_type="令")
    return DocumentMeta()


def _decree_organ(letterhead: str) -> str:
    return normalise(letterhead).removeprefix("中华人民共和国")


def _decree_number(organ: str, number: str, year: str = "") -> str:
    """国令第707号, 广州市人民政府令第179号; ministries that number by year keep it: 商务部令2018年第2号."""
    numbered = f"{year}年第{number}号" if year else f"第{number}号"
    return f"国令{numbered}" if organ == "国务院" else f"{organ}令{numbered}"


def document_meta(page: DocumentMeta, listing: DocumentMeta, text: TextEvidence,
                  attachments: Sequence[DocumentMeta] = ()) -> DocumentMeta:
    """One document's metadata from the portal (page labels, then listing API), its own text, and attachments.

    Who wrote a document and when is what its text states (落款, decree,
    export header) before what the portal says: on a reposted page the
    portal's 发布机构/信息来源 is the reposting site, and a 印发 notice's
    labels may describe the attached text.  Next comes the organ the title
    starts with, then the portal's labels.  Titles come from the portal
    (cleaned of repost and column tags) unless the text's own title is the
    notice that issues the document the portal names.
    """
    site = page.merged_with(text.labelled).merged_with(listing)
    stated, guessed = text.stated, text.guessed
    repost = is_repost(site.title)
    site_issuer = "" if repost else _organ_list(site.issuer)
    title = stated.title or _notice_or_page_title(guessed.title, clean_title(site.title)) or guessed.title
    by_title = issuer_from_title(title)
    if by_title and site_issuer and _abbreviates(by_title, site_issuer):
        by_title = site_issuer  # the portal gives the full name of the organ the title abbreviates
    merged = DocumentMeta(
        title=title,
        doc_number=stated.doc_number or site.doc_number or guessed.doc_number,
        issuer=_full_name(_organ_list(stated.issuer), by_title) or by_title or site_issuer or guessed.issuer,
        written_date=stated.written_date or site.written_date,
        publish_date=site.publish_date or stated.publish_date,
        doc_type=stated.doc_type or site.doc_type,
    )
    rest = replace(site, issuer=site_issuer).merged_with(stated).merged_with(guessed)
    for extra in attachments:
        rest = rest.merged_with(extra)
    return merged.merged_with(rest)


def _full_name(closing: str, by_title: str) -> str:
    """The 落款's organ, or the title's full name for it when the 落款 abbreviates it (省府办公厅 → 广东省人民政府办公厅)."""
    if closing and by_title and "、" not in closing + by_title and len(by_title) > len(closing) \
            and _abbreviates(closing, by_title):
        return by_title
    return closing


def _abbreviates(short: str, full: str) -> bool:
    """``short`` names the same organ as ``full`` in fewer characters: 科技局 / 科学技术局, 市水务局 / 天津市水务局.

    Chinese abbreviations keep characters in order and keep the last one
    (the organ's kind), so ``short`` is a subsequence of ``full`` ending alike.
    """
    if not short or not full or short[-1] != full[-1]:
        return False
    remaining = iter(full)
    return all(ch in remaining for ch in short)


def _organ_list(issuer: str) -> str:
    """An issuer value with every organ kept and 、-joined (kept as given when it is not a list of organs)."""
    organs = split_organs(issuer)
    return "、".join(organs) if organs else normalise(issuer)


def _notice_or_page_title(text_title: str, page_title: str) -> str:
    """The page's title, or the text's when it is the notice that issues what the page names (…印发《X》的通知 ⊃ X)."""
    if text_title and page_title and len(text_title) > len(page_title) and _squeeze(page_title) in _squeeze(text_title):
        return text_title
    return page_title


def _squeeze(title: str) -> str:
    """A title without spaces, book-title marks and quotes (a page may quote the issued text's name, the notice not)."""
    return re.sub(r"[\s《》〈〉“”\"]", "", title)


def doc_type_from_title(title: str) -> str:
    """The document type its title ends with: 关于印发《…方案》的通知 → 通知; '' when none."""
    title = re.sub(r"[（(][^（）()]*[)）]$", "", normalise(title)).rstrip("》”\" ")
    for kind in DOC_TYPES:
        if title.endswith(kind):
            return _BASE_TYPE.get(kind, kind)
    return ""


# --- region: pipeline/regions.py resolves it (issuer > 文号 > 落款 > title > site); these only ask it ------

def region_in_text(text: str) -> str:
    """The place an organ name names (广州市天河区科技工业和信息化局 → 广州市天河区, 国务院办公厅 → 全国), '' if none."""
    return resolve_region(Evidence(issuer=text)).name


def region_from_doc_number(doc_number: str) -> str:
    """Region from a 文号 prefix (浙政办发 → 浙江省, 穗府办规 → 广州市, 国办发 → 全国)."""
    return resolve_region(Evidence(doc_number=doc_number)).name


def region_from_url(url: str) -> str:
    """Region from a portal host: zj.gov.cn → 浙江省, rsj.gz.gov.cn → 广州市 (longest suffix wins)."""
    unit = site_division(url)
    return unit.full_name if unit else ""


def derive_region(meta: DocumentMeta, urls: Iterable[str] = ()) -> str:
    """The region the metadata's evidence decides: issuer, 文号, title, then the site — the region a source
    states (``meta.region``, e.g. a provincial portal's 广东省) and the landing page's host.  A stated
    region the division list does not know is kept when nothing else decides."""
    site = (meta.region, *urls) if meta.region else tuple(urls)
    found = resolve_region(Evidence(issuer=meta.issuer, doc_number=meta.doc_number, title=meta.title, site=site))
    return found.name or meta.region


def complete(meta: DocumentMeta, urls: Iterable[str] = ()) -> DocumentMeta:
    """Region from the evidence (a region a source states counts as the site's word), with its province and
    GB/T 2260 code; doc_type from the title when nobody stated it."""
    return replace(meta, **region_fields(derive_region(meta, urls)),
                   doc_type=meta.doc_type or doc_type_from_title(meta.title))
