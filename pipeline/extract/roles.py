"""Who holds which role of a chain-leader scheme, read with a spaCy ``Matcher``.

The segmenter's entity_ruler already marks ROLE terms (总链长, 链长, 链主企业,
链长办, 牵头单位 …) on jieba tokens; the matcher adds the few ways Chinese
policy prose attaches a holder to a role:

    总链长由省长担任 / 链长为分管副省长 / 链主企业：甲公司、乙公司     ROLE 由|为|：HOLDER (担任)
    省长担任“总链长” / 一位市领导担任产业链链长                          HOLDER 担任|兼任|作为 … ROLE
    链长办设在省工业和信息化厅                                           ROLE 设在 HOLDER
    甲公司为链主企业 / 以甲公司等为链主                                  HOLDER 为 ROLE
    由市经信局牵头 / 市科技局负责                                        (由) ORGANISATION 牵头|负责  (→ 牵头单位)
    …产业链链长张某出席 / 总链长、县长张某主持 / 组长（链长）张某一行    ROLE (、TITLE) NAME 出席|主持|一行|同志…
    作为产业链链长的管委会主任张某                                       作为 … ROLE 的 … TITLE NAME
    链主企业代表甲集团、乙公司作发言                                     ROLE (企业) 代表|如|包括 … ORGANISATION
    成立链长制统筹推进办公室 / 以强链专班支撑 / 产业链办                 a named office (→ 链长办, 专班 → 工作专班)

News prose names people: a holder written as title + name (市委书记张某) is the name, as annotators mark it.
Holders stop at clause punctuation (a '、' inside a holder is kept: 省委书记、省长).  The Matcher proposes; the
holder scorer (:func:`pipeline.extract.learned.holder_features`) decides which claims a scheme keeps.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import cache

from spacy.matcher import Matcher

from pipeline.models import Sentence
from pipeline.regions import region_words
from pipeline.segment import nlp, spacy_doc, tokenize, word_tag
from pipeline.extract.text import NO_VALUE
from pipeline.textshape import NUMERAL, strip_marker
from pipeline.vocabulary import ROLE_TERMS

SCHEME_ROLE_NAMES = ("总链长", "副总链长", "链长", "副链长", "链主", "链长办", "工作专班", "牵头单位")
"""The role names of ChainLeaderScheme.roles and chain rows (the table's fields, not cue words)."""


def _role_name(term: str) -> str:
    """The scheme role a written role term names: 链主企业/链主单位 → 链主, 链长办公室/链长制(工作)办公室 → 链长办,
    牵头部门 → 牵头单位, 分链长 → 链长; '' for roles of other mechanisms (河长, 发榜方)."""
    name = re.sub(r"^(链长)制?(?:工作)?办(?:公室)?$", r"\1办", re.sub(r"^(链主)(?:企业|单位)$", r"\1", term))
    name = re.sub(r"^分链长$", "链长", re.sub(r"^牵头部门$", "牵头单位", name))
    return name if name in SCHEME_ROLE_NAMES else ""


ROLE_FIELDS = {term: _role_name(term) for term in ROLE_TERMS if _role_name(term)}
"""Role token → the role name used in ChainLeaderScheme.roles, from the shared vocabulary
(:data:`pipeline.vocabulary.ROLE_TERMS`).  Only chain-leader roles: the segmenter's ROLE entities also cover
河长 and 发榜方, which must not fill a chain-leader scheme."""

CLAUSE_END = ["，", ",", "。", "；", ";", "：", ":", "！", "？", "\n"]
ROLE = {"TEXT": {"IN": list(ROLE_FIELDS)}}
HOLDER = {"ORTH": {"NOT_IN": [*CLAUSE_END, *ROLE_FIELDS, "由", "担任", "兼任", "出任", "任"]}, "OP": "+"}
TITLE_WORD = r"(?:书记|长|主任|主席|常委|巡视员|委员|组长|领导)"
TITLE = {"TEXT": {"REGEX": TITLE_WORD + "$"}, "ORTH": {"NOT_IN": list(ROLE_FIELDS)}}
"""A word ending in an official title (县长, 市委书记, 副主任): what news prose writes before a person's name."""
AFTER_NAME = ["出席", "出席会议", "主持", "主持会议", "主持召开", "一行", "同志", "在", "到", "率队", "带队", "调研",
              "讲话", "指出", "强调", "表示", "参加", "参加会议", "就", "深入", "前往", "来到", "走访", "召开", "先后",
              "连夜", "带领", "要求", "介绍"]
"""What a news sentence does right after naming a person (…链长张某出席会议): the end of the name."""
NAME = {"TEXT": {"REGEX": r"^[\u4e00-\u9fff]{1,3}$"},
        "ORTH": {"NOT_IN": [*ROLE_FIELDS, *AFTER_NAME, "的", "和", "及", "等"]}, "OP": "{1,2}"}
"""A person's name: jieba keeps an unknown name as one token (涂高生) or cuts it in two (虞/爱华)."""
OFFICE = re.compile(r"(?:专班|办公室|链办|链长办|产业办|办)$")
"""A chain office's name ends so (链长制统筹推进办公室, 强链专班, 产业链办, 总链办); annotators mark the office by its
name.  A bare role word (链长办, 工作专班) or a counted component (一个工作专班) names no particular office."""
ORGANISATION_END = {"TEXT": {"REGEX": r"(?:集团|公司|企业|股份|厅|局|委|中心|院|所|协会|联盟)$"}}
"""A holder runs to the clause end or to the next role label (链主企业：甲公司牵头单位：省经信厅, as PDFs flatten it)."""
LEAD_IN_WORDS = re.compile(r"^(?:建立|实行|实施|推行|明确|确定|决定|请|设立|成立|组建|分别|其中|同时|原则上|每条产业链|"
                           r"各产业链|每个产业链|由|即|为|是|以)+")
LEAD_IN_CHARACTERS = frozenset("并了")
"""Clause words before a holder (由甲担任, 即为省长, 并明确…).  并 and 了 are dropped only where jieba cuts them off
as words: as characters they also open names (并州制药)."""
TRAIL = re.compile(r"(?:担任|兼任|负责|牵头|分别|共同|均|等|作为|为|是|亲自|带头|都要|都|要|也|将)+$")
"""Words around a holder that belong to the clause: 总链长即为省长, 由甲、乙分别担任, 以甲公司等为链主."""
SERVES = ("担任", "兼任", "出任", "任", "作为", "挂帅", "当好", "担纲")
LEADS = ["牵头", "牵头负责", "负责牵头", "负责"]
ORGANISATION = re.compile(r"(?:厅|局|委|委员会|办|办公室|部|中心|管委会|集团|公司|院|所|会)$")
"""A lead unit is an organisation; "X负责" with a person or a task before it is no lead-unit statement."""
ROLE_WORDS_IN_HOLDER = re.compile(r"^(?:产业链|该|本)?(?:链长|总链长|链主)$")


@dataclass(frozen=True)
class RoleClaim:
    role: str  # key of ROLE_FIELDS' values: 总链长, 链长, 链主, 链长办, 工作专班, 牵头单位 …
    holder: str
    start: int  # character offset of the match in the sentence, to tell which chain it is near
    pattern: str = ""  # the Matcher pattern that read it (ROLE_BY, HOLDER_SERVES …): a feature of the holder scorer
    end: int = -1  # character offset of the match's end: a chain named inside the match is the claim's chain


@cache
def _matcher() -> Matcher:
    matcher = Matcher(nlp().vocab)
    quote = {"ORTH": {"IN": ["“", "”", "\"", "「", "」"]}, "OP": "?"}
    # the gap never crosses another title: 由甲担任组长的工作专班 makes 甲 the 组长, not the 专班
    gap = {"ORTH": {"NOT_IN": [*CLAUSE_END, *ROLE_FIELDS, *SERVES]}, "TEXT": {"REGEX": rf"^(?!.*{TITLE_WORD}$)"},
           "OP": "{0,10}"}
    adverbs = {"ORTH": {"IN": ["都", "是", "均", "也", "将", "则", "分别", "统一"]}, "OP": "*"}
    matcher.add("ROLE_BY", [[ROLE, quote, adverbs, {"ORTH": "由"}, HOLDER, {"ORTH": {"IN": ["担任", "兼任", "出任", "负责"]}}]],
                greedy="LONGEST")
    adverb = {"ORTH": {"IN": ["即", "均", "也", "分别"]}, "OP": "?"}
    matcher.add("ROLE_IS", [[ROLE, quote, adverb, {"ORTH": {"IN": ["为", "是", "：", ":"]}}, HOLDER]], greedy="LONGEST")
    matcher.add("HOLDER_SERVES", [[HOLDER, {"ORTH": {"IN": list(SERVES)}}, gap, quote, ROLE]],
                greedy="LONGEST")
    # jieba glues the copula to an organisation's last character (委为, 局为), hence a suffix match
    matcher.add("HOLDER_IS", [[HOLDER, {"TEXT": {"REGEX": "(?:为|是)$"}}, quote, ROLE]], greedy="LONGEST")
    matcher.add("ORG_LEADS", [[HOLDER, {"ORTH": {"IN": LEADS}}]], greedy="LONGEST")
    matcher.add("ROLE_SEAT", [[ROLE, {"ORTH": {"IN": ["设在", "设于"]}}, HOLDER]], greedy="LONGEST")
    closing = {"ORTH": {"IN": ["）", ")", "”", "」"]}, "OP": "?"}
    after = {"ORTH": {"IN": AFTER_NAME}}
    matcher.add("ROLE_NAME", [[ROLE, closing, NAME, after],
                              [ROLE, {"ORTH": "、"}, TITLE, NAME, after]], greedy="LONGEST")
    matcher.add("SERVING_AS", [[{"ORTH": "作为"}, gap, quote, ROLE, quote, {"ORTH": "的"},
                                {"ORTH": {"NOT_IN": CLAUSE_END}, "OP": "{0,6}"}, TITLE, NAME]], greedy="LONGEST")
    matcher.add("ROLE_MEMBERS", [[ROLE, quote, {"ORTH": {"IN": ["企业", "单位"]}, "OP": "?"},
                                  {"ORTH": {"IN": ["代表", "如", "包括", "有"]}},
                                  {"ORTH": {"NOT_IN": CLAUSE_END}, "OP": "*"}, ORGANISATION_END]], greedy="LONGEST")
    modifier = {"TEXT": {"REGEX": r"^[\u4e00-\u9fff“”]+$"},
                "ORTH": {"NOT_IN": [*ROLE_FIELDS, *SERVES, "的", "和", "及", "与", "由", "在", "个", "支"]}}
    matcher.add("OFFICE", [[{**modifier, "OP": "{0,3}"}, {"TEXT": {"REGEX": OFFICE.pattern}}]], greedy="LONGEST")
    return matcher


def role_claims(sentence: Sentence) -> list[RoleClaim]:
    """Every (role, holder) the sentence states, in reading order."""
    doc = spacy_doc(sentence)
    claims: list[RoleClaim] = []
    matches = sorted(_matcher()(doc), key=lambda m: m[1])
    # an office the text seats somewhere (链长办设在省工信厅) is held by that seat, not named as its own holder
    claimed = [(start, end) for match_id, start, end in matches if nlp().vocab.strings[match_id] == "ROLE_SEAT"]
    for match_id, start, end in matches:
        kind = nlp().vocab.strings[match_id]
        span = doc[start:end]
        roles = [t for t in span if t.text in ROLE_FIELDS]
        if kind == "ORG_LEADS":
            role_text, holder_tokens = "牵头单位", span[:-1]
            if not ORGANISATION.search(clean_holder(_after_last_by(holder_tokens))):
                continue
        elif kind == "HOLDER_SERVES":
            role_text = roles[-1].text if roles else ""
            verb = next(i for i, t in enumerate(span) if t.text in SERVES)
            holder_tokens = span[:verb]
        elif kind == "HOLDER_IS":
            role_text, holder_tokens = span[-1].text, span[:-1]  # the copula is stripped by clean_holder
        elif kind == "ROLE_NAME":
            role_text, holder_tokens = span[0].text, [t for t in span[1:-1] if t.text not in ("、", "）", ")", "”", "」")]
        elif kind == "SERVING_AS":
            role_text = roles[-1].text
            holder_tokens = span[next(i for i, t in enumerate(span) if t.text == "的") + 1:]
        elif kind == "OFFICE":
            office = span[-1]
            role_text = "工作专班" if office.text.endswith("专班") else "链长办"
            # a role word (链长办, 工作专班) is the office's name, what comes before it the chain's;
            # otherwise the name starts after any verb, adverb or preposition (成立…办公室, 全力推行…, 凭借…)
            holder_tokens = [office] if office.text in ROLE_FIELDS else \
                list(itertools.dropwhile(lambda t: word_tag(t.text)[:1] in ("v", "d", "p", "c"), span))
            if _counted_before(doc, office.i) or not re.search(r"链|产业|专班", span.text) or \
                    any(_span_overlaps(office.i, other) for other in claimed):
                continue  # 一个工作专班 is a component; 招商办 no chain office; 链长办设在… says where it sits
        elif kind == "ROLE_MEMBERS":
            role_text = span[0].text
            holder_tokens = span[next(i for i, t in enumerate(span) if t.text in ("代表", "如", "包括", "有")) + 1:]
        else:
            role_text = span[0].text
            verb = next(i for i, t in enumerate(span) if t.text in ("由", "为", "是", "：", ":", "设在", "设于"))
            holder_tokens = span[verb + 1:-1] if kind == "ROLE_BY" else span[verb + 1:]
        role = ROLE_FIELDS.get(role_text)
        if kind in ("ROLE_NAME", "SERVING_AS") and not looks_like_name(clean_holder("".join(t.text for t in holder_tokens))):
            continue
        written = _after_last_by(holder_tokens) if kind == "ORG_LEADS" else "".join(t.text for t in holder_tokens)
        holder = office_name(written) if kind == "OFFICE" else clean_holder(written)
        if role and holder:
            offset = _char_offset(sentence.text, doc, start)
            claims.append(RoleClaim(role, holder, offset, kind, offset + len(span.text)))
    return _dedupe(claims)


def office_name(written: str) -> str:
    """A named office as written, without a clause word before it (以强链专班 → 强链专班); '' for a slogan
    or counted phrase caught whole (“一链一专班, 建立一个工作专班)."""
    name = without_lead_in(re.sub(r"^(?:全力|大力|着力|积极)", "", written))
    if name.count("“") != name.count("”") or re.search(rf"{NUMERAL}(?:个|支|套)", name):
        return ""
    return name if len(name) >= 3 else ""


def _span_overlaps(token_index: int, span: tuple[int, int]) -> bool:
    return span[0] <= token_index < span[1]


def _counted_before(doc, start: int) -> bool:
    """Is the span at ``start`` counted (一个…, 每条链一个…): a component of a model, not a named office?"""
    return start > 0 and bool(re.search(r"(?:^|[一二两三四五六七八九十\d])(?:个|支|套)$", doc[start - 1].text))


def _after_last_by(tokens) -> str:
    """The organisation of "集成电路产业链由市工信局牵头": what follows the last 由, else all."""
    text = "".join(t.text for t in tokens)
    return text.rsplit("由", 1)[-1]


CLAUSE_BEFORE_HOLDER = re.compile(r"^.*(?:[“”\"「」]|成立|启动|建立|实行|推行|高规格|统领|以|的)(?=.)")
"""What a clause says before the holder it names: 广东“链长制”正式启动省长 → 省长, 高规格成立以省领导 → 省领导,
位于广州的甲集团 → 甲集团."""
COUNTED = re.compile(r"^(?:.*(?:\d+|[一二两三四五六七八九十几百]+)(?:名|位)|(?:\d+|[一二两三四五六七八九十几百]+)个)(?=.)")
"""A count before a holder (8名区级领导, 一位市领导, 党委、政府…四套班子10位市领导): the holder is the kind of
person after it, as annotators mark it."""
TITLED_NAME = re.compile(rf"^.*{TITLE_WORD}([\u4e00-\u9fff]{{2,3}})$")
NOT_A_NAME = re.compile(rf"(?:{TITLE_WORD}|同志|负责人|干部|一把手|人|部门|单位|政府|集团|公司|企业|[厅局委办省市县区])$")


@cache
def _place_before_level() -> re.Pattern[str]:
    """A place name written before its level character (广州市委书记, 江西省领导): the short names of the region
    list (pipeline.regions), longest first."""
    names = sorted({name for name, _ in region_words() if not re.search(r"[省市县区]$", name)}, key=len, reverse=True)
    return re.compile(rf"^(?:{'|'.join(map(re.escape, names))})(?=[省市县区])")


def _without_place(holder: str) -> str:
    """An official's title without the place before it (广州市委书记 → 市委书记, 江西省领导 → 省领导), as annotators
    mark titles; organisations and firms keep their place (赣州市纺织服装产业办)."""
    if "、" in holder or not re.search(rf"{TITLE_WORD}$", holder):
        return holder
    return _place_before_level().sub("", holder) or holder


def looks_like_name(text: str) -> bool:
    """Two or three characters whose words are unknown to jieba's dictionary or nouns there (张某某, or a name
    jieba knows as nr/nz, or a surname jieba cuts off: 王/立新); a verb, adverb, idiom or suffix (诞生, 每季度,
    们还) is no name."""
    words = tokenize(text)
    tags = [word_tag(word) for word in words]  # '' for a word jieba's dictionary lacks
    surname = len(words[0]) == 1 and tags[0] == "nr" if words else False
    return 2 <= len(text) <= 3 and not NOT_A_NAME.search(text) and \
        (surname or all(not tag or tag[:1] == "n" for tag in tags))


def person_of(holder: str) -> str:
    """The name of a holder written as title + name (合肥市委书记张某某 → 张某某); '' when the end is no name
    (市委书记市长, 省政府主要负责同志)."""
    match = TITLED_NAME.match(holder)
    return match.group(1) if match and not NOT_A_NAME.search(match.group(1)) and "、" not in match.group(1) else ""


def without_lead_in(text: str) -> str:
    """``text`` without the clause words before a holder (see LEAD_IN_WORDS and LEAD_IN_CHARACTERS)."""
    while True:
        text = LEAD_IN_WORDS.sub("", text)
        first = next(iter(tokenize(text)), "") if text else ""
        if first not in LEAD_IN_CHARACTERS:
            return text
        text = text[len(first):]


def clean_holder(text: str) -> str:
    text = without_lead_in(strip_marker(text.strip(" “”\"「」")))
    text = without_lead_in(TRAIL.sub("", text)).strip(" “”\"「」")
    text = CLAUSE_BEFORE_HOLDER.sub("", text).strip(" 、，,")
    text = COUNTED.sub("", text)
    text = person_of(text) or _without_place(text)
    text = re.sub(r"(书记)(?=[省市县区]长$)", r"\1、", text)  # two officials written without a separator (市委书记市长)
    if re.search(r"[以由、]$", text):
        return ""  # the clause ends before a holder is named (统领、以…)
    if text.endswith(("）", ")")) and text.count("（") + text.count("(") < text.count("）") + text.count(")"):
        text = text[:-1]  # a closing bracket of the surrounding clause, not of the holder
    return "" if NO_VALUE.match(text) or ROLE_WORDS_IN_HOLDER.match(text) or len(text) > 40 else text


def _char_offset(text: str, doc, token_index: int) -> int:
    prefix = "".join(t.text for t in doc[:token_index])
    return len(prefix) if text.startswith(prefix) else text.find(doc[token_index].text)


def _dedupe(claims: list[RoleClaim]) -> list[RoleClaim]:
    """Keep one claim per (role, position): overlapping patterns may read the same statement twice."""
    kept: dict[tuple[str, str], RoleClaim] = {}
    for claim in claims:
        kept.setdefault((claim.role, claim.holder), claim)
    return list(kept.values())
