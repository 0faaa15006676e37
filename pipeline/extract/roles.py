"""Who holds which role of a chain-leader scheme, read with a spaCy ``Matcher``.

The segmenter's entity_ruler already marks ROLE terms (总链长, 链长, 链主企业,
链长办, 牵头单位 …) on jieba tokens; the matcher adds the few ways Chinese
policy prose attaches a holder to a role:

    总链长由省长担任 / 链长为分管副省长 / 链主企业：甲公司、乙公司     ROLE 由|为|：HOLDER (担任)
    省长担任“总链长” / 一位市领导担任产业链链长                          HOLDER 担任|兼任|作为 … ROLE
    链长办设在省工业和信息化厅                                           ROLE 设在 HOLDER
    甲公司为链主企业 / 以甲公司等为链主                                  HOLDER 为 ROLE
    由市经信局牵头 / 市科技局负责                                        (由) ORGANISATION 牵头|负责  (→ 牵头单位)

Holders stop at clause punctuation (a '、' inside a holder is kept: 省委书记、省长).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from spacy.matcher import Matcher

from pipeline.models import Sentence
from pipeline.segment import nlp, spacy_doc
from pipeline.extract.text import NO_VALUE, strip_marker
from pipeline.vocabulary import ROLE_TERMS

SCHEME_ROLE_NAMES = ("总链长", "副总链长", "链长", "副链长", "链主", "链长办", "工作专班", "牵头单位")
"""The role names of ChainLeaderScheme.roles and chain rows (the table's fields, not cue words)."""


def _role_name(term: str) -> str:
    """The scheme role a written role term names: 链主企业/链主单位 → 链主, 链长办公室/链长制(工作)办公室 → 链长办,
    牵头部门 → 牵头单位; '' for roles of other mechanisms (河长, 发榜方)."""
    name = re.sub(r"^(链长)制?(?:工作)?办(?:公室)?$", r"\1办", re.sub(r"^(链主)(?:企业|单位)$", r"\1", term))
    name = re.sub(r"^牵头部门$", "牵头单位", name)
    return name if name in SCHEME_ROLE_NAMES else ""


ROLE_FIELDS = {term: _role_name(term) for term in ROLE_TERMS if _role_name(term)}
"""Role token → the role name used in ChainLeaderScheme.roles, from the shared vocabulary
(:data:`pipeline.vocabulary.ROLE_TERMS`).  Only chain-leader roles: the segmenter's ROLE entities also cover
河长 and 发榜方, which must not fill a chain-leader scheme."""

CLAUSE_END = ["，", ",", "。", "；", ";", "：", ":", "！", "？", "\n"]
ROLE = {"TEXT": {"IN": list(ROLE_FIELDS)}}
HOLDER = {"ORTH": {"NOT_IN": [*CLAUSE_END, *ROLE_FIELDS, "由", "担任", "兼任", "出任", "任"]}, "OP": "+"}
"""A holder runs to the clause end or to the next role label (链主企业：甲公司牵头单位：省经信厅, as PDFs flatten it)."""
LEAD_IN = re.compile(r"^(?:建立|实行|实施|推行|明确|确定|请|设立|成立|组建|分别|其中|同时|原则上|每条产业链|各产业链|由|即|为|是|以)+")
TRAIL = re.compile(r"(?:担任|兼任|负责|牵头|分别|共同|均|等|作为|为|是)+$")
"""Words around a holder that belong to the clause: 总链长即为省长, 由甲、乙分别担任, 以甲公司等为链主."""
SERVES = ("担任", "兼任", "出任", "任", "作为")
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


@cache
def _matcher() -> Matcher:
    matcher = Matcher(nlp().vocab)
    quote = {"ORTH": {"IN": ["“", "”", "\"", "「", "」"]}, "OP": "?"}
    gap = {"ORTH": {"NOT_IN": CLAUSE_END}, "OP": "{0,4}"}
    matcher.add("ROLE_BY", [[ROLE, quote, {"ORTH": "由"}, HOLDER, {"ORTH": {"IN": ["担任", "兼任", "出任", "负责"]}}]],
                greedy="LONGEST")
    adverb = {"ORTH": {"IN": ["即", "均", "也", "分别"]}, "OP": "?"}
    matcher.add("ROLE_IS", [[ROLE, quote, adverb, {"ORTH": {"IN": ["为", "是", "：", ":"]}}, HOLDER]], greedy="LONGEST")
    matcher.add("HOLDER_SERVES", [[HOLDER, {"ORTH": {"IN": ["担任", "兼任", "出任", "任", "作为"]}}, gap, quote, ROLE]],
                greedy="LONGEST")
    # jieba glues the copula to an organisation's last character (委为, 局为), hence a suffix match
    matcher.add("HOLDER_IS", [[HOLDER, {"TEXT": {"REGEX": "(?:为|是)$"}}, quote, ROLE]], greedy="LONGEST")
    matcher.add("ORG_LEADS", [[HOLDER, {"ORTH": {"IN": LEADS}}]], greedy="LONGEST")
    matcher.add("ROLE_SEAT", [[ROLE, {"ORTH": {"IN": ["设在", "设于"]}}, HOLDER]], greedy="LONGEST")
    return matcher


def role_claims(sentence: Sentence) -> list[RoleClaim]:
    """Every (role, holder) the sentence states, in reading order."""
    doc = spacy_doc(sentence)
    claims: list[RoleClaim] = []
    for match_id, start, end in sorted(_matcher()(doc), key=lambda m: m[1]):
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
        else:
            role_text = span[0].text
            verb = next(i for i, t in enumerate(span) if t.text in ("由", "为", "是", "：", ":", "设在", "设于"))
            holder_tokens = span[verb + 1:-1] if kind == "ROLE_BY" else span[verb + 1:]
        role = ROLE_FIELDS.get(role_text)
        holder = clean_holder(_after_last_by(holder_tokens) if kind == "ORG_LEADS" else "".join(t.text for t in holder_tokens))
        if role and holder:
            claims.append(RoleClaim(role, holder, _char_offset(sentence.text, doc, start), kind))
    return _dedupe(claims)


def _after_last_by(tokens) -> str:
    """The organisation of "集成电路产业链由市工信局牵头": what follows the last 由, else all."""
    text = "".join(t.text for t in tokens)
    return text.rsplit("由", 1)[-1]


CLAUSE_BEFORE_HOLDER = re.compile(r"^.*(?:[“”\"「」]|成立|启动|建立|实行|推行|高规格|统领|以)(?=.)")
"""What a clause says before the holder it names: 广东“链长制”正式启动省长 → 省长, 高规格成立以省领导 → 省领导."""


def clean_holder(text: str) -> str:
    text = LEAD_IN.sub("", strip_marker(text.strip(" “”\"「」")))
    text = LEAD_IN.sub("", TRAIL.sub("", text)).strip(" “”\"「」")
    text = CLAUSE_BEFORE_HOLDER.sub("", text).strip(" 、，,")
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
