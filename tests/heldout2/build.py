"""Render the second held-out set (tests/heldout2/docs/) from the texts below.

Every text here is invented for policy-miner, in the register of real notices (通知/实施方案/管理办法…);
nothing is copied from ../shared or the paper.  The output is deterministic — reportlab runs in invariant
mode and DOCX zip entries get a fixed timestamp — so re-running this script reproduces the committed files
byte for byte (tests/test_heldout2.py checks that).

    .venv/bin/python tests/heldout2/build.py

Needs reportlab, python-docx and the Debian package fonts-wqy-zenhei.
"""

from __future__ import annotations

import html
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

DOCS = Path(__file__).resolve().parent / "docs"
CJK_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
FIXED_TIME = datetime(2024, 1, 2, 3, 4, 5)
Rows = list[list[str]]


@dataclass(frozen=True)
class Doc:
    """One file of the set: paragraphs (blank-line free), an optional table placed after paragraph ``table_at``."""

    name: str
    paragraphs: list[str]
    table: Rows = field(default_factory=list)
    table_at: int = -1  # index of the paragraph the table follows; -1 = after the last one
    meta: dict[str, str] = field(default_factory=dict)  # gov.cn metadata table (UCAP pages only)
    title: str = ""  # page title when it is not the first paragraph

    @property
    def heading(self) -> str:
        return self.title or self.meta.get("标题") or self.paragraphs[0]

    def text(self) -> str:
        """Every string the rendered file shows (title, metadata, paragraphs, table cells), one per line."""
        cells = [cell for row in self.table for cell in row]
        return "\n".join([self.heading, *self.meta.values(), *self.paragraphs, *cells])


# --------------------------------------------------------------------------------------------- texts

GUANGXI = Doc(
    "广西壮族自治区人民政府办公厅关于印发广西重点产业链链长制工作方案的通知.html",
    [
        "各市、县人民政府，自治区人民政府各组成部门、各直属机构：",
        "经自治区人民政府同意，现将《广西重点产业链链长制工作方案》印发给你们，请认真组织实施。",
        "广西壮族自治区人民政府办公厅",
        "2023年3月14日",
        "广西重点产业链链长制工作方案",
        "为加快构建具有广西特色的现代化产业体系，推动重点产业链补链延链强链，决定在全区实行重点产业链链长制，制定本方案。",
        "一、总体要求",
        "以制造业高质量发展为主线，聚焦汽车、工程机械、铝精深加工、糖料蔗与食品、林浆纸、新能源电池和电子信息等7条重点产业链，"
        "由自治区领导担任链长，推动产业链上下游、产供销、大中小企业协同发展。到2025年，7条重点产业链营业收入年均增长10%以上，"
        "培育营业收入超百亿元企业15家以上。",
        "二、工作机制",
        "建立重点产业链“五个一”工作机制：",
        "（一）一名自治区领导链长。每条重点产业链由一名自治区领导担任链长，自治区主席担任总链长，统筹协调产业链发展重大事项。",
        "（二）一个工作专班。每条产业链由牵头部门组建工作专班，负责日常调度、问题收集和政策落实。",
        "（三）一张产业链图谱。绘制产业链全景图、招商图和技术路线图，摸清断点堵点，明确主攻方向。",
        "（四）一批链主企业。每条产业链遴选1至3家龙头企业作为链主企业，带动上下游配套企业协同发展。",
        "（五）一只产业链发展基金。依托自治区产业投资引导基金设立子基金，支持产业链重大项目建设。",
        "三、保障措施",
        "（一）加强组织领导。链长办公室设在各产业链牵头部门，每季度向总链长报告工作进展。",
        "（二）强化考核评估。将重点产业链发展成效纳入设区市绩效考评，对工作成效明显的予以通报表扬。",
    ],
    meta={
        "索引号": "000014349/2023-01562",
        "主题分类": "工业、交通\\其他",
        "发文机关": "广西壮族自治区人民政府办公厅",
        "成文日期": "2023年03月14日",
        "标题": "广西壮族自治区人民政府办公厅关于印发广西重点产业链链长制工作方案的通知",
        "发文字号": "桂政办发〔2023〕17号",
        "发布日期": "2023年03月20日",
    },
)

QINGDAO = Doc(
    "青岛市重点产业链链长制工作方案.txt",
    [
        "青岛市人民政府办公厅关于印发青岛市重点产业链链长制工作方案的通知",
        "青政办字〔2022〕31号",
        "各区、市人民政府，市政府各部门，市直各单位：",
        "《青岛市重点产业链链长制工作方案》已经市政府同意，现印发给你们，请结合实际认真贯彻落实。",
        "青岛市人民政府办公厅",
        "2022年6月8日",
        "青岛市重点产业链链长制工作方案",
        "一、工作机制",
        "全面推行“1+2+N”工作体系，即每条重点产业链由1名市级领导链长、2个牵头推进部门、N家链主和配套企业共同推进。"
        "市长担任全市重点产业链总链长，链长制办公室设在市工业和信息化局。",
        "二、重点产业链及分工",
        "1．集成电路产业链。链长：分管工业副市长；链主企业：青芯半导体制造有限公司；牵头单位：市工业和信息化局。",
        "2．新型显示产业链。链长：常务副市长；链主企业：海晶显示科技股份有限公司、琴岛光电有限公司；牵头单位：市发展改革委。",
        "3．智能家电产业链。链长：市委副书记；链主企业：崂山智能家电集团有限公司；牵头单位：市工业和信息化局。",
        "4．轨道交通装备产业链。链长：分管交通副市长；链主企业：胶州湾轨道装备股份有限公司；牵头单位：市交通运输局。",
        "5．海洋装备产业链。链长：分管海洋副市长；链主企业：暂缺，由牵头单位会同有关区（市）培育；牵头单位：市海洋发展局。",
        "6．生物医药产业链。链长：分管科技副市长；链主企业：黄海生物制药有限公司；牵头单位：市科技局。",
        "三、推进措施",
        "（一）实施关键核心技术攻关。每年梳理产业链技术需求清单，采取“揭榜挂帅”方式面向全国发榜，"
        "对揭榜成功的项目按项目研发投入的20%给予最高500万元支持。",
        "（二）强化要素保障。优先保障链主企业重大项目用地、用能指标，市级财政统筹安排专项资金支持产业链发展。",
        "（三）健全调度机制。链长每半年召开一次产业链专题会议，协调解决产业链发展中的重大问题。",
    ],
)

CHENGDU = Doc(
    "t20230612_6512408.html",
    [
        "各区（市）县经济和信息化主管部门：",
        "今年以来，各地认真落实全市产业建圈强链工作部署，重点产业链链长制工作取得积极成效。为相互借鉴、共同提高，"
        "现将成都高新区、四川天府新区的经验做法通报如下。",
        "一、成都高新区构建“三个一”服务机制",
        "成都高新区实行“三个一”服务机制，即一名区领导任链长、一个链长办公室、一套专项扶持政策。"
        "围绕集成电路、生物医药和新型显示三条产业链，由区领导分别担任链长，"
        "其中集成电路产业链链长由区党工委书记担任，链主企业为蓉芯集成电路有限公司。",
        "二、四川天府新区建立“链长+链主+专家”协同机制",
        "四川天府新区建立“链长+链主+专家”协同机制，链长负责统筹资源，链主负责带动配套，专家负责技术咨询，"
        "聚焦数字文创、航空航天及智能网联汽车三条产业链推进建圈强链。",
        "三、下一步工作",
        "各地要结合实际学习借鉴上述做法，进一步完善工作机制，强化要素保障，推动重点产业链提质增效。",
        "成都市经济和信息化局",
        "2023年6月12日",
    ],
    title="成都市经济和信息化局关于推广部分区域重点产业链链长制经验做法的通报",
)

JILIN_PLAN = Doc(
    "吉林省重点产业链链长制实施方案.pdf",
    [
        "吉林省人民政府办公厅关于印发吉林省重点产业链链长制实施方案的通知",
        "吉政办发〔2022〕23号",
        "各市（州）人民政府，长白山管委会，各县（市）人民政府，省政府各厅委办、各直属机构：",
        "经省政府同意，现将《吉林省重点产业链链长制实施方案》印发给你们，请认真贯彻执行。",
        "吉林省人民政府办公厅",
        "2022年7月5日",
        "吉林省重点产业链链长制实施方案",
        "为推动全省重点产业链稳链补链强链，提升产业链供应链韧性和安全水平，加快老工业基地振兴，结合我省实际，制定本方案。",
        "一、总体要求",
        "坚持龙头带动、集群发展、创新驱动、开放合作，围绕全省支柱产业和战略性新兴产业，建立省领导牵头、部门协同、市县联动、"
        "企业主体的工作格局。力争到2025年，重点产业链规模以上工业增加值年均增长8%以上，产业链本地配套率提高10个百分点，"
        "培育一批具有核心竞争力的链主企业和专精特新企业。",
        "二、工作机制",
        "实行“一链一长一专班一基金”工作机制，具体为：",
        "1．一位省领导任链长。每条重点产业链由一位省领导担任链长，省长担任总链长，负责研究产业链发展规划，协调解决重大问题。",
        "2．一个工作专班。每条产业链明确一个牵头单位，抽调相关部门人员组建工作专班，建立问题清单、任务清单和责任清单。",
        "3．一支产业基金。省级产业投资基金按产业链设立子基金，引导社会资本投向产业链关键环节。",
        "三、重点任务",
        "（一）精准招商补链。围绕产业链缺失环节和薄弱环节，编制招商目标企业清单，开展以商招商、产业链招商，"
        "每年引进一批带动性强的重大项目。",
        "（二）协同创新强链。支持链主企业联合高校、科研院所组建创新联合体，开展关键共性技术攻关，"
        "推动科技成果在省内转化应用。",
        "（三）融通发展延链。组织链主企业发布配套需求，推动产业链上下游企业开展产品对接、产能对接和标准对接，"
        "提高本地配套水平。",
        "（四）优化环境稳链。建立重点企业服务专员制度，及时协调解决企业在用地、用工、融资、物流等方面的困难和问题。",
        "四、组织保障",
        "（一）加强统筹调度。省链长制办公室设在省工业和信息化厅，负责日常工作，每季度汇总各产业链工作进展并报总链长。",
        "（二）强化督导考核。将重点产业链工作推进情况纳入省政府督查内容，对工作不力的予以通报。",
        "（三）做好宣传引导。及时总结推广各地各部门的经验做法，营造全社会支持产业链发展的良好氛围。",
        "重点产业链、链长、链主企业和牵头单位名单另行印发。",
    ],
)

JILIN_LIST = Doc(
    "附件：吉林省重点产业链链长链主企业和牵头单位名单.docx",
    ["附件", "吉林省重点产业链链长、链主企业和牵头单位名单"],
    table=[
        ["序号", "重点产业链", "链长", "链主企业", "牵头单位"],
        ["1", "汽车产业链", "省长", "长吉汽车集团有限公司", "省工业和信息化厅"],
        ["2", "石油化工产业链", "常务副省长", "松原石化股份有限公司、吉化新材料有限公司", "省发展改革委"],
        ["3", "医药健康产业链", "分管科技副省长", "北药健康集团有限公司", "省科技厅"],
        ["4", "卫星及应用产业链", "分管工业副省长", "吉星空间技术股份有限公司", "省工业和信息化厅"],
        ["5", "碳纤维及复合材料产业链", "分管工业副省长", "吉纤新材料有限公司", "省工业和信息化厅"],
        ["6", "农产品精深加工产业链", "分管农业副省长", "—", "省农业农村厅"],
    ],
)

KUNMING = Doc(
    "昆明市重点产业链链长制工作方案.pdf",
    [
        "昆明市人民政府办公室关于印发昆明市重点产业链链长制工作方案的通知",
        "昆政办〔2023〕9号",
        "各县（市、区）人民政府，市政府各委、办、局：",
        "《昆明市重点产业链链长制工作方案》已经市人民政府同意，现印发给你们，请认真抓好落实。",
        "昆明市重点产业链链长制工作方案",
        "一、工作机制",
        "建立“六个一”工作机制：一名市级领导担任链长，一个牵头部门，一个工作专班，一张产业链图谱，一份招商目标清单。",
        "二、重点产业链",
        "全市确定以下重点产业链，链长、链主企业和牵头单位见下表。",
        "三、工作要求",
        "各链长要每季度至少开展一次调研，牵头单位要建立产业链运行监测制度，按月报送产业链发展情况。",
        "昆明市人民政府办公室",
        "2023年4月20日",
    ],
    table=[
        ["产业链", "链长", "链主企业", "牵头单位"],
        ["生物医药", "市长", "滇池生物医药集团有限公司", "市工业和信息化局"],
        ["绿色铝精深加工", "常务副市长", "春城铝业新材料有限公司", "市发展改革委"],
        ["光电子信息", "分管工业副市长", "昆明滇光电子科技有限公司", "市工业和信息化局"],
        ["高原特色农产品加工", "分管农业副市长", "七彩云农食品股份有限公司、高原鲜花卉集团有限公司", "市农业农村局"],
        ["新能源电池", "分管发展改革工作的副市长", "滇能储能科技有限公司", "市发展改革委"],
    ],
    table_at=8,
)

XIXIAN = Doc(
    "西咸新区重点产业链4+4+N推进体系实施方案.html",
    [
        "陕西省西咸新区管理委员会关于印发西咸新区重点产业链“4+4+N”推进体系实施方案的通知",
        "陕西咸发〔2023〕11号",
        "新区各部门，各新城管委会：",
        "现将《西咸新区重点产业链“4+4+N”推进体系实施方案》印发给你们，请遵照执行。",
        "一、推进体系",
        "构建“4+4+N”推进体系：",
        "1．4名新区领导任链长；",
        "2．4家链主企业领航；",
        "3．N家配套企业和服务机构协同。",
        "二、重点产业链",
        "新区聚焦光子、氢能、先进材料及数字经济四条重点产业链。",
        "光子产业链由新区党工委书记担任链长，链主企业为秦川光子科技有限公司，牵头单位为新区科技创新和产业发展局。",
        "氢能产业链的牵头单位是新区发展改革和商务局，链长由管委会主任担任，链主企业为沣河氢能装备有限公司。",
        "先进材料产业链链主企业为泾渭新材料股份有限公司，链长为新区党工委副书记，由新区科技创新和产业发展局牵头。",
        "数字经济产业链链长为管委会常务副主任，链主企业暂未确定，牵头单位为新区数字经济发展局。",
        "三、工作要求",
        "各牵头单位要制定年度工作计划，每月向链长报告产业链运行情况，年底形成工作总结。",
        "陕西省西咸新区管理委员会",
        "2023年4月18日",
    ],
)

HENAN_LIST = Doc(
    "附件：河南省2024年度重大科技专项揭榜挂帅榜单.html",
    [
        "河南省科学技术厅关于发布2024年度重大科技专项“揭榜挂帅”榜单的通知",
        "各有关单位：",
        "为加快突破产业发展关键核心技术，省科技厅征集凝练了一批企业技术需求，现采取“揭榜挂帅”方式面向社会公开发布，"
        "不论出身、不设门槛，择优确定揭榜单位。有关事项通知如下。",
        "一、榜单内容（见下表）",
        "二、揭榜要求：揭榜单位须具有独立法人资格，与发榜单位签订合作协议，承诺在规定期限内完成攻关任务。",
        "三、支持方式：对成功揭榜的项目，省财政按榜单所列金额给予经费支持，分期拨付。",
        "河南省科学技术厅",
        "2024年5月10日",
    ],
    table=[
        ["序号", "榜单名称", "发榜单位", "主要技术指标", "支持经费", "揭榜截止时间"],
        ["1", "大口径盾构机主轴承国产化", "中原盾构装备股份有限公司",
         "主轴承直径不小于8米，设计寿命不低于10000小时，完成工程应用验证", "2000万元", "2024年8月31日"],
        ["2", "小麦赤霉病抗性基因挖掘与新品种培育", "豫丰种业科技有限公司",
         "鉴定抗赤霉病主效基因3个以上，培育抗病新品种2个并通过审定", "800万元", "2024年8月31日"],
        ["3", "超高纯氧化铝粉体制备技术", "伏牛新材料有限公司", "纯度达到99.999%，年产能达到500吨", "0.15亿元",
         "2024年9月15日"],
        ["4", "氢燃料电池重卡电堆", "郑汴新能源汽车有限公司", "额定功率不低于200千瓦，使用寿命不低于2万小时", "1.2亿元",
         "2024年9月30日"],
        ["5", "矿山井下无人驾驶运输系统", "嵩山矿业集团有限公司", "井下连续运行30天无人工干预，定位精度优于10厘米", "600万元",
         "2024年9月30日"],
    ],
    table_at=3,
)

LIAONING = Doc(
    "辽宁省揭榜挂帅科技攻关项目管理办法（试行）.docx",
    [
        "辽宁省揭榜挂帅科技攻关项目管理办法（试行）",
        "第一章 总则",
        "第一条 为改革科技项目组织方式，集聚全社会创新资源攻克产业关键核心技术，根据国家和省有关规定，制定本办法。",
        "第二条 本办法所称揭榜挂帅项目，是指由企业提出技术需求、省科技厅审核发布榜单、面向社会公开征集揭榜单位、"
        "按照“谁能干就让谁干”的原则择优确定承担单位的科技攻关项目。",
        "第二章 需求征集与发布",
        "第三条 省科技厅每年组织征集重点产业技术需求，经专家论证后形成榜单向社会发布。首批发布技术攻关需求45项。",
        "第四条 榜单应当明确攻关任务、技术指标、完成时限、支持经费和发榜单位等内容。",
        "第三章 揭榜与立项",
        "第五条 揭榜单位可以是企业、高等学校、科研院所或者其组成的联合体，不设学历、职称等门槛。",
        "第六条 省科技厅组织发榜单位和专家对揭榜方案进行评审，必要时采取“赛马”方式支持多个团队并行攻关。",
        "第四章 经费支持",
        "第七条 省财政对揭榜项目按不超过项目总投入的30%给予支持，单个项目最高1000万元；发榜单位投入不低于项目总投入的70%。",
        "第五章 附则",
        "第八条 本办法由省科技厅负责解释，自发布之日起施行。",
    ],
)

NATIONAL = Doc(
    "关于健全新型举国体制加快关键核心技术攻关的实施意见.pdf",
    [
        "关于健全新型举国体制加快关键核心技术攻关的实施意见",
        "国科发重〔2023〕58号",
        "各省、自治区、直辖市及新疆生产建设兵团科技厅（委、局），国务院各有关部门：",
        "为健全社会主义市场经济条件下新型举国体制，集中力量办大事，加快攻克关键核心技术，现提出如下意见。",
        "一、充分认识新型举国体制的重大意义",
        "实践表明，重大工程能够汇聚全国力量。高速磁浮交通系统工程先后组织全国19个省（区、市）的230余家单位、"
        "1.6万余名科技人员参与联合攻关；深远海浮式风电示范工程动员了12个省（区、市）、87家企事业单位和4800名工程技术人员协同攻关。",
        "二、强化国家战略科技力量",
        "发挥国家实验室、国家科研机构、高水平研究型大学和科技领军企业作用，形成目标一致、分工明确、协同高效的攻关体系。",
        "三、完善重大任务组织机制",
        "坚持需求牵引和问题导向，由国家层面统筹确定攻关方向，实行总设计师负责制，统筹配置人才、资金、平台等创新资源。",
        "四、加强组织保障",
        "各地区各部门要加强协同配合，完善考核评价，营造鼓励创新、宽容失败的良好环境。",
        "科技部 国家发展改革委 工业和信息化部",
        "2023年9月12日",
    ],
)

RIVER = Doc(
    "遵义市全面推行河湖长制2023年工作要点.txt",
    [
        "遵义市全面推行河湖长制2023年工作要点",
        "一、压实河湖长责任",
        "全面落实“双总河长”制，市委书记、市长担任市级总河长，各级河长、湖长按照“一河一长一策一档”要求履行巡河职责，"
        "市级河长每季度巡河不少于1次，县级河长每月巡河不少于1次。",
        "二、深化协作机制",
        "深化“河长+警长+检察长”协作机制，加强河湖执法监管，严厉打击非法采砂、非法排污等违法行为。",
        "三、推进幸福河湖建设",
        "以赤水河、乌江等重点河流为重点，建成市级幸福河湖10条，河湖水质优良比例保持100%。",
        "四、强化考核问责",
        "将河湖长制工作纳入各县（市、区）综合目标考核，对履职不力的河长予以约谈。",
        "遵义市河长制办公室",
        "2023年2月16日",
    ],
)

POLYMER = Doc(
    "聚乙烯蜡分子链长分布测定 凝胶渗透色谱法（征求意见稿）.pdf",
    [
        "团体标准 T/CPCIF 0xxx—2024",
        "聚乙烯蜡分子链长分布测定 凝胶渗透色谱法（征求意见稿）",
        "1 范围",
        "本文件规定了用凝胶渗透色谱法测定聚乙烯蜡分子链长分布及平均链长的方法，适用于数均分子量500～10000的聚乙烯蜡。",
        "2 原理",
        "试样溶于三氯苯后经色谱柱分离，分子链长不同的组分按流体力学体积由大到小依次流出，由示差折光检测器检测。",
        "3 结果计算",
        "以碳原子数表示链长，按校准曲线计算各级分的链长及其质量分数，平均链长保留至整数位。"
        "链长分布宽度以重均链长与数均链长之比表示。",
        "4 精密度",
        "同一实验室对同一试样平行测定两次，平均链长的相对偏差不大于2%。",
        "中国石油和化学工业联合会 发布",
    ],
)

CONTEST = Doc(
    "关于举办第四届云南省大学生科技创新大赛的通知.docx",
    [
        "关于举办第四届云南省大学生科技创新大赛的通知",
        "各高等学校：",
        "为激发大学生创新创造活力，经研究，决定举办第四届云南省大学生科技创新大赛。现将有关事项通知如下。",
        "一、参赛对象：全省普通高等学校全日制在校学生，以团队形式参赛，每队不超过5人。",
        "二、赛道设置：大赛设创新设计赛道、创业实践赛道和“揭榜挂帅”赛道。“揭榜挂帅”赛道由合作企业出题，"
        "学生团队自主揭榜，在规定时间内提交解决方案。",
        "三、奖项设置：每个赛道设一等奖5项、二等奖10项、三等奖20项，颁发获奖证书。",
        "四、时间安排：5月31日前网上报名，7月完成校赛，9月举行省级决赛。",
        "云南省教育厅",
        "2024年3月22日",
    ],
)

SPORT = Doc(
    "吉林省体育局关于做好第十五届全运会冰雪项目备战工作的通知.html",
    [
        "吉林省体育局关于做好第十五届全运会冰雪项目备战工作的通知",
        "各市（州）体育局，省直各训练单位：",
        "第十五届全运会冰雪项目比赛即将举行。各单位要发挥举国体制优势，集中力量保障重点项目、重点运动员备战，"
        "实行“一项目一方案一团队”，确保完成参赛目标。",
        "一、加强训练管理，科学制定周期训练计划。",
        "二、做好伤病防控和反兴奋剂工作，做到“零出现”。",
        "三、强化后勤保障，落实运动员营养、医疗和装备需求。",
        "吉林省体育局",
        "2024年10月8日",
    ],
)

FIRE = Doc(
    "关于做好2024年春季森林草原防灭火工作的通知.txt",
    [
        "昆明市森林草原防灭火指挥部办公室关于做好2024年春季森林草原防灭火工作的通知",
        "各县（市、区）森林草原防灭火指挥部：",
        "当前已进入森林草原防火紧要期，气温回升快、降水偏少，火险等级持续偏高。现就做好春季防灭火工作通知如下：",
        "一、严格野外火源管控，在重点林区进山路口设置检查站，严禁携带火种进山。",
        "二、加强监测预警，落实24小时值班和领导带班制度，发现火情及时报告。",
        "三、做好扑救准备，专业扑火队伍靠前驻防，确保打早、打小、打了。",
        "昆明市森林草原防灭火指挥部办公室",
        "2024年2月26日",
    ],
)

DALIAN = Doc(
    "大连市科学技术局2023年政府信息公开工作年度报告.html",
    [
        "大连市科学技术局2023年政府信息公开工作年度报告",
        "本报告根据《中华人民共和国政府信息公开条例》要求编制，所列数据统计期限为2023年1月1日至12月31日。",
        "一、总体情况",
        "2023年，我局主动公开政府信息286条，其中政策文件21件。全年围绕链长制、揭榜挂帅、科技成果转化等主题开展政策解读12次，"
        "召开新闻发布会3场。",
        "二、依申请公开情况",
        "全年收到政府信息公开申请9件，均在法定期限内答复。",
        "三、存在的问题及改进情况",
        "政策解读形式还不够丰富，下一步将增加图解、视频解读比例。",
        "大连市科学技术局",
        "2024年1月25日",
    ],
)

# --------------------------------------------------------------------------------------------- renderers


def _p(text: str) -> str:
    return f'<p style="text-indent: 2em;">{html.escape(text, quote=False)}</p>'


def _table_html(rows: Rows) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in rows[0])
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows[1:])
    return f'<table border="1" cellspacing="0"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _body_html(doc: Doc) -> str:
    at = doc.table_at if doc.table_at >= 0 else len(doc.paragraphs) - 1
    parts = []
    for i, text in enumerate(doc.paragraphs):
        parts.append(_p(text))
        if doc.table and i == at:
            parts.append(_table_html(doc.table))
    return "\n".join(parts)


def ucap_page(doc: Doc) -> bytes:
    """gov.cn-like page: metadata table (索引号 …) above the #UCAP-CONTENT body."""
    cells = list(doc.meta.items())
    rows = "".join(
        "<tr>" + "".join(f"<td><b>{html.escape(k)}：</b></td><td>{html.escape(v)}</td>" for k, v in cells[i:i + 2]) + "</tr>"
        for i in range(0, len(cells), 2))
    page = f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{html.escape(doc.heading)}_政府信息公开</title></head>
<body><div class="header">首页 &gt; 政务公开 &gt; 政府文件</div>
<div class="policyLibraryOverview_header"><table class="zc-table">{rows}</table></div>
<div class="article"><h1>{html.escape(doc.heading)}</h1>
<div id="UCAP-CONTENT">
{_body_html(doc)}
</div></div>
<div class="footer">主办：{html.escape(doc.meta['发文机关'])}</div></body></html>
"""
    return page.encode("utf-8")


def trs_page(doc: Doc, date: str) -> bytes:
    """A 't-date' CMS detail page: title, date line and a .TRS_Editor body."""
    title = doc.heading
    page = f"""<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><title>{html.escape(title)}</title>
<meta name="ArticleTitle" content="{html.escape(title)}"><meta name="PubDate" content="{date}"></head>
<body><div class="nav">当前位置：首页 &gt; 通知公告</div>
<div class="detail"><h2 class="title">{html.escape(title)}</h2><div class="info">发布时间：{date} 来源：本站</div>
<div class="TRS_Editor">
{_body_html(doc)}
</div></div></body></html>
"""
    return page.encode("utf-8")


def plain_page(doc: Doc, encoding: str = "utf-8") -> bytes:
    """An ordinary portal article page (body in div.article-content), optionally GBK with its meta charset."""
    title = doc.heading
    page = f"""<!DOCTYPE html>
<html><head><meta charset="{encoding}"><title>{html.escape(title)}</title></head>
<body><div class="crumb">首页 &gt; 信息公开</div>
<div class="article"><h1>{html.escape(title)}</h1>
<div class="article-content">
{_body_html(doc)}
</div></div></body></html>
"""
    return page.encode(encoding)


def text_file(doc: Doc) -> bytes:
    return ("\n".join(doc.paragraphs) + "\n").encode("utf-8")


def pdf_file(doc: Doc, page_footer: bool = False) -> bytes:
    """A text PDF with the CJK font embedded; the table, if any, is ruled with grid lines."""
    from reportlab import rl_config
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    rl_config.invariant = 1
    if "wqy" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("wqy", str(CJK_FONT), subfontIndex=0))
    body = ParagraphStyle("body", fontName="wqy", fontSize=13, leading=24, firstLineIndent=26, wordWrap="CJK")
    cell = ParagraphStyle("cell", fontName="wqy", fontSize=11, leading=16, wordWrap="CJK")

    def footer(canvas, pdf) -> None:
        canvas.setFont("wqy", 11)
        canvas.drawCentredString(A4[0] / 2, 36, f"— {pdf.page} —")

    at = doc.table_at if doc.table_at >= 0 else len(doc.paragraphs) - 1
    story = []
    for i, text in enumerate(doc.paragraphs):
        story.append(Paragraph(html.escape(text, quote=False), body))
        if doc.table and i == at:
            table = Table([[Paragraph(html.escape(c), cell) for c in row] for row in doc.table],
                          colWidths=[(A4[0] - 144) / len(doc.table[0])] * len(doc.table[0]), repeatRows=1)
            table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.8, colors.black),
                                       ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
            story += [Spacer(1, 8), table, Spacer(1, 8)]
    out = io.BytesIO()
    pdf = SimpleDocTemplate(out, pagesize=A4, title=doc.paragraphs[0], author="", creator="", invariant=1,
                            leftMargin=72, rightMargin=72, topMargin=72, bottomMargin=72)
    decorate = footer if page_footer else (lambda canvas, pdf: None)
    pdf.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return out.getvalue()


def docx_file(doc: Doc) -> bytes:
    """A DOCX (python-docx); zip entries and core properties get fixed times so the bytes are reproducible."""
    from docx import Document

    document = Document()
    props = document.core_properties
    props.author = props.last_modified_by = ""
    props.created = props.modified = props.last_printed = FIXED_TIME
    props.revision = 1
    at = doc.table_at if doc.table_at >= 0 else len(doc.paragraphs) - 1
    for i, text in enumerate(doc.paragraphs):
        document.add_paragraph(text)
        if doc.table and i == at:
            table = document.add_table(rows=len(doc.table), cols=len(doc.table[0]))
            table.style = "Table Grid"
            for r, row in enumerate(doc.table):
                for c, value in enumerate(row):
                    table.cell(r, c).text = value
    raw = io.BytesIO()
    document.save(raw)
    return _fixed_zip(raw.getvalue())


def _fixed_zip(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        entries = [(info.filename, source.read(info)) for info in source.infolist()]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, content in entries:
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, content)
    return out.getvalue()


SET: list[tuple[Doc, Callable[[Doc], bytes]]] = [
    (GUANGXI, ucap_page),
    (QINGDAO, text_file),
    (CHENGDU, lambda doc: trs_page(doc, "2023-06-12")),
    (JILIN_PLAN, lambda doc: pdf_file(doc, page_footer=True)),
    (JILIN_LIST, docx_file),
    (KUNMING, pdf_file),
    (XIXIAN, lambda doc: plain_page(doc, encoding="gbk")),
    (HENAN_LIST, plain_page),
    (LIAONING, docx_file),
    (NATIONAL, pdf_file),
    (RIVER, text_file),
    (POLYMER, pdf_file),
    (CONTEST, docx_file),
    (SPORT, plain_page),
    (FIRE, text_file),
    (DALIAN, plain_page),
]
"""Every document of the set with the renderer that writes its file."""


def render_all() -> dict[str, bytes]:
    """File name → bytes of every document in the set."""
    return {doc.name: render(doc) for doc, render in SET}


def source_texts() -> dict[str, str]:
    """File name → the text its file shows, for checking the answer key against the documents."""
    return {doc.name: doc.text() for doc, _ in SET}


def main() -> None:
    DOCS.mkdir(parents=True, exist_ok=True)
    for name, data in render_all().items():
        (DOCS / name).write_bytes(data)
        print(f"{len(data):>8}  {name}")


if __name__ == "__main__":
    main()
