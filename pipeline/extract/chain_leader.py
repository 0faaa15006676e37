"""链长制 schemes and per-chain rows from one segmented document.

What a scheme row holds, and where each part is read from:

* concept — a slogan with a count in it, as written: “九个一”工作机制, “六位一体”架构,
  四个一模式, “1个图谱”和“N张清单” (:func:`find_concepts`).
* model — the mechanism's components: the enumeration that follows (or precedes)
  the slogan in its sentence, else the next sentences, else the headings of the
  numbered items that follow it; without a slogan, an enumeration of counted
  items (一位省领导、一个牵头部门、一套支持政策) in a chain-leader sentence.
  The slogan's numeral is checked against the number of components.
* key_chains — enumerations anchored on 产业链/产业集群 (“聚焦A、B等十大产业链”,
  “重点产业链包括：A、B”) or on none (重点发展A、B、C), series of clauses each opening
  with a chain (A产业要…；B产业要…), numbered items whose heading is a chain, chain
  tables, chains that prose names or gives a 链长/链主 to; the learned scorer keeps the
  scheme's lists and, within them, the names (:func:`_keep_chain_lists`).
* roles — 总链长/链长/链长办/工作专班 holders (:mod:`pipeline.extract.roles`) not tied to one kept chain, and 链主/牵头单位
  of chains the text does not name or the scorer did not keep (several holders of one role joined with 、).

A document only yields schemes when it states the mechanism (链长制, 总链长,
链长由…, 链主 …); "产业链长、环节多" or 河长制 yield nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from pipeline.models import ChainLeaderScheme, ChainRow, Evidence, SegmentedDocument, Sentence
from pipeline.segment import split_sentences, tokenize, word_tag
from pipeline.extract import tables
from pipeline.extract.learned import VERBS, Judge, is_function_word, chain_features, chain_list_features, component_features, concept_features, default_judge, holder_features
from pipeline.extract.regions import canonical_region
from pipeline.extract.roles import OFFICE, ROLE_FIELDS, SERVES, RoleClaim, role_claims
from pipeline.vocabulary import COMPARISON_TABLE, MODE_CUES
from pipeline.chain_names import (chain_name, region_alias_pattern, industry_names, known_industry_share,
                                  normalise_chain, split_chain_list, chain_list_readings)
from pipeline.extract.text import (cn_number, drop_joined, drop_near_duplicates, heading_of, marker_style, outranks,
                                   normalise_concept, normalise_item, split_items, trim_to_count, unquote)
from pipeline.textshape import NUMERAL, item_marker, strip_marker, unique

def _cue_pattern() -> re.Pattern[str]:
    """The mechanism is stated: a strong chain-leader cue or a chain-leader role term of the shared vocabulary,
    or a contextual one (bare 链长) in a role statement — 链长由…, 一名链长, 担任…链长.  Deliberately not bare
    链长: 产业链长、环节多 means "the chain is long"."""
    cues = MODE_CUES["chain_leader"]
    chain_roles = {term for term in ROLE_FIELDS if "链" in term}  # not 工作专班/牵头单位: other schemes have those
    plain = sorted({*cues.strong, *chain_roles} - set(cues.contextual), key=len, reverse=True)
    serves = "|".join(SERVES)  # 担任, 兼任, 挂帅, 当好 …: the verbs of a role statement (roles.py)
    stated = [rf"{t}(?:由|为|是|：|:|（|\(|\s)|(?:名|位){t}|(?:{serves})[^，。；]{{0,12}}{t}|^{t}$"
              for t in map(re.escape, cues.contextual)]
    return re.compile("|".join([*map(re.escape, plain), *stated]))


CUE = _cue_pattern()

CHAIN_NOUN = re.compile(r"产业链群|产业集群|产业链条|产业链|集群")
MECHANISM_NOUN = r"(?:工作法|机制|模式|架构|体系|制度|举措|格局|路径)"
MECHANISM_SUFFIX = rf"(?:[\u4e00-\u9fff]{{0,6}}?{MECHANISM_NOUN})?"
"""The head noun a slogan names (“3+3+N”工作体系, “4+4+N”产业链推进体系, “1+3+N”推进工作法): up to six modifiers, then the noun."""
QUOTED = re.compile(r"[“\"「‘]([^“”\"「」‘’\n]{1,24})[”\"」’]")
UNQUOTED_SLOGAN = re.compile(rf"(?<![“\"「‘\w])(?:{NUMERAL}(?:个一|位一体)|(?:{NUMERAL}|双)(?:链长|长)制)")
COUNTED_SLOGAN = re.compile(
    rf"^(?:{NUMERAL}|[Nn])\s*(?:个|位|张|条|项|大|链|长|图|单|库|员|级|维|清单|方面|核心|抓手)|^一链一|^双"
    r"|^[^+＋\s]{1,6}(?:\s*[+＋]\s*[^+＋\s]{1,6})+$")
"""A slogan: a count (九个一, 三链融合, 双链长, 一链一策) or parts joined by + (3+3+N, 总链长+链长+链主)."""
COUNT_OF_SLOGAN = re.compile(rf"^({NUMERAL})(?:个一|位一体|链?长制|大\w{{0,4}}|项\w{{0,4}}|个(?:核心|重点|关键)\w{{0,4}})$|^(双)\w{{1,3}}$")
CONNECTOR = re.compile(r"^\s*(?:[和与及+＋、]|加)?\s*$")
ENUMERATION_LEAD = re.compile(r"^[，,\s]*[^，。；：:]{0,16}?(?:[，,]即|即|：|:|具体包括|主要包括|包括|具体为|分别是|分别为)")
ADDRESSEE = re.compile(r"^各[^。]*[：:]$")
"""The 主送机关 line under a notice's title (各区人民政府，市各委办局：) — never a list of components."""
LIST_VERBS = re.compile(r"^.*?(?:聚焦|围绕|重点发展|重点培育|发展壮大|确定|明确|包括|涵盖|选取|选择|梳理|培育|打造|实施|"
                        r"推进|构建|做强|做大|涉及|覆盖|针对|形成|布局|遴选|筛选|建立)")
LIST_TAIL = re.compile(rf"等?(?:{NUMERAL})?(?:条|个|大|项)?(?:重点|标志性|战略性|新兴|支柱|主导|优势|特色|先进|现代|未来|"
                       rf"制造业|产业|传统|核心|关键|市级|省级|区级)*$")
NAME_BOUNDARY = re.compile(r"[\s，。；、：:（）()“”\"《》]|由|的|为|在|对|将|把|担任|任|是|推动|打造|聚焦|围绕|建设|培育|壮大|做强|"
                           r"做大|实施|负责|联系|牵头|分管|各条|每条|该")
LABELLED_FIELD = re.compile(r"^\s*(?:副?链长|链主(?:企业|单位)?|牵头(?:单位|部门)|责任单位)\s*[：:]")
ANCHOR_CONTINUES = re.compile(r"^(?:图谱|清单|地图|链长制|供应链|创新链|上下游|现代化|韧性|安全|协同|发展水平)")
ROLE_AFTER_ANCHOR = re.compile(r"^(?:的)?(?:链长|链主|牵头|责任)")
"""产业链链主企业：甲公司、乙公司 — a role label after the chain, not a list of chains."""

SCHEME_ROLES = ("总链长", "副总链长", "链长", "副链长", "链长办", "工作专班")
CHAIN_TABLE = {
    "chain_leader": re.compile(r"^(?!副|总).*链长(?!办)|联系领导|责任领导|牵头领导|挂帅领导|^(?:省|市|区|县)(?:级)?领导$"),
    "chain_owner": re.compile(r"链主|龙头企业"),
    "lead_unit": re.compile(r"牵头单位|牵头部门|责任单位|责任部门|牵头处室|工作专班"),
    "chain": re.compile(r"产业链|产业集群|链条|产业名称|重点产业|集群名称|^名称$|^产业$"),
}
"""Header synonyms of a chain table's columns (责任部门 = 牵头单位, 龙头企业 = 链主企业, 市领导 = 链长)."""


@dataclass(frozen=True)
class Concept:
    text: str  # as written, e.g. “九个一”工作机制
    start: int
    end: int
    count: int | None  # the numeral the slogan promises (九个一 → 9), None when it promises none


@dataclass
class _Draft:
    """A region's scheme while it is being read (mutable; frozen into ChainLeaderScheme at the end)."""

    region: str
    judge: Judge = field(default_factory=Judge)
    concept: str = ""
    model: list[str] = field(default_factory=list)
    chains: list[str] = field(default_factory=list)
    roles: dict[str, str] = field(default_factory=dict)
    evidence: dict[str, list[Evidence]] = field(default_factory=dict)

    def cite(self, cell: str, evidence: Evidence) -> None:
        if evidence not in self.evidence.setdefault(cell, []):
            self.evidence[cell].append(evidence)

    def add_chains(self, items: list[str] | list[tuple[str, tuple[str, ...]]], evidence: Evidence, source: str,
                   promised: int | None = None, list_probability: float = 0.0) -> None:
        """Chain candidates of one list; the judge keeps the names that are key chains of the scheme.

        An item is a name, or (the item whole, the names the splitting rule makes of it): a joined item
        (绿色石化和新材料) stays whole when the judge keeps it and rates it above its parts, or when the
        list's count (…等8条) matches its items as written and not as split.  A list whose stated count
        matches its items and most of whose items the judge keeps is kept whole (numeral agreement).
        Each name is also offered without its first words (了重卡…, 大力发展现代家纺: a list's lead-in
        often sticks to its first item); the most probable reading above the threshold wins."""
        readings = [(item, (item,)) if isinstance(item, str) else item for item in items]
        size = sum(len(parts) for _, parts in readings)
        whole_fits = promised is not None and promised == len(readings) != size  # 等8条: 8 items as written
        counted_list = promised is not None and promised in (len(readings), size)
        fit = "" if promised is None else "written" if promised == len(readings) else "split" if promised == size else ""
        picked: list[tuple[str, float, str]] = []  # (kept reading or '', probability, the item as written)
        position = 0
        for index, (whole, parts) in enumerate(readings):
            # where a joined item stands: 和 in the list's last item often closes the list (A、B和C), inside it
            # rarely does (A、B和C、D: one item B和C)
            place = "last" if index == len(readings) - 1 else "inner"
            joint = (f"half_{place}", f"half_fit_{fit}") if len(parts) > 1 else ()
            chosen = [(*self._best_reading(name, source, evidence.text, size, position + i, promised, joint), name)
                      for i, name in enumerate(parts)]
            if len(parts) > 1:
                joined = self._best_reading(whole, source, evidence.text, size, position, promised,
                                            (f"whole_{place}", f"whole_fit_{fit}"))
                if self.judge.models and joined[0] and (whole_fits or joined[1] >= max(p for _, p, _ in chosen)):
                    chosen = [(*joined, whole)]
                elif whole_fits:
                    chosen = [("", joined[1], whole)]
            position += len(parts)
            picked += chosen
        if counted_list and (sum(bool(name) for name, _, _ in picked) * 2 >= len(picked) or list_probability >= CONFIDENT_LIST):
            # the list states its own count and the judge keeps most of it: it is the chain list, every item counts
            picked = [(name or written, p, written) for name, p, written in picked]
        new = unique(name for name, _, _ in picked if name and name not in self.chains)
        if new:
            self.chains.extend(new)
            self.cite("key_chains", evidence)

    def _best_reading(self, name: str, source: str, sentence: str, size: int, position: int, promised: int | None,
                      joint: tuple[str, ...] = ()) -> tuple[str, float]:
        """The judge's most probable reading of a name that it keeps ('' when it keeps none), with its probability.
        ``joint``: how the name relates to a joined item (a half of it, or the item whole; where it stands; whether
        the list's count fits the items as written or as split)."""
        best, best_probability = "", -1.0
        for variant, dropped in _name_variants(name):
            if is_function_word(variant):
                continue
            features = chain_features(variant, source, sentence, size, position, promised, dropped, joint)
            probability = self.judge.probability("chain", features)
            if self.judge.keep("chain", variant, features, self.region) and probability > best_probability:
                best, best_probability = variant, probability
        return best, best_probability


CONFIDENT_LIST = 0.8
"""A list that states its own count and that the list scorer rates at least this high is kept whole."""


LEAD_IN_WORD = re.compile(rf"^(?:{VERBS.pattern}|[了出在对以将把向从由为与和及等的是有市省区县全我本各大力])+$")
"""Words that open a clause rather than a name: verbs, function words, scope words (全市, 大力发展, 了…)."""


PLACE_INSIDE = re.compile(r"[\u4e00-\u9fff]{0,8}?(?:经济技术开发区|经济开发区|高新技术产业开发区|高新区|开发区|新区|园区|工业园)")
"""A development zone or park written before a chain's name (武义经济开发区电动工具)."""


def _name_variants(name: str) -> list[tuple[str, str]]:
    """(reading, words dropped before it): the name, then the name without its first one to three jieba words
    when those are lead-in words (大力发展现代家纺 → 现代家纺; 纳米新材料 stays whole), without a modifier
    clause ending in 的 (以甲为链主的肉食品加工 → 肉食品加工), or without what precedes a place named inside it
    (受益于吉安电子信息 → 电子信息, 武义经济开发区电动工具 → 电动工具)."""
    words = tokenize(name)
    variants = [(name, "")]
    cuts = [name.rsplit("的", 1)[0] + "的"] if "的" in name[1:-2] else []
    cuts += [name[:m.end()] for m in (*region_alias_pattern().finditer(name), *PLACE_INSIDE.finditer(name))
             if 0 < m.end() < len(name) - 1]
    for dropped in cuts:
        if (rest := chain_name(name[len(dropped):])) and all(rest != known for known, _ in variants):
            variants.append((rest, dropped))
    for cut in range(1, min(3, len(words) - 1) + 1):
        dropped = "".join(words[:cut])
        if not LEAD_IN_WORD.match(dropped):
            break
        rest = chain_name("".join(words[cut:]))
        if rest and all(rest != known for known, _ in variants):
            variants.append((rest, dropped))
    return variants


def _mention_name(piece: str) -> str:
    """A prose mention's chain name: the words before 产业链 as written, or, when a lead-in verb makes them no
    name (推进有色金属), without their first lead-in words."""
    if name := chain_name(strip_marker(piece)):
        return name
    words = tokenize(piece)
    for cut in range(1, min(3, len(words) - 1) + 1):
        if not LEAD_IN_WORD.match("".join(words[:cut])):
            break
        if name := chain_name("".join(words[cut:])):
            return name
    return ""


def has_cue(doc: SegmentedDocument) -> bool:
    return any(CUE.search(s.text) for s in doc.sentences) or any(
        _names_chain_roles(row) for t in doc.tables for row in t.rows[:3])


def _names_chain_roles(header: tuple[str, ...]) -> bool:
    """A chain table header: a 链长/链主 column, or a chain column beside a leader or lead-firm column (产业链｜市领导)."""
    columns = tables.column_map(header, CHAIN_TABLE)
    return any("链长" in cell or "链主" in cell for cell in header) or (
        "chain" in columns and bool({"chain_leader", "chain_owner"} & columns.keys()))


def find_concepts(text: str) -> list[Concept]:
    """Counted slogans in a text, adjacent quoted slogans joined (“1个图谱”和“N张清单”), mechanism noun included."""
    found: list[Concept] = []
    quoted = [m for m in QUOTED.finditer(text) if COUNTED_SLOGAN.match(m.group(1).strip())]
    groups: list[list[re.Match[str]]] = []
    for match in quoted:
        if groups and CONNECTOR.match(text[groups[-1][-1].end():match.start()]):
            groups[-1].append(match)
        else:
            groups.append([match])
    spans = [(g[0].start(), g[-1].end(), [m.group(1).strip() for m in g]) for g in groups]
    spans += [(m.start(), m.end(), [m.group(0)]) for m in UNQUOTED_SLOGAN.finditer(text)
              if not any(s <= m.start() < e for s, e, _ in spans)]
    for start, end, bodies in sorted(spans):
        suffix = re.match(MECHANISM_SUFFIX, text[end:])
        end += len(suffix.group(0)) if suffix else 0
        found.append(Concept(text[start:end], start, end, _promised_count(bodies)))
    return found


def _promised_count(bodies: list[str]) -> int | None:
    """Components a slogan promises: 九个一 → 9, 双链长 → 2, 链长+链主+链创 → 3 (one per named part);
    None for 1+3+N, whose numerals count members of each part, and for joined slogans."""
    if len(bodies) != 1:
        return None
    parts = re.split(r"\s*[+＋]\s*", bodies[0])
    if len(parts) > 1:
        return None if any(re.match(rf"^(?:{NUMERAL}|[Nn])$", p) for p in parts) else len(parts)
    count = COUNT_OF_SLOGAN.match(bodies[0])
    return cn_number(count.group(1) or count.group(2)) if count else None


def concept_count(concept: str) -> int | None:
    """The number of components a concept promises (“九个一”机制 → 9), None when it promises none."""
    found = find_concepts(concept)
    return found[0].count if found else None


def numeral_flags(concept: str, model: tuple[str, ...]) -> tuple[str, ...]:
    count = concept_count(concept)
    if count is None or count == len(model):
        return ()
    numeral = next((m.group(0) for m in re.finditer(NUMERAL, concept)), str(count))
    return (f"concept numeral {numeral} ≠ {len(model)} components",)


@dataclass(frozen=True)
class ChainList:
    """A candidate chain list of one region (an enumeration, a prose mention, a numbered item, a table row),
    held until the document's lists are all read: whether it is the scheme's own list is decided against
    the others (:func:`_keep_chain_lists`)."""

    region: str
    items: list[tuple[str, tuple[str, ...]]]
    evidence: Evidence
    source: str
    promised: int | None
    before: str  # the sentence before the list's sentence: lead-ins (实行链长制，确定以下重点产业链) often sit there
    structural: bool = False  # a chain table's row: kept by structure, not scored

    def names(self) -> list[str]:
        return [name for _, parts in self.items for name in parts]


def _keep_chain_lists(offered: list[ChainList], cue_at: int | None, judge: Judge, draft, texts: list[str]) -> None:
    """Two levels: the list scorer decides which lists are the scheme's chain lists (lead-in cues, stated
    count, how chain-like the items are, position against the mechanism, rank among the document's lists),
    then the item scorer keeps names within the kept lists (:meth:`_Draft.add_chains`)."""
    scored = [lst for lst in offered if not lst.structural and lst.names()]
    shares = {id(lst): known_industry_share(lst.names()) for lst in scored}
    best = max((share for lst in scored if len(lst.names()) > 1 for share in [shares[id(lst)]]), default=0.0)
    named_in = {name: sum(name in text for text in texts) for lst in scored for name in lst.names()}
    for chain_list in offered:
        target = draft(chain_list.region)
        if chain_list.structural:
            target.chains.extend(c for c, _ in chain_list.items if c not in target.chains)
            target.cite("key_chains", chain_list.evidence)
            continue
        if not chain_list.names():
            continue
        sentence = chain_list.evidence.sentence
        distance = None if cue_at is None or sentence is None else sentence - cue_at
        features = chain_list_features(chain_list.names(), chain_list.source, chain_list.evidence.text,
                                       chain_list.before, chain_list.promised, distance, shares[id(chain_list)],
                                       best > 0 and shares[id(chain_list)] == best, len(scored),
                                       chain_list.source == "title",
                                       sum(named_in[n] > 1 for n in chain_list.names()))
        text = "；".join(whole for whole, _ in chain_list.items)
        if judge.keep("chain_list", text, features, chain_list.region):
            target.add_chains(chain_list.items, chain_list.evidence, chain_list.source, chain_list.promised,
                              judge.probability("chain_list", features) if judge.models else 0.0)


def extract_chain_leader(doc: SegmentedDocument, sentence_region: dict[int, str], judge: Judge | None = None
                         ) -> tuple[list[ChainLeaderScheme], list[ChainRow]]:
    """Schemes (one per region the document describes) and chain rows of one document.  The structure
    rules propose candidates; ``judge`` (default: the trained scorer in models/) keeps or ranks them."""
    if not has_cue(doc):
        return [], []
    judge = judge or default_judge()
    drafts: dict[str, _Draft] = {}
    paragraphs = [s for s in doc.sentences if s.locator.startswith("p")]

    def draft(region: str) -> _Draft:
        return drafts.setdefault(region, _Draft(region, judge))

    _read_concepts_and_models(doc, paragraphs, sentence_region, draft)
    offered: list[ChainList] = []
    before = {s.index: previous.text for previous, s in zip(paragraphs, paragraphs[1:])}
    for sentence in paragraphs:
        region, evidence = sentence_region.get(sentence.index, ""), _evidence(doc, sentence)
        for source, names, promised in _chain_lists(sentence.text):
            offered.append(ChainList(region, names, evidence, source, promised, before.get(sentence.index, "")))
        for name in _named_chains(sentence.text):  # one chain named in prose (有色金属产业链链长…)
            offered.append(ChainList(region, [(name, (name,))], evidence, "mention", None,
                                     before.get(sentence.index, "")))
    offered += _clause_series(doc, paragraphs, sentence_region, before)
    title = doc.meta.title or (paragraphs[0].text if paragraphs else "")
    if CUE.search(title) and paragraphs:  # a one-chain scheme names its chain in the title
        names = [name for _, name in _chain_mentions(title)]
        offered.append(ChainList(sentence_region.get(paragraphs[0].index, ""), [(n, (n,)) for n in names],
                                 _evidence(doc, paragraphs[0]), "title", None, ""))
    item_rows, unattached, labelled = _chain_items(doc, paragraphs, sentence_region, draft)
    table_rows = _chain_table_rows(doc, sentence_region)
    for source, row in [("item", row) for row in item_rows.values()] + [("table", row) for row in table_rows]:
        # a row of a chain table (header with 链长/链主 columns), or a numbered item whose labelled lines
        # (链长：… / 链主企业：…) fill it — a table written as prose: structure decides
        structural = source == "table" or (row.region, row.chain) in labelled
        offered.append(ChainList(row.region, [(row.chain, (row.chain,))], row.evidence, source, None,
                                 before.get(row.evidence.sentence, ""), structural=structural))
    cue_at = next((s.index for s in paragraphs if CUE.search(s.text)), None)
    _keep_chain_lists(offered, cue_at, judge, draft, [s.text for s in paragraphs])
    _attach_to_one_chain(item_rows, unattached, doc, draft)
    _holders_of_dropped_rows(list(item_rows.values()), draft)
    rows = [row for row in [*item_rows.values(), *table_rows] if row.chain in draft(row.region).chains]
    schemes = [_freeze(d, doc.doc_id) for d in drafts.values() if d.region and (d.concept or d.model or d.chains or
                                                                             d.roles)]
    schemes += _comparison_table_schemes(doc)
    return schemes, [r for r in rows if r.region] + _rows_of_listed_chains(schemes, rows, doc.doc_id)


CLAUSE_HEAD = re.compile(
    r"^(?:[^，,。；;“”\"]{1,6}[，,])?\s*[“\"]?([^，,。；;、：:“”\"]{2,14}?)[”\"]?(?:产业链|产业集群|产业|链)"
    r"(?=要|将|应|需|已|正|也|[\u4e00-\u9fff]{4}(?:[\u4e00-\u9fff]{2})?[，,。；;])")
"""A clause that opens with a chain, after at most a short lead-in (其中，会议要求，), and goes on to say what it is
to do (新能源产业要统筹…；人工智能链创新领先，…)."""
SERIES_GAP = 2
"""Clause heads at most this many sentences apart belong to one series."""


def _clause_series(doc: SegmentedDocument, paragraphs: list[Sentence], sentence_region, before: dict[int, str]
                   ) -> list[ChainList]:
    """A list written as a series of clauses, each opening with one chain (生命健康产业要…；新能源产业要…；…, or
    one sentence per chain: 现代金融链扩容提质…。人工智能链创新领先…): the names of two or more such clauses
    in nearby sentences are offered as one list."""
    series: list[tuple[int, Sentence, list[str]]] = []  # (position, first sentence, names)
    for position, sentence in enumerate(paragraphs):
        clauses = re.split(r"[。；;]", strip_marker(sentence.text))
        heads = [name for clause in clauses if (head := CLAUSE_HEAD.match(clause.strip()))
                 and not MENTION_TAIL.search(head.group(1)) and (name := chain_name(head.group(1)))]
        if not heads:
            continue
        if series and position - series[-1][0] <= SERIES_GAP:
            series[-1] = (position, series[-1][1], unique([*series[-1][2], *heads]))
        else:
            series.append((position, sentence, unique(heads)))
    lists = []
    for _, first, names in series:
        if len(names) >= 2:
            items = [item for name in names for item in chain_list_readings(name)]
            lists.append(ChainList(sentence_region.get(first.index, ""), items, _evidence(doc, first), "series", None,
                                   before.get(first.index, "")))
    return lists


def _rows_of_listed_chains(schemes: list[ChainLeaderScheme], rows: list[ChainRow], doc_id: str) -> list[ChainRow]:
    """A chain row (leader fields empty) for every key chain no row holds yet: a chain listed only in
    prose (“重点培育A、B、C等三条产业链”) is still one of the region's chains."""
    held = {(r.region, normalise_chain(r.chain)) for r in rows}
    listed = []
    for scheme in schemes:
        evidence = next(iter(scheme.evidence.get("key_chains", ())), None)
        for chain in scheme.key_chains:
            if (scheme.region, normalise_chain(chain)) not in held:
                held.add((scheme.region, normalise_chain(chain)))
                listed.append(ChainRow(scheme.region, chain, doc_id=doc_id, evidence=evidence))
    return listed


def _evidence(doc: SegmentedDocument, sentence: Sentence) -> Evidence:
    return Evidence(doc.doc_id, sentence.text, sentence.index, sentence.locator)


ModelList = tuple[list[str], list[Sentence], str]
"""Candidate components of a scheme: the items, the sentences they were read from, and how (after / before /
next / headings / parts / slogan_parts / label_items / roles / counted / quoted_list)."""


@dataclass
class _Candidate:
    """A slogan of one region, over all its mentions: where it was first seen and what attests it."""

    concept: Concept
    counted: bool
    sentence: Sentence
    position: int
    in_lead: bool = False
    in_title: bool = False
    near_cue: bool = False
    mentions: int = 0
    model: ModelList | None = None

    def rank(self) -> tuple[bool, bool, int]:
        return self.model is not None, self.in_lead, -self.position

    def features(self, paragraphs: int, judge: Judge) -> dict[str, float]:
        """The slogan's features; it has a model when its candidate list is one the component scorer keeps
        (without a trained scorer: when it has a list at all)."""
        text, concept = self.sentence.text, self.concept
        body = unquote(QUOTED.match(concept.text).group(1)) if QUOTED.match(concept.text) else concept.text
        return concept_features(concept.text, body, text[max(0, concept.start - 6):concept.start], text[concept.end:],
                                counted=self.counted, in_title=self.in_title, in_lead=self.in_lead,
                                near_cue=self.near_cue, has_model=self._model_kept(judge), count=concept.count,
                                model_size=len(self.model[0]) if self.model else 0,
                                position=self.position / max(1, paragraphs), mentions=self.mentions, sentence=text,
                                items=label_items(concept.text))

    def _model_kept(self, judge: Judge) -> bool:
        if self.model is None:
            return False
        items, _, source = self.model
        return judge.probability("component", component_features(items, source, self.concept.count)) >= \
            judge.threshold("component")


LABEL_TAIL = re.compile(rf"的[“\"「‘][^“”\"「」‘’]{{1,8}}[”\"」’]{MECHANISM_SUFFIX}")
"""A label written as an enumeration may name the mechanism in quotes after it:
“链长统筹、链主带动、专班服务”的“链长制”工作机制."""


def label_items(concept: str) -> list[str]:
    """The parts of a label written as an enumeration (“链长统筹、链主带动、专班服务、省市协同”的工作格局 →
    链长统筹 … 省市协同; “一条产业链，一个牵头部门，一个工作专班”): ≥ 3 short items; [] for other slogans.
    Whether such a quote is the scheme's label or a plan's task list (“一个规划、两个图谱、三个清单”) is the
    scorer's decision (its items' agents and verbs are features)."""
    quoted = QUOTED.match(concept)
    body = quoted.group(1) if quoted else ""
    items = split_items(body) if re.search(r"[、，,].*[、，,]", body) else []
    return items if len(items) >= 3 and all(len(item) <= 12 for item in items) else []


COUNTED_LABEL = re.compile(rf"(?<=[\u4e00-\u9fff])(?<![零〇一二两三四五六七八九十百千])"
                           rf"(?=(({NUMERAL})[\u4e00-\u9fff][\u4e00-\u9fff、]{{0,14}}?{MECHANISM_NOUN}))")
"""An unquoted label that counts the enumeration written right before it: A、B、C、D四方发力、同频共振工作机制
(a lookahead: every numeral is a possible start, one inside an item must not hide the label's own)."""


def _counted_labels(text: str, taken: list[Concept]) -> list[Concept]:
    """Unquoted labels whose numeral counts the ≥ 3 items listed right before them in the clause
    (推行A、B、C、D四方发力、同频共振工作机制 → 四方发力、同频共振工作机制, promising 4): the enumeration is what
    makes such a phrase a label rather than prose, so the count must agree."""
    found = []
    for match in COUNTED_LABEL.finditer(text):
        label, end = match.group(1), match.start() + len(match.group(1))
        if any(c.start < end and match.start() < c.end for c in [*taken, *found]):
            continue
        clause = LIST_VERBS.sub("", re.split(r"[，,：:。；;]", text[:match.start()])[-1])
        items = split_items(clause) if "、" in clause else []
        if len(items) >= 3 and cn_number(match.group(2)) == len(items):
            found.append(Concept(label, match.start(), end, len(items)))
    return found


def concept_candidates(text: str) -> list[tuple[Concept, bool]]:
    """Every slogan a sentence offers, with whether it is counted: the counted slogans of :func:`find_concepts`,
    unquoted labels counting the enumeration before them (:func:`_counted_labels`), and quoted labels with a
    mechanism noun (“链长+链主”工作体系 is counted; “链长制”工作机制 is not)."""
    counted = find_concepts(text)
    counted += _counted_labels(text, counted)
    found = [(c, True) for c in counted]
    for match in QUOTED.finditer(text):
        if any(c.start <= match.start() < c.end for c in counted):
            continue
        suffix = re.match(MECHANISM_SUFFIX, text[match.end():])
        if label_items(match.group(0)) and (tail := LABEL_TAIL.match(text[match.end():])) and \
                re.search(rf"{MECHANISM_NOUN}$", tail.group(0)):
            suffix = tail
        if suffix and suffix.group(0):
            found.append((Concept(text[match.start():match.end() + len(suffix.group(0))], match.start(),
                                  match.end() + len(suffix.group(0)), None), False))
    return sorted(found, key=lambda pair: pair[0].start)


def _read_concepts_and_models(doc, paragraphs: list[Sentence], sentence_region, draft) -> None:
    """Each region's concept is the slogan the judge scores highest (without a trained judge: one whose
    components are enumerated or defined beats one in the title or first paragraph, which beats a passing
    mention near the mechanism).  The components are read at whichever mention enumerates them (a heading
    “三、建立“九个一”工作机制” is often followed by the sentence that does), and the judge keeps the items
    that are components."""
    lead = {s.locator for s in paragraphs[:2]}
    candidates: dict[str, dict[str, _Candidate]] = {}
    for position, sentence in enumerate(paragraphs):
        region = sentence_region.get(sentence.index, "")
        concepts = concept_candidates(sentence.text)
        for order, (concept, counted) in enumerate(concepts):
            last_in_sentence = order == len(concepts) - 1
            model = _model_after(concept, position, paragraphs, look_beyond=last_in_sentence)
            in_title = bool(doc.meta.title) and normalise_concept(concept.text) in normalise_concept(doc.meta.title)
            in_lead = sentence.locator in lead
            near_cue = _near_cue(position, paragraphs)
            if not (model or in_lead or in_title or near_cue):
                continue
            known = candidates.setdefault(region, {}).setdefault(
                normalise_concept(concept.text), _Candidate(concept, counted, sentence, position))
            known.in_lead, known.in_title = known.in_lead or in_lead, known.in_title or in_title
            known.near_cue = known.near_cue or near_cue
            known.mentions += 1
            if model and (not known.model or known.model[2] == "slogan_parts" != model[2]):
                known.model = model  # a mention that enumerates the components beats the slogan's own parts
    for region, found in candidates.items():
        scheme = draft(region)
        judge = scheme.judge
        scored = []
        for candidate in found.values():
            features = candidate.features(len(paragraphs), judge)
            kept = judge.keep("concept", candidate.concept.text, features, region)
            if candidate.counted or judge.models:
                scored.append((judge.probability("concept", features), kept, candidate))
        if not scored:
            continue
        if judge.models:
            scored.sort(key=lambda item: (-item[0], item[2].position))
        else:
            scored.sort(key=lambda item: item[2].rank(), reverse=True)
        _, kept, best = scored[0]
        if kept:
            scheme.concept = best.concept.text
            scheme.cite("concept", _evidence(doc, best.sentence))
            if best.model:  # a rejected slogan's list is no model
                _take_model(doc, scheme, best.model, best.concept.count)
            if not scheme.model and (roles := _stated_roles(paragraphs, region, sentence_region)):
                _take_model(doc, scheme, roles, best.concept.count)
        for other in found.values() if scheme.judge.record is not None else ():
            if other is not best and other.model:  # every slogan's list is a labelled candidate; the concept's counts
                scheme.judge.keep("component", "；".join(other.model[0]),
                                  component_features(other.model[0], other.model[2], other.concept.count), region)
    for sentence in paragraphs:
        scheme = draft(sentence_region.get(sentence.index, ""))
        fallbacks = []
        if (CUE.search(sentence.text) or CHAIN_NOUN.search(sentence.text)) and \
                (items := _counted_enumeration(sentence.text)):
            fallbacks.append((items, [sentence], "counted"))
        if CUE.search(sentence.text) and (items := _quoted_enumeration(sentence.text)):
            fallbacks.append((items, [sentence], "quoted_list"))
        for fallback in fallbacks:
            if not scheme.model:
                _take_model(doc, scheme, fallback, None)
            elif scheme.judge.record is not None:  # labelled even when a label's list came first, as at run time
                scheme.judge.keep("component", "；".join(fallback[0]), component_features(fallback[0], fallback[2], None),
                                  scheme.region)


def _stated_roles(paragraphs: list[Sentence], region: str, sentence_region) -> ModelList | None:
    """The roles a text assigns in prose (总链长由区长担任，每条产业链由一位区级领导担任链长…; 以…任产业链“链长”):
    the parts of a labelled scheme whose components are described rather than enumerated.  A named office is
    a part as the text names it (成立链长制统筹推进办公室 → 链长制统筹推进办公室, not the role name 链长办)."""
    roles: list[str] = []
    used: list[Sentence] = []
    for sentence in paragraphs:
        if sentence_region.get(sentence.index, "") != region or not CUE.search(sentence.text):
            continue
        found = [part for claim in role_claims(sentence)
                 if (part := claim.holder if claim.pattern == "OFFICE" else claim.role) not in roles]
        if found:
            roles += unique(found)
            used.append(sentence)
    return (roles, used, "roles") if len(roles) >= 2 else None


QUOTED_LIST = re.compile(r"[“\"「]([^“”\"「」\n]{6,90})[”\"」]")


def _quoted_enumeration(text: str) -> list[str]:
    """The parts of a principle quoted whole: 按照“一个产业链、一个方案、四个清单、一套班子、一抓到底”的原则.
    In a quoted remark the enumeration is the clause that holds it (“一名链长、一个智库、一张图谱、一支队伍，
    目前，…”): the clauses after it are no parts."""
    for match in QUOTED_LIST.finditer(text):
        clause = next((c for c in re.split(r"[，,。；;！？]", match.group(1)) if c.count("、") >= 2), "")
        if len(items := split_items(clause)) >= 3:
            return items
    return []


def _take_model(doc: SegmentedDocument, scheme: _Draft, model: ModelList, promised: int | None) -> None:
    """A candidate list becomes the scheme's model when the judge keeps it, or when the numbered headings after
    the slogan are exactly as many as it promises (numeral agreement: “五链协同” and （一）…（五）)."""
    items, used, source = model
    kept = items and scheme.judge.keep("component", "；".join(items), component_features(items, source, promised),
                                       scheme.region)
    if kept or (items and source == "headings" and promised == len(items)):
        scheme.model = items
        for sentence in used:
            scheme.cite("model", _evidence(doc, sentence))


def _near_cue(position: int, paragraphs: list[Sentence]) -> bool:
    window = paragraphs[max(0, position - 2):position + 3]
    return any(CUE.search(s.text) or CHAIN_NOUN.search(s.text) for s in window)


def _model_after(concept: Concept, position: int, paragraphs: list[Sentence], look_beyond: bool = True
                 ) -> ModelList | None:
    """Components of a concept (see :func:`_enumerated_model`); a slogan that names its parts
    (“链长+链主”) has those parts as components unless the text introduces an enumeration (…机制，具体为：)
    or its sentence enumerates as many items as there are parts (工委书记任总链长、管委主任任链长、龙头企业任链主);
    the next sentence's items count only when each holds its part (链长统筹推进；链主带动配套), not two clauses
    of any sentence (下一步，…)."""
    if items := label_items(concept.text):
        return items, [paragraphs[position]], "label_items"
    enumerated = _enumerated_model(concept, position, paragraphs, look_beyond)
    parts = slogan_parts(concept.text)
    introduced = bool(ENUMERATION_LEAD.match(paragraphs[position].text[concept.end:]))
    same_count = bool(enumerated) and len(enumerated[0]) == len(parts) and (
        enumerated[2] != "next" or all(part in item for part, item in zip(parts, enumerated[0])))
    if parts and not (enumerated and (introduced or same_count)):
        return parts, [paragraphs[position]], "slogan_parts"
    return enumerated


def _enumerated_model(concept: Concept, position: int, paragraphs: list[Sentence], look_beyond: bool = True
                      ) -> ModelList | None:
    """Components of a concept, looked for in its sentence, the two sentences after it, then the numbered
    items after it.  Only the last slogan of a sentence may claim what follows the sentence: in
    “坚持“一链一策”，构建“三链融合”格局。（一）…” the items belong to 三链融合."""
    sentence = paragraphs[position]
    defined = _part_definitions(concept, paragraphs[position:position + 5])
    if defined:
        return (*defined, "parts")
    least = 2 if (concept.count or 3) <= 2 else 3
    after = sentence.text[concept.end:]
    lead = ENUMERATION_LEAD.match(after)
    items = split_items(after[lead.end():] if lead else after)
    if _is_enumeration(items, concept, least, bool(lead)):
        return items, [sentence], "after"
    # A、B、C的“X”机制: 的 binds the list to the slogan — unless the list is quoted, a label candidate of its own
    bound = bool(re.search(r"[^”\"」’]的\s*$", sentence.text[:concept.start]))
    before = re.sub(r"的\s*$", "", sentence.text[:concept.start])
    before = LIST_VERBS.sub("", re.split(r"[，,：:]", before)[-1]) if before else ""
    items = _without_lead_word(split_items(before))
    if _is_enumeration(items, concept, least, bound):
        return items, [sentence], "before"
    if not look_beyond:
        return None
    for following in paragraphs[position + 1:position + 3]:
        if find_concepts(following.text):
            return None  # a later mention of the slogan, read in its own turn
        if item_marker(following.text):
            break
        if ADDRESSEE.match(following.text):
            continue
        lead = ENUMERATION_LEAD.match(following.text)
        items = split_items(following.text[lead.end():] if lead else following.text)
        if _is_enumeration(items, concept, least, bool(lead)):
            return items, [following], "next"
    headings = _numbered_headings(position, paragraphs, concept.count)
    return (*headings, "headings") if headings else None


ADOPTS = re.compile(r"(?:推行|实行|建立|构建|健全|落实)$")
"""How a clause adopts a mechanism; jieba writes some with their adverb as one word, tagged as a noun (全面推行)."""


def _without_lead_word(items: list[str]) -> list[str]:
    """An enumeration read back from a slogan keeps the clause's verb or preposition on its first item
    (通过链长牵总、盟长搭台…, 全面落实产业链链长、行业协会会长…, 全面推行产业链办、…): up to two such words are
    dropped."""
    words = tokenize(items[0]) if items else []
    for _ in range(2):
        if len(words) < 2 or len("".join(words[1:])) < 2:
            break
        tag = word_tag(words[0])
        if not (tag[:1] in ("v", "p", "d", "i") and tag != "vn" or LEAD_IN_WORD.match(words[0])
                or (not tag and VERBS.match(words[0])) or ADOPTS.search(words[0])):
            break
        words = words[1:]
    return ["".join(words), *items[1:]] if words else items


def slogan_parts(concept: str) -> list[str]:
    """The named parts of a slogan that lists its components itself: “链长+链主” → 链长、链主;
    “一链一专班一机构” → 一链、一专班、一机构.  Numeral parts (“1+N”) and two-part 一X一Y slogans
    (“一链一策”, a motto rather than a list) name none."""
    quoted = QUOTED.search(concept)
    body = quoted.group(1).strip() if quoted else ""
    parts = [p.strip() for p in re.split(r"[+＋]", body)]
    if len(parts) >= 2 and not any(re.fullmatch(rf"(?:{NUMERAL}|[NnXx])\S{{0,6}}", p) or
                                   re.match(rf"^(?:{NUMERAL}|[NnXx])[个项张条名家大]", p) for p in parts):
        return unique(parts)
    ones = re.findall(r"一[^一]+", body)
    if len(ones) >= 3 and "".join(ones) == body:
        return ones
    return []


def _is_enumeration(items: list[str], concept: Concept, least: int, introduced: bool) -> bool:
    """Components, not prose: counted items (一张图谱、两张清单), as many as the slogan promises,
    or ≥ ``least`` items introduced by 即/：/包括."""
    if len(items) >= 2 and _counted_share(items):
        return True
    return len(items) == concept.count or (introduced and len(items) >= least)


def _part_definitions(concept: Concept, window: list[Sentence]) -> tuple[list[str], list[Sentence]] | None:
    """Components of a slogan with several parts, each defined in the text:
    “1”是组建一个产业链工作专班；“N”是…，包括A、B和C  /  “1个图谱”指…，“N张清单”指…"""
    parts = [p.strip() for body in QUOTED.findall(concept.text) for p in re.split(r"[+＋]", body)]
    if len(parts) < 2:
        return None
    components: list[str] = []
    used: list[Sentence] = []
    for part in parts:
        for sentence in window:
            # (?:…|^): the sentencizer may leave the opening quote at the end of the previous sentence
            match = re.search(rf"(?:[“\"「]|^){re.escape(part)}[”\"」]\s*(?:是|指|即|为|：|:)", sentence.text)
            if not match:
                continue
            definition = re.split(r"[；;。“\"「]", sentence.text[match.end():])[0]
            listed = re.search(r"(?:包括|即|：|:)", definition)
            if listed and len(items := split_items(definition[listed.end():])) >= 2:
                components += items
            else:
                components.append(trim_to_count(normalise_item(re.split(r"[，,]", definition)[0])))
            used.append(sentence)
            break
    if len(components) >= len(parts):
        return unique(components), unique(used)
    return _parts_in_prose(parts, window)


PART_DEFINED = r"(?:由|是|为|指|负责|：|:)"
"""How prose explains a named part of a slogan: 链长由市领导担任, 专家是…"""
PART_CLASSIFIER = r"(?:名|家|个|位|条|支|套|项|张|类|批)"
CLAUSE_TAIL = re.compile(r"(?:共同|协同|合力|一起)(?:推进|推动|促进|服务)[^、，,；;。]*$")


def _parts_in_prose(parts: list[str], window: list[Sentence]) -> tuple[list[str], list[Sentence]] | None:
    """Unquoted explanations of a +-slogan's own parts, in the slogan's order.  A named part that prose
    defines (“链长+链主+专家”: 链长由…担任，链主由…担任，专家由…组成) is the component itself; a counted
    part (“4+4+N”: 4名新区领导任链长、4家链主企业领航、N家配套企业协同) is the phrase it opens, up to
    the clause end.  Every part must be found, each after the previous one."""
    text = "".join(s.text for s in window)
    components, cursor = [], 0
    for part in parts:
        counted = bool(re.fullmatch(rf"{NUMERAL}|[Nn]", part))
        pattern = rf"(?<![\d.]){re.escape(part)}{PART_CLASSIFIER}[^、，,；;。]+" if counted \
            else rf"(?<![“\"「]){re.escape(part)}(?=\s*{PART_DEFINED})"
        match = re.compile(pattern).search(text, cursor)
        if not match:
            return None
        phrase = match.group(0)
        components.append(CLAUSE_TAIL.sub("", phrase) or phrase)
        cursor = match.end()
    used = [s for s in window if any(c in s.text for c in components)]
    return unique(normalise_item(c) for c in components), used


def _numbered_headings(position: int, paragraphs: list[Sentence], count: int | None
                       ) -> tuple[list[str], list[Sentence]] | None:
    """Headings of the numbered items that follow a concept: （一）一条产业链。（二）一位市领导。…"""
    style, headings, used = "", [], []
    current_paragraph = paragraphs[position].locator
    for sentence in paragraphs[position + 1:]:
        marker = item_marker(sentence.text)
        new_paragraph = sentence.locator != current_paragraph
        current_paragraph = sentence.locator
        if not marker:
            if new_paragraph and headings:
                break
            if new_paragraph and not headings and len(used) >= 1:
                return None
            used.append(sentence)
            continue
        if style and marker_style(marker) != style:
            if outranks(marker_style(marker), style):
                break  # the next section (四、…) after （一）…（三）
            continue  # a sub-item (1.…) inside the current component's body
        style = marker_style(marker)
        heading = normalise_item(re.split(r"[，,]", heading_of(sentence.text))[0])
        if heading:
            headings.append(heading)
            used.append(sentence)
        if count and len(headings) == count:
            break
    if len(headings) >= 2:
        return unique(headings), [s for s in used if item_marker(s.text)]
    return None


def _counted_share(items: list[str]) -> bool:
    counted = sum(1 for item in items if re.match(rf"{NUMERAL}(?:个|套|批|支|名|条|位|张|项|份|抓|大|只|本|家)", item))
    return counted >= 0.6 * len(items)


COUNTED_TAIL = re.compile(rf"{CLAUSE_TAIL.pattern}|的[\u4e00-\u9fff]{{0,6}}?{MECHANISM_NOUN}$")
"""What follows the last counted item in its clause: 协同推进的工作格局, 的推进机制."""


def _counted_enumeration(text: str) -> list[str]:
    """An enumeration of ≥3 counted items (一位省领导、一个牵头部门、一套支持政策) — a model without a slogan —
    in a clause, else in a comma-delimited part of one (…，形成18名市领导、8个牵头部门和36个责任部门协同推进的
    工作格局，…: a trailing 协同推进… dropped)."""
    clauses = re.split(r"[。；;：:]", text)
    for clause in [*clauses, *(part for whole in clauses for part in re.split(r"[，,]", whole))]:
        items = split_items(LIST_VERBS.sub("", clause) if "、" in clause else "")
        items = [COUNTED_TAIL.sub("", item) or item for item in items]
        if len(items) >= 3 and all(re.match(rf"{NUMERAL}(?:个|套|批|支|名|条|位|张|项|份)", i) for i in items):
            return items
    return []


Readings = list[tuple[str, tuple[str, ...]]]
"""A chain list's items, each whole and as the splitting rule reads it (see text.chain_list_readings)."""


def _chain_lists(text: str) -> list[tuple[str, Readings, int | None]]:
    """Enumerations of chain names anchored on a chain noun, before it (A、B等十大产业链) or after it (产业链包括：A、B),
    as (how it was found, names, the count the text promises: 十大 → 10).  What follows the anchor (产业链现代化,
    产业链链长制) only matters to a list after it: the names before it are chains whatever the sentence goes on to say."""
    lists: list[tuple[str, Readings, int | None]] = []
    refused: list[Readings] = []  # a plan's cluster list beside its chain list: not offered again as an enumeration
    for anchor in LIST_ANCHOR.finditer(text):
        after = text[anchor.end():]
        continues = ANCHOR_CONTINUES.match(after) or ROLE_AFTER_ANCHOR.match(after)
        lead = None if continues else re.match(
            r"^[^，。；、]{0,8}?(?:包括|分别是|分别为|为|是|有|涵盖|即)?[：:（(]|^(?:包括|分别是|分别为|为|即|涵盖)", after)
        if lead:
            # after a colon the list may run over commas; after a bare 为/包括 (以优势产业链为重点，…) only its clause
            ends = r"[。；;]" if re.search(r"[：:（(]$", lead.group(0)) else r"[。；;，,]"
            body = next(iter(_unbalanced_bracket_parts(re.split(ends, after[lead.end():])[0])), "")
            names, source, promised = chain_list_readings(body), "after_chain_noun", _promised(text[:anchor.start()])
        else:
            clause = re.split(r"[：:。；;！？，,]", text[:anchor.start()])[-1]
            clause = OTHER_LIST_BEFORE.sub("", clause)  # A、B等7大产业集群和C、D等12个(产业链): the list starts at C
            promised = _promised(clause)
            clause = COUNT_TAIL.sub("", clause)  # A、B等8条工业新兴优势(产业链): the list ends at 等
            clause = _cut_at_etc(clause)
            clause = LIST_TAIL.sub("", LIST_VERBS.sub("", clause)) if "、" in clause else ""
            names, source = (chain_list_readings(clause) if "等" not in clause else []), "before_chain_noun"
        if _beside_chain_list(text, anchor):
            refused.append(names)
        elif len(names) >= 2 and all(names != known for _, known, _ in lists):
            lists.append((source, names, promised))
    return lists + [("enumeration", names, promised) for names, promised in _industry_enumerations(text)
                    if all(names != known for known in [*refused, *(known for _, known, _ in lists)])]


LIST_ANCHOR = re.compile(rf"{CHAIN_NOUN.pattern}|链条")
"""What a chain list may be anchored on: a chain noun, or 链条 alone (…等9条区级核心链条)."""
COUNT_TAIL = re.compile(rf"等\s*(?:{NUMERAL})\s*(?:条|个|大|项|类|种)[^、，。；]*$")
OTHER_LIST_BEFORE = re.compile(rf"^.*(?:{CHAIN_NOUN.pattern})(?:以及|和|及|与|、)")
"""A clause holding two lists, the first closed by its own chain noun (…7大产业集群和A、B等12个产业链)."""
PAIRED_LISTS = re.compile(rf"(?:{CHAIN_NOUN.pattern})(?:以及|和|及|与|、)[^，,。；;：:]*?(?:{CHAIN_NOUN.pattern})")
"""Two lists joined in one clause, each closed by its own chain noun (…7大产业集群和A、B等12个产业链)."""


def _beside_chain_list(text: str, anchor: re.Match[str]) -> bool:
    """The anchor is a cluster noun (集群) closing one of two lists joined in a clause, the other closed by
    产业链: a plan names its clusters beside its chains (发展A、B 7大产业集群和C、D等12个产业链), and a
    链长制 is about the chains, so the cluster list is no candidate."""
    if "集群" not in anchor.group(0):
        return False
    for pair in PAIRED_LISTS.finditer(text):
        if pair.start() <= anchor.start() < pair.end():
            nouns = [m for m in CHAIN_NOUN.finditer(pair.group(0))]
            return any("链" in m.group(0) for m in nouns)
    return False


ETC_TAIL = re.compile(r"等([^、等]{1,12})$")
"""A list's closing 等 followed by a description without a count (…、电驱防爆等一批超百亿级(产业链))."""
NOT_A_DESCRIPTION = re.compile(rf"作为|成为|列为|纳入|进入|{VERBS.pattern}|领域|方面")
"""What after a list's 等 shows the list is no chain list: a verb (A、B等作为产业链重点支撑单位) or areas holding
the chains (先进制造业、现代服务业等领域的21条重点产业链)."""


def _cut_at_etc(clause: str) -> str:
    """The clause up to its list's closing 等 when a short description without items follows it — a description,
    not a verb or an area (:data:`NOT_A_DESCRIPTION`)."""
    match = ETC_TAIL.search(clause) if "、" in clause else None
    return clause[:match.start()] if match and not NOT_A_DESCRIPTION.search(match.group(1)) else clause


def _promised(text: str) -> int | None:
    """The count a chain list announces at its end (…等十大产业链, …7个先进制造业集群), None when it states none."""
    count = re.search(rf"({NUMERAL})\s*(?:条|个|大|项)[^、，。；]{{0,10}}$", text)
    return cn_number(count.group(1)) if count else None


LIST_END = re.compile(rf"等?\s*({NUMERAL})\s*(?:条|个|大|项|类|种)")
"""The count that closes an enumeration without a chain noun (…、检验检测服务业等21个产业…, …、新能源4个新兴产业)."""


def _enumeration_clauses(text: str) -> list[tuple[str, int | None]]:
    """The clauses of a sentence that may hold an enumeration, each with the count that closes it: cut at
    clause punctuation, at a bracket the clause does not close (…完善(电子信息、航空4个新兴产业，…) and at the
    count after the last item (…、检验检测服务业等21个产业规模实力强、产业链条完善 → the list ends at 等21个)."""
    found = []
    for clause in re.split(r"[：:。；;！？，,]", text):
        for part in _unbalanced_bracket_parts(clause):
            first_item = part.find("、")
            end = LIST_END.search(part, first_item) if first_item >= 0 else None
            found.append((part[:end.start()], cn_number(end.group(1))) if end else (part, None))
    return found


def _unbalanced_bracket_parts(clause: str) -> list[str]:
    """A clause split at the brackets it does not close or open itself; a bracket closed inside the clause
    (高端精细化工(含生物制造)) stays in its item."""
    cuts, opened = [], []
    for i, ch in enumerate(clause):
        if ch in "（(":
            opened.append(i)
        elif ch in "）)":
            if opened:
                opened.pop()
            else:
                cuts.append(i)
    cuts = sorted(cuts + opened)
    bounds = [-1, *cuts, len(clause)]
    return [clause[a + 1:b] for a, b in zip(bounds, bounds[1:]) if clause[a + 1:b]]


def _industry_enumerations(text: str) -> list[tuple[Readings, int | None]]:
    """Chain lists without a chain noun (重点发展A、B、C和D; a flattened table's chain column): every
    enumeration of ≥ 2 short names (≤ 12 characters; an item's modifier clause ending in 的 not counted:
    以甲为链主的肉食品加工) — the judge tells industries from other lists — with the count that closes it."""
    lists = []
    for clause, promised in _enumeration_clauses(text):
        if "、" not in clause:
            continue
        clause = LIST_TAIL.sub("", re.sub(rf"(?:{CHAIN_NOUN.pattern})$", "", LIST_VERBS.sub("", clause)))
        names = chain_list_readings(clause)
        if len(names) >= 2 and all(len(whole.rsplit("的", 1)[-1]) <= 12 for whole, _ in names):
            lists.append((names, promised))
    return lists


Unattached = list[tuple[str, RoleClaim, Sentence]]
"""链主 / 牵头单位 claims that name no chain, with their region and sentence."""


def _chain_items(doc: SegmentedDocument, paragraphs: list[Sentence], sentence_region, draft
                 ) -> tuple[dict[tuple[str, str], ChainRow], Unattached, set[tuple[str, str]]]:
    """Chains named by numbered items or by prose that gives them a 链长/链主/牵头单位, keyed by (region, chain),
    the claims that name no chain (other claims fill scheme roles), and the rows a numbered item's labelled
    lines (链长：… / 链主企业：…) fill."""
    rows: dict[tuple[str, str], ChainRow] = {}
    labelled: set[tuple[str, str]] = set()
    unattached: list[tuple[str, RoleClaim, Sentence]] = []
    item_chain, item_paragraph = "", ""
    for sentence in paragraphs:
        region = sentence_region.get(sentence.index, "")
        if sentence.locator != item_paragraph:
            item_paragraph = sentence.locator
            if item_marker(sentence.text):
                item_chain = _heading_chain(sentence.text)
            elif not LABELLED_FIELD.match(sentence.text):
                item_chain = ""  # only labelled lines (链长：… / 链主企业：…) continue an item over paragraphs
        # a role word the Matcher can read (链长张某出席…) counts in a document that states the mechanism
        claims = role_claims(sentence) if CUE.search(sentence.text) or "牵头" in sentence.text or \
            any(token in ROLE_FIELDS or OFFICE.search(token) for token in sentence.tokens) else []
        for claim in claims:
            per_chain = claim.role in ("链长", "链主", "牵头单位")
            chain = (_chain_near(sentence.text, claim) or item_chain) if per_chain else ""
            if not (chain or claim.role in SCHEME_ROLES and (CUE.search(sentence.text) or claim.pattern == "OFFICE")
                    or per_chain):
                continue
            features = holder_features(claim.role, claim.holder, claim.pattern, sentence.text, chain)
            if not draft(region).judge.keep("holder", claim.holder, features, region, claim.role):
                continue
            if chain:
                key = (region, chain)
                row = rows.get(key) or ChainRow(region, chain, doc_id=doc.doc_id, evidence=_evidence(doc, sentence))
                rows[key] = _fill(row, claim)
                if chain == item_chain and LABELLED_FIELD.match(sentence.text):
                    labelled.add(key)
            elif per_chain and claim.role != "链长":
                unattached.append((region, claim, sentence))
            else:
                _add_scheme_role(draft(region), claim.role, claim.holder, _evidence(doc, sentence))
        if item_chain and CHAIN_NOUN.search(heading_of(sentence.text)) and (region, item_chain) not in rows:
            rows[(region, item_chain)] = ChainRow(region, item_chain, doc_id=doc.doc_id, evidence=_evidence(doc, sentence))
    return rows, unattached, labelled


def _attach_to_one_chain(rows: dict[tuple[str, str], ChainRow], unattached: Unattached, doc: SegmentedDocument,
                         draft) -> None:
    """A one-chain scheme's 链主 / 牵头单位 need not name the chain: once the kept chains are known, such a
    claim fills the row of the region's only chain."""
    for region, claim, sentence in unattached:
        chains = unique([*draft(region).chains, *(chain for r, chain in rows if r == region)])
        if len(chains) == 1:
            row = rows.get((region, chains[0])) or ChainRow(region, chains[0], doc_id=doc.doc_id,
                                                            evidence=_evidence(doc, sentence))
            rows[(region, chains[0])] = _fill(row, claim)
        else:  # 以甲为链主的肉食品加工…: the firm is the scheme's, its chain unnamed or not one of the kept ones
            _add_scheme_role(draft(region), claim.role, claim.holder, _evidence(doc, sentence))


def _add_scheme_role(scheme: _Draft, role: str, holder: str, evidence: Evidence) -> None:
    """A holder the scheme row states without a kept chain: several holders of one role (链主 甲、乙; 链长
    省级领导 and 相关部门领导) are listed, each once."""
    held = scheme.roles.get(role, "")
    if holder not in re.split(r"[、，,；;]", held) and holder != held:
        scheme.roles[role] = f"{held}、{holder}" if held else holder
        scheme.cite("roles", evidence)


def _holders_of_dropped_rows(rows: list[ChainRow], draft) -> None:
    """A 链长/链主/牵头单位 stated for a chain the scorer did not keep (重点产业链链长由市级领导担任 reads 重点 as a
    chain) still belongs to the region's scheme: its holders fill the scheme's roles."""
    for row in rows:
        if row.chain not in draft(row.region).chains:
            for role, holder in (("链长", row.chain_leader), ("链主", row.chain_owner), ("牵头单位", row.lead_unit)):
                if holder and row.evidence is not None:
                    _add_scheme_role(draft(row.region), role, holder, row.evidence)


def _heading_chain(text: str) -> str:
    """The chain a numbered item is about: its heading when it names one (集成电路产业链 /
    集成电路（链长：…） / 集成电路：链长…)."""
    body = strip_marker(text)
    heading = re.split(r"[（(]", re.split(r"[，,]", heading_of(text))[0])[0].strip()
    labelled = re.match(r"^[（(：:\s]*(?:链长|链主|牵头)", body[len(heading):])
    if re.search(rf"(?:{CHAIN_NOUN.pattern})$", heading) or labelled:
        return chain_name(heading)
    return ""


def _chain_mentions(text: str) -> list[tuple[int, str]]:
    """(offset, name) of every single chain named in prose: the words right before 产业链/产业集群,
    the longest known industry name if one ends there, else back to the nearest verb or punctuation."""
    known = industry_names()
    found = []
    for anchor in CHAIN_NOUN.finditer(text):
        if ANCHOR_CONTINUES.match(text[anchor.end():]):
            continue
        prefix = text[max(0, anchor.start() - 16):anchor.start()]
        lexical = [prefix[-k:] for k in range(len(prefix), 1, -1) if normalise_chain(prefix[-k:]) in known]
        written = strip_marker(NAME_BOUNDARY.split(prefix)[-1])
        # a known name is the head; modifiers written before it belong to the name (新+能源装备)
        raw = written if not lexical or (written.endswith(lexical[0]) and chain_name(written)) else lexical[0]
        name = chain_name(raw)
        if name:
            found.append((anchor.start() - len(raw), name))
    return found


MENTION_TAIL = re.compile(r"(?:重点|标志性|战略性|新兴|支柱|主导|优势|特色|传统|核心|关键|首批|部分|相关|主要|其他|多|各|该|本|"
                          r"市级|省级|区级|县级|全)$")


MENTION_WINDOW = 20
"""How far back from 产业链 a prose mention's name may start (滚动功能部件及特色工业机器人 is 14 characters)."""


def _named_chains(text: str) -> list[str]:
    """The words right before each 产业链/产业集群 back to the nearest verb or punctuation (纳米新材料产业链
    → 纳米新材料), as written: unlike :func:`_chain_mentions`, no lexicon decides where the name starts."""
    names = []
    for anchor in CHAIN_NOUN.finditer(text):
        if _beside_chain_list(text, anchor):
            continue
        if not ANCHOR_CONTINUES.match(text[anchor.end():]) or text.startswith("链长", anchor.end()):
            prefix = text[max(0, anchor.start() - MENTION_WINDOW):anchor.start()]
            pieces = NAME_BOUNDARY.split(prefix)
            if len(pieces) == 1 and anchor.start() > MENTION_WINDOW:
                continue  # no boundary in sight: where the name starts is unknown
            if MENTION_TAIL.search(pieces[-1]):
                continue  # 重点产业链, 部分产业链, 工业新兴优势产业链: a kind of chain, not one chain
            if name := _mention_name(pieces[-1]):
                names.append(name)
    return unique(names)


def _chain_near(text: str, claim: RoleClaim) -> str:
    """The chain a claim is about: the chain named inside the claim (甲担任集成电路产业链链长，乙担任新型显示
    产业链链长), else the named chain closest before the claim, else the first one after it in the same clause
    (由甲担任集成电路产业链链长)."""
    candidates = _specific_mentions(text)
    inside = [name for pos, name in candidates if claim.start <= pos < claim.end]
    if inside:
        return inside[-1]
    before = [name for pos, name in candidates if pos <= claim.start]
    if before:
        return before[-1]
    clause_end = re.search(r"[，,。；;]", text[claim.start:])
    limit = claim.start + clause_end.start() if clause_end else len(text)
    return next((name for pos, name in candidates if claim.start < pos < limit), "")


def _specific_mentions(text: str) -> list[tuple[int, str]]:
    """:func:`_chain_mentions`, with a mention of a kind of chain (其他12条重点产业链, 21个重点产业链) as (offset, ''):
    a claim after it (…重点产业链由相关部门领导担任链长) is about those chains, not the one named before."""
    kinds = {anchor.start() for anchor in CHAIN_NOUN.finditer(text)
             if MENTION_TAIL.search(text[max(0, anchor.start() - 16):anchor.start()])}
    anchors = [anchor.start() for anchor in CHAIN_NOUN.finditer(text)]
    return [(pos, "" if next((a for a in anchors if a >= pos + len(name)), -1) in kinds else name)
            for pos, name in _chain_mentions(text)]


def _fill(row: ChainRow, claim: RoleClaim) -> ChainRow:
    attribute = {"链长": "chain_leader", "链主": "chain_owner", "牵头单位": "lead_unit"}[claim.role]
    return row if getattr(row, attribute) else replace(row, **{attribute: claim.holder})


def _chain_table_rows(doc: SegmentedDocument, sentence_region: dict[int, str]) -> list[ChainRow]:
    rows = []
    for record in tables.records(doc, CHAIN_TABLE, required=("chain",)):
        chain = chain_name(record.get("chain"))
        if not chain:
            continue
        region = sentence_region.get(record.row_evidence.sentence, "") if record.row_evidence.sentence is not None else ""
        owners = "、".join(unique(re.split(r"[、，,；;\n]", record.get("chain_owner"))))
        rows.append(ChainRow(region, chain, chain_leader=record.get("chain_leader"), chain_owner=owners,
                             lead_unit=record.get("lead_unit"), doc_id=doc.doc_id, evidence=record.cells["chain"].evidence))
    return rows


def _comparison_table_schemes(doc: SegmentedDocument) -> list[ChainLeaderScheme]:
    """Tables with one region per row (地区｜发展理念｜发展模式｜重点产业链): one scheme per row."""
    schemes = []
    for record in tables.records(doc, COMPARISON_TABLE, required=("region",), min_columns=3):
        region = canonical_region(record.get("region"))
        if not region:
            continue
        concept = re.sub(r"\s+", "", record.get("concept"))
        model = tuple(_cell_components(concept, record.get("model")))
        chains = tuple(split_chain_list(record.get("key_chains")))
        evidence = {name: (cell.evidence,) for name, cell in record.cells.items() if name != "region"}
        roles = _cell_roles(record.get("model"))
        if roles:
            evidence["roles"] = evidence["model"]
        schemes.append(ChainLeaderScheme(region, concept, model, chains, roles, (doc.doc_id,),
                                         evidence, numeral_flags(concept, model)))
    return schemes


def _cell_roles(cell: str) -> dict[str, str]:
    """总链长/链长… holders a model cell states (总链长为省政府主要领导，链长为副省长): in a comparison
    table they describe the region's scheme, not one chain."""
    roles: dict[str, str] = {}
    for sentence in split_sentences(cell):
        for claim in role_claims(Sentence(-1, sentence, tuple(tokenize(sentence)))):
            if claim.role in SCHEME_ROLES:
                roles.setdefault(claim.role, claim.holder)
    return roles


def _cell_components(concept: str, cell: str) -> list[str]:
    """Components in a table's model cell: the definitions of a multi-part slogan's parts when the cell
    gives them (“1个图谱”指…，“N张清单”指…), else the items of each of its sentences."""
    concepts = find_concepts(concept)
    defined = _part_definitions(concepts[0], [Sentence(-1, cell, ())]) if concepts else None
    if defined:
        return defined[0]
    return unique(item for sentence in re.split(r"[。！？]", cell) for item in split_items(sentence))


def _freeze(draft: _Draft, doc_id: str) -> ChainLeaderScheme:
    model = tuple(draft.model)
    return ChainLeaderScheme(region=draft.region, concept=draft.concept, model=model, key_chains=tuple(drop_near_duplicates(drop_joined(draft.chains))),
                             roles=dict(draft.roles), doc_ids=(doc_id,),
                             evidence={cell: tuple(ev) for cell, ev in draft.evidence.items()},
                             flags=numeral_flags(draft.concept, model))
