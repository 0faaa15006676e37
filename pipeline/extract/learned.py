"""The learned half of the extractor: candidate features and the scorer that keeps or drops candidates.

The structure rules in :mod:`pipeline.extract.chain_leader` generate *candidates* generously —
every item of every enumeration near a chain noun, every quoted slogan, every component list a
slogan might own, every role holder the spaCy ``Matcher`` reads — and this module decides which
of them are what the scheme row wants.  Rules written against a handful of documents guessed
that decision with special cases; here a logistic regression per candidate kind makes it from
generic evidence (cue words around, head and tail characters, position, list structure, numeral
agreement, length, character classes, lexicon membership as one feature among many) and is
trained on annotated real excerpts (:mod:`pipeline.extract.train`).

Kinds:

* ``chain_list`` — a whole enumeration (or a single prose mention): is it the scheme's own chain list?  Only
  the items of kept lists go on to the ``chain`` scorer, so a list of a province's clusters or of future
  industries beside the scheme's chains is dropped as a list, whatever its items look like;
* ``chain`` — one key-chain name of a kept list (kept when its probability ≥ the kind's threshold);
* ``concept`` — a slogan; per region the highest-scoring one above the threshold is the concept;
* ``component`` — a candidate model list, kept or dropped whole (for every slogan of a region, and the counted
  or quoted lists of a text without one);
* ``holder`` — the holder of a 总链长/链长/链主/… claim.

The artifact is plain JSON (``models/extractor.json``): per kind the feature weights, the
intercept and the threshold.  It is read once per process.
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from pipeline.config import MODELS_DIR
from pipeline.extract.roles import looks_like_name
from pipeline.segment import tokenize, word_tag
from pipeline.chain_names import industry_names, normalise_chain
from pipeline.textshape import NUMERAL
from pipeline.vocabulary import OFFICIAL_TITLE_TAIL

log = logging.getLogger(__name__)

EXTRACTOR_FILE = "extractor.json"
FORMAT_VERSION = 1
KINDS = ("chain_list", "chain", "concept", "component", "holder")

Features = dict[str, float]

VERBS = re.compile(r"推动|推进|加快|打造|建设|培育|发展|实施|聚焦|围绕|形成|构建|提升|做强|做大|壮大|引进|招引|落实|"
                   r"强化|优化|完善|召开|举行|出台|发布|印发|建立|成立|启动|担任|负责|牵头|明确|确定|开展|组织|支持|"
                   r"坚持|统筹|协调|服务|带动|引领|突破|达到|实现|超过|增长|整理|梳理|瞄准|抓|促进")
MECHANISM_NOUNS = re.compile(r"机制|模式|体系|制度|架构|格局|举措|路径|工作法|办法")
ROLE_WORDS = re.compile(r"链长|链主|专班|链办|牵头|责任|领导|部门|单位|清单|图谱|方案|政策|基金|联盟|智库|队伍|班子|专家")
ORGANISATION_TAIL = re.compile(r"(?:厅|局|委|委员会|办|办公室|部|中心|管委会|集团|公司|院|所|会|协会|联盟)$")
SLOGAN_VERBS = re.compile(r"(?:建立|实行|推行|构建|形成|探索|创新|实施|按照|落实|坚持|推出|创立|打造|完善|健全|采取|采用|"
                          r"运用|以|的)$")


def is_function_word(text: str) -> bool:
    """One dictionary word that is a verb, adverb, preposition, pronoun, conjunction, particle, numeral or
    adjective (根据, 多个, 明确, 优秀): never a chain name, which is a noun phrase."""
    words = tokenize(text)
    return len(words) == 1 and (word_tag(words[0]) or "x")[:1] in ("v", "d", "p", "r", "c", "u", "m", "a") \
        and not word_tag(words[0]).startswith("vn")


def tag_features(text: str) -> Features:
    """Parts of speech of a candidate's words: a chain name is a noun phrase (新能源/n 汽车/n); fragments of
    prose are verbs, adjectives, pronouns or numerals (做好/v, 优秀/a, 多个/m, 根据/p)."""
    tags = [(word_tag(word) or "x")[:1] for word in tokenize(text)] or ["x"]
    features: Features = {"tag_first:" + tags[0]: 1.0, "tag_last:" + tags[-1]: 1.0,
                          f"words{_bucket(len(tags), (1, 2, 3, 4))}": 1.0}
    if any(tag == "v" for tag in tags):
        features["tag_verb"] = 1.0
    if any(tag in ("a", "d", "m", "p", "r", "c", "u") for tag in tags):
        features["tag_function"] = 1.0
    return features


def _bucket(value: int, edges: tuple[int, ...]) -> str:
    """A small integer as a coarse bucket label (…≤2, ≤4, ≤8, >8), so weights generalise across values."""
    for edge in edges:
        if value <= edge:
            return f"≤{edge}"
    return f">{edges[-1]}"


def character_features(text: str, prefix: str = "", characters: bool = True) -> Features:
    """Shape of a string: length, character classes, and (``characters``) its first and last characters and
    words — the head noun of a Chinese name is its end (…材料, …装备), a lead-in verb its start."""
    features: Features = {f"{prefix}len{_bucket(len(text), (1, 2, 3, 4, 6, 8, 12, 16))}": 1.0}
    if characters:
        features.update({f"{prefix}head1:{text[:1]}": 1.0, f"{prefix}tail1:{text[-1:]}": 1.0,
                         f"{prefix}tail2:{text[-2:]}": 1.0})
    if re.search(r"\d", text):
        features[f"{prefix}digit"] = 1.0
    if re.search(r"[%％]", text):
        features[f"{prefix}percent"] = 1.0
    if re.search(r"[A-Za-z]", text):
        features[f"{prefix}latin"] = 1.0
    if re.search(r"[，。；：:,;！？“”\"（）()]", text):
        features[f"{prefix}punct"] = 1.0
    if re.search(rf"^{NUMERAL}", text):
        features[f"{prefix}starts_numeral"] = 1.0
    if "的" in text:
        features[f"{prefix}has_de"] = 1.0
    if VERBS.search(text):
        features[f"{prefix}has_verb"] = 1.0
    if OFFICIAL_TITLE_TAIL.search(text):
        features[f"{prefix}title_tail"] = 1.0
    if ORGANISATION_TAIL.search(text):
        features[f"{prefix}org_tail"] = 1.0
    return features


def whole_line(sentence: str) -> bool:
    """The sentence is an enumeration and nothing else (a table cell or a list line read as prose:
    甲、乙、丙等): short items between 、, no clause punctuation, no lead-in verb, at most a closing 等."""
    items = re.sub(r"[等。；;\s]+$", "", sentence.strip()).split("、")
    return len(items) >= 2 and not VERBS.search(items[0]) and all(
        0 < len(item) <= 12 and not re.search(r"[，,；;：:。！？等]", item) for item in items)


def chain_features(name: str, source: str, sentence: str, list_size: int, position: int,
                   promised: int | None, dropped: str = "", joint: tuple[str, ...] = ()) -> Features:
    """A key-chain candidate: the name, how it was found (``source``), the list it came from, its sentence,
    the words dropped before it when it is a shortened reading of a list item, and (``joint``) for a list item
    joined by 和/以及 whether this is a half or the item whole, where the item stands in the list, and whether
    the list's stated count fits the items as written or as split.  How much of the list the lexicon knows is
    the list scorer's feature only: here it made the scorer drop every item of a kept list of unlisted names."""
    features = character_features(name) | tag_features(name)
    features.update({"joint:" + flag: 1.0 for flag in joint})
    features.update({"source:" + source: 1.0, f"list{_bucket(list_size, (1, 2, 3, 5, 8, 12))}": 1.0})
    if re.search(r"[和与及]", name):
        features["joined"] = 1.0
    if normalise_chain(name) in industry_names():
        features["lexicon"] = 1.0
    if dropped:
        features["dropped"] = 1.0
        features["dropped_head:" + dropped[:1]] = 1.0
        if VERBS.search(dropped):
            features["dropped_verb"] = 1.0
    if list_size > 1:
        features["list_first" if position == 0 else "list_last" if position == list_size - 1 else "list_middle"] = 1.0
    if promised is not None:
        features["count_agrees" if promised == list_size else "count_disagrees"] = 1.0
    if list_size > 1 and whole_line(sentence):
        features["whole_line"] = 1.0
    for cue, pattern in (("cue_chain_leader", r"链长|链主"), ("cue_focus", r"聚焦|围绕|重点|主导|支柱|标志性"),
                         ("cue_figures", r"亿元|万元|%|增长|同比"), ("cue_meeting", r"会议|调度会|座谈会|出席|主持")):
        if re.search(pattern, sentence):
            features[cue] = 1.0
    return features


LIST_CUES = (("key_chains", r"重点产业链|重点产业集群|重点链|标志性产业链|产业链群|条产业链|大产业链"),
             ("chain_head", r"链长"), ("lead_firm", r"链主"), ("each_chain", r"每条(?:产业)?链|每个产业链|每一条"),
             ("adopts", r"(?:实行|实施|建立|推行|推出|探索|启动)[^，。；]{0,8}链长制|链长制"),
             ("cluster", r"集群"), ("figures", r"亿元|万元|%|增长|同比|占比"),
             ("meeting", r"会议|调度会|座谈会|出席|主持|调研"))
"""Lead-in cues of a chain list, looked for in its sentence and in the sentence before it."""


POLICY_AREAS = re.compile(r"^(?:财政|财税|税收|税费|用地|土地|金融|融资|信贷|资金|资本|人才|用工|用能|用电|用水|要素|"
                          r"政策|标准|项目|服务|环境|环保|安全|宣传|考核)$")
"""What support measures are listed by (从财政、税收、用地、金融、人才等方面…): areas of policy, not industries."""
AFTER_LIST = (("chain_noun", r"产业链|产业集群|集群|链条|链"), ("industry", r"产业|行业|制造业"),
              ("area", r"领域|方面|环节|要素|政策|措施|资源"), ("organisation", r"企业|单位|部门|机构|公司"),
              ("count", rf"{NUMERAL}(?:条|个|大|项|类|种)"))
"""What a list's last item is followed by (after 等 and spaces): the kind of thing the list enumerates."""


def _after_list(last: str, sentence: str) -> str:
    """The kind of word right after a list's last item in its sentence ('' when the item is not found)."""
    at = sentence.rfind(last)
    if at < 0 or not last:
        return ""
    rest = re.sub(r"^[\s等]*", "", sentence[at + len(last):])
    if not rest or re.match(r"[，。；：,;:！？]", rest):
        return "punctuation"
    return next((kind for kind, pattern in AFTER_LIST if re.match(pattern, rest)), "other")


def chain_list_features(names: list[str], source: str, sentence: str, before: str, promised: int | None,
                        distance: int | None, known_share: float, best_known: bool, lists: int,
                        in_title: bool, repeated: int = 0) -> Features:
    """A candidate chain list as a whole: how it was found, its lead-in cues (its sentence and the one
    before), its stated count against its items, how many items look like chain names (known industries,
    short noun phrases, written with 产业链/链 after them, named in other sentences of the document too:
    ``repeated`` items) or like areas of policy, what follows the list, whether it is a line of its own, where it
    stands against the first statement of the mechanism, and how it compares with the document's other lists."""
    size = len(names)
    features: Features = {"source:" + source: 1.0, f"list{_bucket(size, (1, 2, 3, 5, 8, 12))}": 1.0,
                          f"known{_bucket(int(known_share * 10), (0, 2, 4, 7))}": 1.0,
                          f"lists{_bucket(lists, (1, 2, 4, 8))}": 1.0}
    if promised is not None:
        features["count_agrees" if promised == size else "count_disagrees"] = 1.0
    for cue, pattern in LIST_CUES:
        if re.search(pattern, sentence):
            features["cue:" + cue] = 1.0
        if re.search(pattern, before):
            features["before_cue:" + cue] = 1.0
    shares = {
        "suffixed": sum(bool(re.search(re.escape(n) + r"(?:产业)?(?:链|集群)", sentence)) for n in names),
        "short": sum(2 <= len(n) <= 8 for n in names),
        "verb": sum(bool(VERBS.search(n)) for n in names),
        "digit": sum(bool(re.search(r"\d|%", n)) for n in names),
        "function": sum(is_function_word(n) for n in names),
        "person": sum(bool(OFFICIAL_TITLE_TAIL.search(n) or ORGANISATION_TAIL.search(n)) for n in names),
        "policy": sum(bool(POLICY_AREAS.match(n)) for n in names),
    }
    for name, count in shares.items():
        features[f"{name}{_bucket(int(10 * count / max(1, size)), (0, 4, 7, 9))}"] = 1.0
    if repeated:
        features[f"repeated{_bucket(int(10 * repeated / size), (4, 7, 9))}"] = 1.0
    if distance is None:
        features["no_mechanism"] = 1.0
    else:
        features["mechanism_" + ("before" if distance < 0 else "same" if distance == 0 else
                                 "near" if distance <= 2 else "after" if distance <= 6 else "far")] = 1.0
    if best_known and size > 1:
        features["best_known_in_doc"] = 1.0
    if size > 1 and whole_line(sentence):
        features["whole_line"] = 1.0
    if after := _after_list(names[-1] if names else "", sentence):
        features["after:" + after] = 1.0
    if in_title:
        features["in_title"] = 1.0
    return features


AGENT = re.compile(r"长|链主|专班|链办|领导|部门|单位|团队|队伍|智库|专家|协会|联盟|党委|组织|班子|企业|机构")
"""Who acts in a mechanism (链长, 盟长, 专班, 牵头部门, 专家团队 …): the parts of a scheme's own label or model name
agents; a plan's counted tasks and targets (一个规划、两个图谱; 一个目标、十大措施) name none."""


def names_agent(item: str) -> bool:
    """Does an item name who acts?  A system named after its agents (链长制, 三长制) is a mechanism, not an actor."""
    return bool(AGENT.search(item)) and not item.endswith("制")


def item_features(items: list[str], prefix: str) -> Features:
    """What the items of an enumeration look like: how many name an agent (链长统筹, 一个工作专班), end in a
    verb (链主带动, 专班服务), open with a count (一个规划), are parallel (all of one length) — a scheme's label
    written as an enumeration (“链长统筹、链主带动、专班服务”) against a plan's list of tasks."""
    size = len(items)
    last_tags = [(word_tag(words[-1]) or "x")[:1] if (words := tokenize(item)) else "x" for item in items]
    shares = {"agent": sum(names_agent(i) for i in items),
              "verb_tail": sum(tag == "v" for tag in last_tags),
              "counted": sum(bool(re.match(rf"^{NUMERAL}", i)) for i in items)}
    features: Features = {f"{prefix}{name}{_bucket(int(10 * count / max(1, size)), (0, 4, 7))}": 1.0
                          for name, count in shares.items()}
    if size >= 3 and len({len(i) for i in items}) == 1:
        features[f"{prefix}parallel"] = 1.0
    return features


def concept_features(concept: str, body: str, before: str, after: str, *, counted: bool, in_title: bool,
                     in_lead: bool, near_cue: bool, has_model: bool, count: int | None, model_size: int,
                     position: float, mentions: int, sentence: str, items: list[str] | None = None) -> Features:
    """A slogan candidate: its shape, the words around it, where it stands, and whether its parts are listed.
    ``items``: the parts of a label written as an enumeration (“链长统筹、链主带动、专班服务”的工作格局)."""
    features = character_features(body, "body_")
    if items:
        features.update({f"label_items{_bucket(len(items), (3, 5))}": 1.0} | item_features(items, "label_"))
    features.update({"counted" if counted else "uncounted": 1.0, f"position{_bucket(int(position * 10), (0, 2, 5))}": 1.0,
                     f"mentions{_bucket(mentions, (1, 2, 3))}": 1.0})
    noun = MECHANISM_NOUNS.search(concept[len(body):]) if len(concept) > len(body) else None
    own = re.search(r"制$", body)  # a label that is itself a system: 三长制, 双链长制 (the head noun is its own)
    features["head_noun:" + (noun.group(0) if noun else "制" if own else "none")] = 1.0
    for flag, name in ((in_title, "in_title"), (in_lead, "in_lead"), (near_cue, "near_cue"), (has_model, "has_model")):
        if flag:
            features[name] = 1.0
    if count is not None and has_model:
        features["count_agrees" if count == model_size else "count_disagrees"] = 1.0
    if SLOGAN_VERBS.search(before):
        features["verb_before"] = 1.0
    features["next1:" + after[:1]] = 1.0
    if re.search(r"链长|链主|链长制", sentence):
        features["sentence_chain_leader"] = 1.0
    if "链" in body:
        features["body_has_chain"] = 1.0
    if re.search(r"长制|链长|链主", body):  # the label names the scheme's roles: 三长制, 双链长制, 一产业一链长
        features["body_role"] = 1.0
    if re.search(r"[+＋]", body):
        features["plus"] = 1.0
    return features


def component_features(items: list[str], source: str, promised: int | None) -> Features:
    """A candidate model list as a whole (how it was found, its size against the slogan's numeral, what its
    items look like on average): the components are kept or dropped together, since few annotated lists
    could not teach an item-by-item decision."""
    size = len(items)
    features: Features = {"source:" + source: 1.0, f"list{_bucket(size, (1, 2, 3, 5, 8))}": 1.0}
    if promised is not None:
        features["count_agrees" if promised == size else "count_disagrees"] = 1.0
    else:
        features["no_count"] = 1.0
    shares = {
        "counted": sum(bool(re.match(rf"^{NUMERAL}", i)) for i in items),
        "mechanism_word": sum(bool(ROLE_WORDS.search(i)) for i in items),
        "verb": sum(bool(VERBS.search(i)) for i in items),
        "long": sum(len(i) > 12 for i in items),
        "digit": sum(bool(re.search(r"\d|%", i)) for i in items),
        "de": sum("的" in i for i in items),
    }
    for name, count in shares.items():
        features[f"{name}{_bucket(int(10 * count / max(1, size)), (0, 4, 7))}"] = 1.0
    if source != "headings":  # items of a quote or a sentence: agents (一名链长、链主带动) or tasks (一个规划、勇争先)
        agents = sum(names_agent(i) for i in items)
        features[f"listed_agent{_bucket(int(10 * agents / max(1, size)), (0, 4, 7))}"] = 1.0
    return features


ENTERPRISE_TAIL = re.compile(r"(?:集团|公司|企业|股份|有限|科技|制药|控股)$")
HOLDER_SENTENCE_CUES = (("news", r"出席|主持|会议|调度会|座谈会|讲话|调研|一行|指出|强调"),
                        ("adopts", r"实行|实施|建立|推行|启动|链长制"), ("by_serves", r"由[^，。；]{1,20}(?:担任|出任|兼任)"),
                        ("each_chain", r"每条|每个|各条|分别"), ("figures", r"亿元|万元|%|增长|同比"))
"""Sentence cues of a holder claim: a news report naming people at a meeting, a scheme adopting its roles."""


def holder_shape(holder: str) -> str:
    """What kind of holder a string is: a list, a person's name (2–3 characters whose words are nouns or unknown
    to the dictionary), an official title (…书记, …长, 领导), an enterprise (…集团, …公司), an organisation
    (…厅, …局, …办), or other (a fragment of the clause).  A name is what the role Matcher takes for one
    (:func:`pipeline.extract.roles.looks_like_name`), so the scorer and the Matcher agree on it."""
    if "、" in holder:
        return "list"
    if ENTERPRISE_TAIL.search(holder):
        return "enterprise"
    if OFFICIAL_TITLE_TAIL.search(holder) or re.search(r"(?:长|领导|一把手)$", holder):
        return "title"
    if ORGANISATION_TAIL.search(holder):
        return "organisation"
    if looks_like_name(holder):
        return "name"
    return "other"


def holder_features(role: str, holder: str, pattern: str, sentence: str = "", chain: str = "") -> Features:
    """A role holder read by the Matcher: the role, the pattern that read it, the holder's shape (person name,
    official title, organisation, enterprise) and how it goes with the role, where the chain it is given to
    stands, and the cues of its sentence."""
    shape = holder_shape(holder)
    features: Features = {"role:" + role: 1.0, "pattern:" + pattern: 1.0, "shape:" + shape: 1.0,
                          f"role_shape:{role}&{shape}": 1.0, f"len{_bucket(len(holder), (3, 6, 12))}": 1.0}
    if "、" in holder:
        features["enumerated"] = 1.0
        shapes = {holder_shape(part) for part in holder.split("、") if part}
        features["list_of:" + (shapes.pop() if len(shapes) == 1 else "mixed")] = 1.0
    if re.search(r"^(?:以|成立|高规格|统领|正式|启动|广东|全省|全市)|启动|成立", holder):
        features["clause_words"] = 1.0
    if VERBS.search(holder) or re.search(r"[将了在通过]", holder):
        features["holder_verb"] = 1.0
    if chain:
        at_chain, at_holder = sentence.find(chain), sentence.find(holder)
        features["chain_" + ("unplaced" if min(at_chain, at_holder) < 0 else "before" if at_chain < at_holder
                             else "after")] = 1.0
    else:
        features["no_chain"] = 1.0
    for cue, cue_pattern in HOLDER_SENTENCE_CUES:
        if re.search(cue_pattern, sentence):
            features["sentence_" + cue] = 1.0
    return features


@dataclass(frozen=True)
class KindModel:
    weights: Mapping[str, float]
    intercept: float
    threshold: float

    def probability(self, features: Features) -> float:
        z = self.intercept + sum(self.weights.get(name, 0.0) * value for name, value in features.items())
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


@dataclass(frozen=True)
class Observation:
    """A candidate as the extractor saw it (kept by :class:`Judge` when ``record`` is on, for training)."""

    kind: str
    text: str
    features: Features
    region: str = ""
    role: str = ""


@dataclass
class Judge:
    """Decides which candidates the scheme row keeps.  ``models`` empty → keep everything (the rules'
    own output, used while collecting training candidates); ``record`` lists every candidate seen."""

    models: Mapping[str, KindModel] = field(default_factory=dict)
    record: list[Observation] | None = None

    def probability(self, kind: str, features: Features) -> float:
        model = self.models.get(kind)
        return model.probability(features) if model else 1.0

    def keep(self, kind: str, text: str, features: Features, region: str = "", role: str = "") -> bool:
        if self.record is not None:
            self.record.append(Observation(kind, text, features, region, role))
        model = self.models.get(kind)
        return model is None or model.probability(features) >= model.threshold

    def threshold(self, kind: str) -> float:
        model = self.models.get(kind)
        return model.threshold if model else 0.0


def read_models(path: Path) -> dict[str, KindModel]:
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("format_version") != FORMAT_VERSION:
        raise ValueError(f"{path}: extractor format {data.get('format_version')}, this code reads {FORMAT_VERSION}; "
                         "retrain with `policy-miner train`")
    return {kind: KindModel(spec["weights"], spec["intercept"], spec["threshold"]) for kind, spec in data["kinds"].items()}


@cache
def default_judge(models_dir: Path = MODELS_DIR) -> Judge:
    """The shipped scorer; without ``models/extractor.json`` the rules' candidates are all kept (logged once)."""
    path = models_dir / EXTRACTOR_FILE
    if not path.exists():
        log.warning("no %s in %s: extraction keeps every candidate; run `policy-miner train`", EXTRACTOR_FILE, models_dir)
        return Judge()
    return Judge(read_models(path))
