"""String-level helpers shared by the extractors: numerals, money, list items, chain keys.

Policy documents state the same thing in several surface forms (“九个一” vs 9,
1.2亿元 vs 12000万元, “集成电路产业链” vs 集成电路); every comparison the
extractors, the merger and the scorer make goes through the one normaliser
of each kind, so that they can never disagree about what counts as equal:
items and concepts here, chain names in :mod:`pipeline.chain_names`, whose
enumeration splitting parsing needs too (as it needs the list markers and
wrapped lines of :mod:`pipeline.textshape`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pipeline.chain_names import normalise_chain
from pipeline.parse.text import PINYIN_GLOSS  # what normalising drops from the text, comparison keys drop too
from pipeline.textshape import NUMERAL, strip_marker, unique

CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "双": 2}
CN_UNITS = {"十": 10, "百": 100, "千": 1000}


QUOTES = str.maketrans({"\"": "", "“": "", "”": "", "「": "", "」": "", "『": "", "』": "", "‘": "", "’": "", "'": ""})
CONJUNCTIONS = re.compile(r"以及|和|及|与")
NO_VALUE = re.compile(r"^(?:[—\-－–/／\\]+|无|暂无|暂缺|空缺|空|待定|待确定|暂未确定)?(?:[（(][^）)]*[）)]?)?$")
"""A table cell or a role value that says "nothing here" (—, /, 无, 暂缺, 待定): read as empty, never as a value."""


def cn_number(text: str) -> int | None:
    """Integer value of a Chinese or Arabic numeral (九 → 9, 十一 → 11, 二十三 → 23, 83 → 83); None otherwise."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    if not text or any(ch not in CN_DIGITS and ch not in CN_UNITS for ch in text):
        return None
    total, digit = 0, 0
    for ch in text:
        if ch in CN_DIGITS:
            digit = CN_DIGITS[ch]
        else:
            total += (digit or 1) * CN_UNITS[ch]
            digit = 0
    return total + digit


MONEY = re.compile(r"(\d+(?:\.\d+)?)\s*(亿元|亿|万元|万|千元|元)")
WAN_PER_UNIT = {"亿元": 10000.0, "亿": 10000.0, "万元": 1.0, "万": 1.0, "千元": 0.1, "元": 0.0001}


def to_wan(text: str) -> float | None:
    """First amount of money in ``text``, in 万元 (1.2亿元 → 12000, 50万元 → 50, 3000元 → 0.3)."""
    match = MONEY.search(text)
    if not match:
        return None
    return round(float(match.group(1)) * WAN_PER_UNIT[match.group(2)], 4)


def unquote(text: str) -> str:
    return text.translate(QUOTES).strip()


def normalise_item(text: str) -> str:
    """Comparison key of a mechanism component: no quotes, spaces, pinyin glosses or trailing punctuation."""
    return re.sub(r"[\s。；;，,、：:]+", "", unquote(PINYIN_GLOSS.sub("", text)))


def normalise_concept(text: str) -> str:
    """Comparison key of a concept: as written, modulo quote style, spacing, pinyin glosses and the width of its
    commas, semicolons and colons (the parser writes a half-width comma between Chinese words full-width)."""
    return re.sub(r"\s+", "", unquote(PINYIN_GLOSS.sub("", text))).translate(HALF_WIDTH_STOPS)


HALF_WIDTH_STOPS = str.maketrans({",": "，", ";": "；", ":": "："})


def marker_style(marker: str) -> str:
    """A marker's family, so that （一）… items are not mixed with 1. items."""
    core = marker.strip()
    if not core:
        return ""
    shapes = ((r"^[（(]\s*[一二三四五六七八九十]", "paren-cn"), (r"^[（(]", "paren-digit"), (r"^\d", "digit"),
              (r"^[①-⑳]", "circled"), (r"^[一二三四五六七八九十]+是", "shi"), (r"^第", "ordinal"),
              (r"^[一二三四五六七八九十]", "cn"))
    return next(style for pattern, style in shapes if re.match(pattern, core))


MARKER_DEPTH = {"ordinal": 0, "cn": 1, "shi": 2, "paren-cn": 2, "digit": 3, "paren-digit": 4, "circled": 5}
"""How deep each marker family usually sits in a Chinese policy outline: 一、 > （一） > 1. > (1) > ①."""


def outranks(style: str, other: str) -> bool:
    """A ``style`` item sits above an ``other`` item in the outline (一、 closes a run of （一） items)."""
    return MARKER_DEPTH.get(style, 9) < MARKER_DEPTH.get(other, 9)


def heading_of(text: str) -> str:
    """The heading of a list item: its text up to the first full stop, colon or semicolon."""
    body = strip_marker(text)
    return re.split(r"[。；;：:！？]", body, maxsplit=1)[0].strip()


CHAIN_SYNONYMS = {"有色": "有色金属", "文旅": "文化旅游", "文化和旅游": "文化旅游", "文化与旅游": "文化旅游",
                  "信创": "信息技术应用创新", "生物医药与健康": "医药健康"}
"""Short and long forms of one chain name (有色/有色金属, 文旅/文化旅游): merged, the first-written form kept."""


def chain_key(name: str) -> str:
    """The key under which two written forms of one chain meet: the normalised name, its synonym resolved."""
    key = normalise_chain(name)
    return CHAIN_SYNONYMS.get(key, key)


def drop_near_duplicates(names: Sequence[str]) -> list[str]:
    """Names without later forms of a chain already listed (有色 after 有色金属, 文旅 after 文化旅游)."""
    return list(union(names, key=chain_key))


def drop_joined(names: Sequence[str]) -> list[str]:
    """Names without a joined one (光伏与储能) whose halves the same document also lists separately."""
    listed = set(names)
    return [name for name in names
            if not ((halves := CONJUNCTIONS.split(name)) and len(halves) == 2 and set(halves) <= listed)]


COUNTED = re.compile(rf"{NUMERAL}(?:个|套|批|支|名|条|位|张|项|份|抓|大|只|本|家)")
"""A numeral with a classifier: the opening of a counted component (一个…, 一套…, 四个清单)."""


def trim_to_count(item: str) -> str:
    """A counted component without its lead-in verb (制定一个发展规划 → 一个发展规划)."""
    match = COUNTED.search(item)
    return item[match.start():] if match and match.start() <= 12 else item


def split_items(text: str) -> list[str]:
    """Components of a mechanism enumeration.

    When most items open with a numeral and a classifier (一个…、一套…、四个清单),
    the list is cut at those openings only, so that an item with an inner 和
    (一个发展分工责任机制和年度工作计划) stays whole and a lead-in clause
    (每条产业链制定一个发展规划, 出台一套专项支持政策) is dropped; otherwise at 、，；."""
    text = re.sub(r"^[，,：:\s]*(?:即|包括|具体为|具体包括|主要包括|分别是|为|是)?[：:，,\s]*", "", text).rstrip("。；;，,")
    raw = [p.strip() for p in re.split(r"[、，,；;]", text) if p.strip()]
    openers = [COUNTED.search(p) for p in raw]
    if sum(1 for m in openers if m) >= max(1, 0.6 * len(raw)):
        first_counted = next(i for i, m in enumerate(openers) if m)
        items = [trim_to_count(p) for p in raw[first_counted:]]  # 聚焦产业链，制定一个…: the lead-in clause goes
        items = [part for item in items for part in re.split(rf"(?:以及|和|及|与)(?={COUNTED.pattern})", item)]
        return unique(_balanced(normalise_item(i)) for i in items if normalise_item(i))
    if raw and len(raw) >= 2:
        raw[-1:] = [p for p in re.split(r"以及|和|及", raw[-1]) if p]  # …、招商目标清单和技术攻关清单
    return unique(_balanced(normalise_item(p)) for p in raw if normalise_item(p))


def _balanced(item: str) -> str:
    """An item without a closing bracket that belongs to the sentence around the list (…一套提升方案）)."""
    while item[-1:] in ("）", ")") and item.count("（") + item.count("(") < item.count("）") + item.count(")"):
        item = item[:-1]
    return item


def union(*lists: Sequence[str], key=lambda s: s) -> tuple[str, ...]:
    """Order-preserving union of lists, equality by ``key``."""
    seen: dict[str, str] = {}
    for items in lists:
        for item in items:
            seen.setdefault(key(item), item)
    return tuple(seen.values())

