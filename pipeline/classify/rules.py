"""Sentence-level lexicon rules for the three innovation modes.

Why rules at all when there is a model: real positives are scarce (a few dozen
documents per mode), so the model alone would learn the trigger words and
little else.  The rules encode what the annotation guideline says a trigger
must look like (docs/annotation-guideline.md): which terms can fire a mode on
their own, which need a policy-action context in the same sentence, and which
look-alikes never count (河长制, “产业链长”= the chain is long, 张榜公布 =
posting a notice, 挑战杯 tracks named 揭榜挂帅, sports 举国体制).  Every
sentence gets a :class:`SentenceHit` per mode; the model (``model.py``) turns
the hits and the hit sentences' words into a probability, and a document can
only be labelled when at least one sentence *qualifies* under these rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from pipeline.models import MODES
from pipeline.vocabulary import MODE_CUES


@dataclass(frozen=True)
class ModeRules:
    """The vocabulary of one mode.

    ``strong`` terms carry the mode by themselves; ``contextual`` terms only
    when the sentence also holds an ``action`` (a policy verb such as 实施 or
    组织) and no ``passive`` marker (applying for, being listed in or being
    subsidised for a programme is not running it); ``blockers`` are look-alikes removed from the sentence before any
    term is searched, so "张榜公布" leaves no "张榜" behind; ``vetoes`` void
    the whole sentence for the mode (a student competition, a sports team).
    ``weak`` terms never qualify a sentence but still make it a *cue*
    sentence: ``cue`` is what the model looks at — any strong, contextual or
    weak term, or a blocker (so that it learns from false friends too).
    ``detail`` is the mechanism's own working vocabulary (榜单, 揭榜方, 链主,
    牵头单位, 工作专班…): sentences holding it next to a term show that a
    document *describes* the mechanism rather than naming it (see
    :func:`prominence`).
    """

    mode: str
    strong: tuple[str, ...]
    contextual: tuple[str, ...]
    weak: tuple[str, ...]
    action: re.Pattern[str]
    blockers: re.Pattern[str]
    vetoes: re.Pattern[str]
    passive: re.Pattern[str]
    scope: re.Pattern[str]  # contextual terms also need this in the sentence or the document's title/issuer
    baseline: tuple[str, ...]  # the plain keyword baseline: any of these present ⇒ label
    detail: re.Pattern[str]  # the mechanism's working vocabulary, counted around a term (document prominence)
    mobilisation: re.Pattern[str]  # participation on a scale that is the mechanism itself (not passive)
    other_sense: re.Pattern[str]  # beside a term: the document uses the terms in another sense throughout (cadres
    # taking on administrative tasks by 揭榜), see ``model._other_sense``

    @cached_property
    def cue(self) -> re.Pattern[str]:
        return re.compile(f"{_alternation(self.strong + self.contextual + self.weak).pattern}|{self.blockers.pattern}")

    @cached_property
    def strong_terms(self) -> re.Pattern[str]:
        return _alternation(self.strong)

    @cached_property
    def contextual_terms(self) -> re.Pattern[str]:
        return _alternation(self.contextual)

    @cached_property
    def terms(self) -> re.Pattern[str]:
        return _alternation(self.strong + self.contextual + self.weak)


def _alternation(terms: tuple[str, ...]) -> re.Pattern[str]:
    """One regex over ``terms``, longest first, so that 链主企业 is one match and not 链主 + 企业."""
    return re.compile("|".join(map(re.escape, sorted(set(terms), key=len, reverse=True))))


POLICY_ACTION = (r"实施|实行|推行|建立|健全|完善|构建|推进|推广|推动|组织|开展|探索|启动|部署|设立|布局|发布|担任|打造|"
                 r"牵头|采取|采用|通过|依托|发挥|培育|支持|鼓励|引导|落实|攻关")

NEVER = re.compile(r"(?!)")
ANYWHERE = re.compile(r"")

MENTION = re.compile(r"解读|宣讲|答记者问|发布会|访谈|专题报道|培训班|讲座|术语|释义|词条|综述")
"""The term is something talked about, not done: a policy briefing, an interpretation item, a training course,
a glossary.  Such a sentence never qualifies (an adopting document has other sentences to show).  Only when the word
is in the term's clause or before it: in “召开链长制会议，宣讲二十大精神” the meeting is the mechanism at work and the
briefing is about something else."""
CLAUSE = re.compile(r"[，,；;：:]")

REPORTING_GENRE = re.compile(r"总结|年度报告|年报|信息公开|述职|工作情况|工作回顾|情况通报|汇编|大事记|综述")
"""Titles of retrospective or administrative reports (work summaries, information-disclosure annual reports,
compilations): they list what was done or published, so a clause naming a mechanism is a passing mention there
unless the report describes it.  Forward-looking genres (通知/方案/办法/意见/规划/工作要点, the State Council's
政府工作报告) are not in the list: one operative clause in them adopts or requires the mechanism."""

RETROSPECTIVE = re.compile(r"去年|上年|一年来|过去一年|\d{4}年以来|今年以来|全年共|"
                           r"(?:实施|推行|开展|组织|建立|完成|发布|举办|召开|出台|制定|印发|落实|推进)了")
"""A sentence reporting past work (“去年组织实施了…”, “一年来…”), not setting a measure.  Only unambiguous time and
aspect markers: words like 成效 or 累计 also occur in measures (“转型成效突出的企业”, “累计投入…给予奖励”)."""

DESCRIBED_SENTENCES = 3
DESCRIBED_SHARE = 1 / 3
"""A mention becomes a description when this many sentences (the term's and its neighbours' with the mechanism's
own vocabulary) are about the mechanism — a paragraph, not a clause — or when they are this share of a short
document (a three-line summary whose two lines are about the mechanism is about the mechanism)."""

RULES: dict[str, ModeRules] = {
    "national_system": ModeRules(
        mode="national_system",
        strong=MODE_CUES["national_system"].strong,
        contextual=MODE_CUES["national_system"].contextual,
        weak=MODE_CUES["national_system"].weak,
        # organising the projects is the mechanism; applying, joining or funding them is not,
        # and a list of achievements (载人航天…取得突破) describes results, not the mobilisation
        action=re.compile(r"启动|实施|部署|设立|布局|推进|组织管理|立项和管理|集中|统筹|联合攻关|协同攻关|举全国|"
                          r"\d+[多余]?个省|\d+[多余]?家"),
        blockers=re.compile(r"举国上下|举国欢腾|举国同庆|重大专项资金|专项资金|专项执法|专项行动|专项整治|专项检查"),
        vetoes=re.compile(r"体育|奥运|竞技|金牌|运动员|运动队|赛事"),
        # …nor is linking to them, or a province's or city's own programme (the mode is nation-wide mobilisation)
        passive=re.compile(r"申报|在研|不得|列入|配套|奖励|补助|补贴|到账|国拨|争取|参与|参加|承担|衔接|"
                           r"本市|本省|本区|我市|我省|我区|我县|市、区|[省市区县]人民政府|[省市]科技重大|[省市]重大科技|省级|市级"),
        scope=re.compile(r"国家|全国|中央|2030|国务院|中华人民共和国|我国|国内"),
        other_sense=NEVER,
        baseline=("新型举国体制", "举国体制", "集中力量办大事", "两弹一星", "重大专项", "北斗", "C919"),
        detail=re.compile(r"举国|集中力量|重大专项|重大工程|重大科技项目|国家实验室|联合攻关|协同攻关|全国一盘棋"),
        # 22个省份、200多家企业、36所高校…参与: nation-wide participation is the mobilisation, not a passive role
        mobilisation=re.compile(r"\d+[多余]?个省(?:份|区市)?[、，,].{0,20}\d+[多余]?(?:家|所|个)"),
    ),
    "chain_leader": ModeRules(
        mode="chain_leader",
        strong=MODE_CUES["chain_leader"].strong,
        contextual=MODE_CUES["chain_leader"].contextual,
        weak=MODE_CUES["chain_leader"].weak,
        action=re.compile(POLICY_ACTION + r"|由|任|为|领导|省长|市长|书记|区长|县长|负责|会上|调度会|推进会|座谈会|发言|汇报"),
        blockers=re.compile(r"(?:产业|供应|价值|创新)链长(?=[、，,；;。和且较]|度)|链主(?:导|体|要|干|线)|"
                            r"总?[河湖林田路街网警]长制?"),
        vetoes=NEVER,  # nothing voids a whole sentence: blockers already remove the look-alikes
        passive=NEVER,
        scope=ANYWHERE,
        mobilisation=NEVER,
        other_sense=NEVER,
        baseline=("链长制", "链长", "总链长", "链主", "一链一策"),
        detail=re.compile(r"链长|链主|链办|牵头单位|工作专班|专班|一链一策|产业链图谱|招商图谱|重点产业链|协调会|调度"),
    ),
    "open_competition": ModeRules(
        mode="open_competition",
        strong=MODE_CUES["open_competition"].strong,
        contextual=MODE_CUES["open_competition"].contextual,
        weak=MODE_CUES["open_competition"].weak,
        action=re.compile(POLICY_ACTION + r"|需求|技术|攻关|项目|任务|榜|资金|团队|悬赏"),
        blockers=re.compile(r"张榜(?:公布|公示|公告|通告)|政治挂帅|上榜|(?:强|排行|百强|排名)榜单|榜单(?:前|排名|类)|"
                            r"(?:进入|入围|入选|操纵)榜单|光荣榜|红黑榜|龙虎榜"),
        vetoes=re.compile(r"挑战杯|大学生|学生|竞赛|赛道|赛项|选手|参赛"),
        # 揭榜 as an assignment of cadres to administrative tasks (干部揭榜领题, 党员干部…均可揭榜): the guideline's
        # open_competition is the competitive selection of who solves a technical challenge, and a document that
        # calls its cadres to 揭榜 uses the word that way in every sentence, including its 揭榜挂帅 slogans.  A
        # sentence that also speaks of technology or research (科技干部, a reform list) is not such a call.
        other_sense=re.compile(r"^(?!.*(?:技术|科技|科研|研发|攻关|创新|成果)).*(?:干部|党员|公务员|领导班子)"),
        passive=NEVER,
        scope=ANYWHERE,
        mobilisation=NEVER,
        baseline=("揭榜挂帅", "张榜", "发榜", "揭榜", "榜单"),
        detail=re.compile(r"榜单|发榜|揭榜|张榜|榜额|悬赏|资助|里程碑|需求征集|技术需求|攻关任务|攻关团队|赛马"),
    ),
}
assert tuple(RULES) == MODES


@dataclass(frozen=True)
class SentenceHit:
    """What the rules saw in one sentence for one mode."""

    strong: int = 0  # strong-term occurrences (after blockers)
    contextual: int = 0  # contextual-term occurrences (after blockers)
    action: bool = False  # a policy-action word (and the mode's scope) is present
    passive: bool = False  # an applying/joining/subsidy marker is present
    blocked: int = 0  # look-alikes removed
    vetoed: bool = False
    mentioned: bool = False  # the term is the topic of a briefing, 解读 or glossary (``MENTION``)

    @property
    def qualifies(self) -> bool:
        """The sentence on its own would justify the mode under the guideline."""
        if self.vetoed or self.mentioned:
            return False
        return self.strong > 0 or (self.contextual > 0 and self.action and not self.passive)

    @property
    def score(self) -> float:
        """Rule strength used to rank evidence: strong terms count most, look-alikes pull down."""
        if not self.qualifies:
            return 0.0
        return 2.0 * self.strong + (1.0 + self.action) * self.contextual - 0.5 * self.blocked


def sentence_hit(text: str, rules: ModeRules, heading: str = "") -> SentenceHit:
    """Count the mode's terms in one sentence: look-alikes removed first, strong terms before contextual ones
    (so 揭榜挂帅 is not also counted as 揭榜).  ``heading`` (the document's title and issuer) counts for scope and
    vetoes: a State Council report need not repeat 国家 in every sentence about its major projects, and in a
    体育总局 notice or a 挑战杯 announcement every 举国体制 / 揭榜挂帅 is the sports or student one.  A heading that
    names the mechanism (any of its terms, weak ones included) stands for the policy action: a report titled on
    the major projects (重大专项：…) is about them even where its sentences only recount results."""
    cleaned, blocked = rules.blockers.subn("", text)
    cleaned, strong = rules.strong_terms.subn("", cleaned)
    contextual = len(rules.contextual_terms.findall(cleaned))
    if not (strong or contextual or blocked):
        return SentenceHit()
    about = bool(rules.terms.search(rules.blockers.sub("", heading)))
    action = bool((rules.action.search(cleaned) or about) and (rules.scope.search(cleaned) or rules.scope.search(heading)))
    passive = bool(rules.passive.search(cleaned)) and not rules.mobilisation.search(cleaned)
    return SentenceHit(strong, contextual, action, passive,
                       blocked, bool(rules.vetoes.search(text) or rules.vetoes.search(heading)),
                       _term_is_topic(text, rules))


def _term_is_topic(text: str, rules: ModeRules) -> bool:
    """Is one of the mode's terms the topic of a briefing, interpretation or glossary (``MENTION``)?  Yes when the
    mention word shares the term's clause (链长制政策解读) or comes before the term (讨论了政策术语，例如揭榜挂帅…);
    not when it only follows in a later clause (召开链长制会议，宣讲二十大精神: the briefing is about something else)."""
    cleaned = rules.blockers.sub("", text)
    mentions = [m.start() for m in MENTION.finditer(cleaned)]
    terms = [m.start() for pattern in (rules.strong_terms, rules.contextual_terms) for m in pattern.finditer(cleaned)]
    if not mentions or not terms:
        return False
    if min(mentions) < max(terms):
        return True
    return any(MENTION.search(clause) and (rules.strong_terms.search(clause) or rules.contextual_terms.search(clause))
               for clause in CLAUSE.split(cleaned))


@dataclass(frozen=True)
class Prominence:
    """How much of a document is about one mode's mechanism — what separates adopting it from naming it."""

    in_title: bool  # the title names the mechanism (a strong or contextual term)
    described: int  # sentences about it: qualifying ones plus neighbours using the mechanism's own vocabulary
    share: float  # described / all sentences of the document
    reporting_genre: bool  # the title is a work summary / annual or disclosure report / compilation
    all_retrospective: bool  # every qualifying sentence reports past work

    @property
    def passing(self) -> bool:
        """A mention in passing: a report (by title, or by every qualifying sentence being retrospective) that
        names the mechanism in a clause without describing it.  Adopting genres are never passing: there one
        operative clause (“实行揭榜挂帅制度”) is a requirement (docs/annotation-guideline.md)."""
        if self.in_title or self.described >= DESCRIBED_SENTENCES or self.share >= DESCRIBED_SHARE:
            return False
        return self.reporting_genre or self.all_retrospective


def prominence(sentences: list[str], qualifying: list[int], rules: ModeRules, title: str) -> Prominence:
    """Prominence of one mode in a document, from its sentence texts and the indexes of the qualifying ones.

    Neighbours (one sentence either side) count when they carry the mechanism's ``detail`` vocabulary: in
    “深化揭榜挂帅改革。全年发布榜单20项。吸引揭榜方56家。” the report describes the mechanism; in a list of
    achievements the clause stands alone."""
    about = set(qualifying)
    for i in qualifying:
        about.update(j for j in (i - 1, i + 1) if 0 <= j < len(sentences) and rules.detail.search(sentences[j]))
    cleaned_title = rules.blockers.sub("", title)
    return Prominence(
        in_title=bool(rules.strong_terms.search(cleaned_title) or rules.contextual_terms.search(cleaned_title)),
        described=len(about),
        share=len(about) / len(sentences) if sentences else 0.0,
        reporting_genre=bool(REPORTING_GENRE.search(title)),
        all_retrospective=bool(qualifying) and all(RETROSPECTIVE.search(sentences[i]) for i in qualifying))


def keyword_baseline(text: str, mode: str) -> bool:
    """The plain baseline the classifier is compared with: a listed term present ⇒ label."""
    return any(term in text for term in RULES[mode].baseline)
