"""Render the held-out evaluation documents (``docs/``) from the texts in this file.

The held-out set measures how the whole pipeline generalises: it was written
apart from the sample corpus and the stage fixtures, in other regions, other
wordings and other file shapes, so that nobody tunes the pipeline against it.
Every document is one file, as a researcher's download folder holds them:

* ``.html`` pages of four shapes: a gov.cn-like ``#UCAP-CONTENT`` page with the
  索引号/发文机关/发文字号/成文日期 table, TRS ``.TRS_Editor`` pages, a ``#zoom``
  page saved GBK-encoded with no charset declared, and a plain ``.article`` page;
* ``.pdf`` made with reportlab and an embedded CJK TrueType font (so the text
  layer reads back exactly): a ruled table, and a chain list in prose that runs
  over a forced page break, with a running header and page numbers;
* ``.docx`` made with python-docx, with and without a table;
* ``.txt`` in UTF-8.

The answer key (``expected/*.csv``) is written by hand, not generated from this
file, so a typo here shows up as a failing test instead of a silently changed key.
Output is deterministic (fixed PDF/DOCX timestamps), so the committed files only
change when the texts do.

Markup of a body (one block per line, blank lines ignored)::

    # text    centred bold title         > text     right-aligned line (signature, date)
    | a | b | table row (first row is the header)
    ---page---  page break (PDF only)     anything else: a paragraph

Run: ``.venv/bin/python tests/heldout/build.py`` (needs reportlab, python-docx and
the Debian package fonts-wqy-zenhei).
"""

from __future__ import annotations

import html
import io
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
DOCS = HERE / "docs"
FONT_FILE = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")  # Debian: fonts-wqy-zenhei
FONT_NAME = "WQYZenHei"
FIXED_TIME = datetime(2023, 1, 1)
PAGE_BREAK = "---page---"


@dataclass(frozen=True)
class Doc:
    file: str
    shape: str  # ucap | trs | zoom-gbk | article | pdf | docx | txt
    title: str
    body: str
    issuer: str = ""
    doc_number: str = ""
    written: str = ""  # 成文日期 as the page prints it
    index_number: str = ""
    running_header: str = ""  # PDF only


DOCUMENTS: list[Doc] = [
    Doc(
        file="湖南省人民政府办公厅关于实施工业新兴优势产业链链长制的通知.html",
        shape="ucap",
        title="湖南省人民政府办公厅关于实施工业新兴优势产业链链长制的通知",
        issuer="湖南省人民政府办公厅",
        doc_number="湘政办发〔2021〕19号",
        written="2021年04月26日",
        index_number="000014349/2021-00412",
        body="""
湘政办发〔2021〕19号
各市州人民政府，省政府各厅委、各直属机构：
为加快打造国家重要先进制造业高地，推动工业新兴优势产业链做大做强，经省人民政府同意，现就实施产业链链长制有关事项通知如下。
一、组织架构
由省长担任全省产业链“总链长”，负责全局统筹和重大事项决策；常务副省长、分管副省长分别担任相关产业链链长。每条产业链明确一个省直牵头单位，承担链长办日常工作。
二、重点产业链
聚焦工程机械、先进轨道交通装备、航空航天、新一代信息技术、节能环保与新能源装备、生物医药、新材料、食品和农副产品加工等8条工业新兴优势产业链，集中资源重点突破。
三、工作模式
每条产业链推行“一图一表一专班”工作模式：
（一）一张产业链全景图。由牵头单位会同行业协会梳理产业链上下游关键环节，标注龙头企业、配套企业和薄弱环节，按年度更新。
（二）一张重点任务清单表。围绕补链、延链、强链，逐项明确重点企业、重点项目、关键技术和责任单位，实行清单化管理。
（三）一个工作专班。由牵头单位抽调骨干力量组成，负责链长交办事项的跟踪落实，定期向链长报告工作进展。
四、保障措施
（一）强化要素保障。省级制造强省专项资金对产业链重点项目予以倾斜，自然资源部门优先保障重点项目用地。
（二）强化督查考核。将产业链工作纳入省政府重点督查事项，每半年通报一次进展情况。
> 湖南省人民政府办公厅
> 2021年4月26日
""",
    ),
    Doc(
        file="附件1：福建省重点产业集群“双链长”工作方案.docx",
        shape="docx",
        title="福建省重点产业集群“双链长”工作方案",
        body="""
# 福建省重点产业集群“双链长”工作方案
为推动全省重点产业集群补链强链，形成政府引导和企业带动相互促进的推进格局，制定本方案。
一、工作机制
全省重点产业集群实行“双链长”工作机制：政府链长由省领导担任；企业链长由链主企业负责人担任；省直部门牵头推进；服务专班跟踪服务。
二、重点产业集群及链长名单
| 序号 | 重点产业集群 | 政府链长 | 企业链长（链主企业） | 牵头部门 |
| 1 | 电子信息产业集群 | 省长 | 闽江数字科技集团有限公司 | 省工业和信息化厅 |
| 2 | 先进装备制造产业集群 | 常务副省长 | 海西重工机械股份有限公司 | 省工业和信息化厅 |
| 3 | 石油化工产业集群 | 副省长 | 湄洲湾石化有限公司 | 省发展改革委 |
| 4 | 现代纺织服装产业集群 | 副省长 | 晋江纺织服饰集团有限公司、长乐化纤有限公司 | 省工业和信息化厅 |
| 5 | 新能源产业集群 | 副省长 | 闽东锂电科技股份有限公司 | 省发展改革委 |
| 6 | 食品加工产业集群 | 副省长 | 八闽食品集团有限公司 | 省工业和信息化厅 |
三、职责分工
政府链长负责研究集群发展重大问题，协调跨地区、跨部门事项；企业链长负责提出集群协作需求，带动上下游中小企业配套发展；牵头部门负责集群日常调度和政策落实。
四、工作要求
各设区市参照本方案建立本地区“双链长”工作机制，每季度向省直牵头部门报送工作进展。
""",
    ),
    Doc(
        file="安徽省重点产业链3+3+N工作体系实施方案.pdf",
        shape="pdf",
        title="安徽省人民政府办公厅关于印发安徽省重点产业链“3+3+N”工作体系实施方案的通知",
        running_header="皖政办秘〔2021〕52号",
        body="""
# 安徽省人民政府办公厅关于印发安徽省重点产业链“3+3+N”工作体系实施方案的通知
> 皖政办秘〔2021〕52号
各市人民政府，省政府各部门、各直属机构：
《安徽省重点产业链“3+3+N”工作体系实施方案》已经省政府同意，现印发给你们，请认真贯彻执行。
> 安徽省人民政府办公厅
> 2021年6月3日
# 安徽省重点产业链“3+3+N”工作体系实施方案
一、工作体系
全省重点产业链构建“3+3+N”工作体系，具体包括：
（一）三级链长体系。省长任总链长，分管省领导任产业链链长，市县政府主要负责同志任本地区产业链链长。
（二）三张清单。每条产业链建立重点企业清单、重点项目清单和关键技术攻关清单，实行动态管理。
（三）N项配套政策。围绕每条产业链制定专项支持政策，在用地、融资、人才等方面给予倾斜。
二、重点产业链及责任分工
| 产业链 | 链长 | 链主企业 | 牵头单位 |
| 新能源汽车产业链 | 省长 | 皖江智能汽车股份有限公司 | 省经济和信息化厅 |
| 新一代信息技术产业链 | 常务副省长 | 合肥晶显光电有限公司 | 省经济和信息化厅 |
| 人工智能产业链 | 副省长 | 庐州智能语音科技有限公司 | 省科技厅 |
| 高端装备制造产业链 | 副省长 | 芜湖精工机器人股份有限公司 | 省经济和信息化厅 |
| 新材料产业链 | 副省长 | 铜陵新材料集团有限公司 | 省发展改革委 |
| 绿色食品产业链 | 副省长 | — | 省农业农村厅 |
三、关键技术攻关
对产业链关键核心技术难题，采取“揭榜挂帅”方式面向全国征集解决方案，由链主企业出题、省科技厅组织发榜，省财政按项目研发投入的30%给予支持，单个项目最高不超过1000万元。
四、保障措施
各牵头单位每季度召开一次产业链推进会，梳理链上企业诉求，形成问题清单并限期办结。省政府督查室对工作落实情况开展专项督查。
""",
    ),
    Doc(
        file="苏州市重点产业链五个一推进机制工作方案.txt",
        shape="txt",
        title="苏州市人民政府办公室关于印发苏州市重点产业链“五个一”推进机制工作方案的通知",
        body="""
苏州市人民政府办公室关于印发苏州市重点产业链“五个一”推进机制工作方案的通知
苏府办〔2021〕88号
各市、区人民政府，苏州工业园区、苏州高新区、太仓港口管委会；市各委办局，各直属单位：
《苏州市重点产业链“五个一”推进机制工作方案》已经市政府同意，现印发给你们，请认真组织实施。
苏州市人民政府办公室
2021年7月9日
苏州市重点产业链“五个一”推进机制工作方案
一、目标任务
到2025年，全市重点产业链规模持续壮大，产业链关键环节本地配套率明显提高，培育一批具有生态主导力的链主企业。
二、推进机制
每条重点产业链实行“五个一”推进机制：
1．一位市领导挂帅担任链长；
2．一个市级部门牵头负责；
3．一份产业链招商图谱；
4．一个产业链专项基金。
三、重点产业链
全市重点打造电子信息、高端装备、生物医药、光伏与储能、汽车零部件和软件信息服务等6条重点产业链。
四、工作要求
各市（区）要对照市级产业链，明确本地区主攻方向，建立相应工作机制，每半年向市工信局报送推进情况。
""",
    ),
    Doc(
        file="t20220315_6108842.html",
        shape="trs",
        title="黑龙江省人民政府办公厅关于建立全省重点产业链链长制的通知",
        issuer="黑龙江省人民政府办公厅",
        doc_number="黑政办发〔2022〕11号",
        written="2022-03-10",
        body="""
黑政办发〔2022〕11号
各市（地）人民政府（行署），省政府各直属单位：
为推动我省重点产业链延链补链强链，加快构建具有龙江特色的现代产业体系，经省政府同意，决定建立全省重点产业链链长制。现将有关事项通知如下。
一、工作架构
全省构建“总链长+链长+链主”三级工作架构，即省长任总链长、分管副省长任链长、龙头企业任链主。
二、重点产业链
首批确定7条重点产业链，各产业链链长、链主企业及牵头单位名单另行印发。
三、链长职责
链长负责组织编制产业链发展规划，每半年至少召开一次产业链专题会议，协调解决要素保障、项目建设中的重大问题。链主企业负责带动上下游企业协同发展，及时向链长反映产业链运行中的困难。
四、工作要求
各市（地）要参照省级做法建立本地区链长制，明确本地区主导产业链和责任分工，形成省市联动的工作格局。
> 黑龙江省人民政府办公厅
> 2022年3月10日
""",
    ),
    Doc(
        file="黑龙江省重点产业链链长和链主企业名单.pdf",
        shape="pdf",
        title="黑龙江省人民政府办公厅关于公布全省重点产业链链长和链主企业名单的通知",
        running_header="黑政办函〔2022〕30号",
        body="""
# 黑龙江省人民政府办公厅关于公布全省重点产业链链长和链主企业名单的通知
> 黑政办函〔2022〕30号
各市（地）人民政府（行署），省政府各直属单位：
按照《黑龙江省人民政府办公厅关于建立全省重点产业链链长制的通知》（黑政办发〔2022〕11号）要求，经省政府同意，现将全省首批7条重点产业链的链长、链主企业和牵头单位公布如下。
链长制实施以来，各地各部门围绕产业链梳理堵点卡点，建立了产业链运行监测、重点项目调度和企业诉求办理等工作制度，产业链协同配套水平有所提升。但也要看到，部分产业链本地配套率不高，龙头企业带动作用发挥不充分，关键零部件和核心材料对外依赖程度较高，需要链长、链主和牵头单位协同发力，持续推动延链补链强链。
各产业链要按照“一链一策”要求，分别制定年度工作要点，明确招商引资、技术攻关、企业培育和要素保障等重点任务，建立任务台账，实行销号管理。链主企业要发挥生态主导作用，向链上中小企业开放应用场景和采购需求，带动配套企业提升产品质量和供货能力。
各牵头单位要会同链主企业绘制产业链图谱，逐链梳理上游原材料、中游零部件和下游整机及应用环节的企业分布，找准缺失环节和薄弱环节，形成精准招商目录。对产业链上的重大项目，实行链长领办、专班跟踪、部门联动，协调解决用地、能耗、环评和融资等方面的问题。
省直有关部门要在资金安排、土地供应、人才引进等方面向重点产业链倾斜，省级工业发展专项资金优先支持链主企业牵头实施的技术改造和协同创新项目，对成效明显的产业链在年度考核中予以加分，对推进不力的产业链由链长约谈牵头单位主要负责同志。
石墨产业链由副省长担任链长，鸡西墨都新材料集团有限公司为链主企业，省工业和信息化厅牵头推进，重点发展高纯石墨、负极材料和石墨烯制品。
农产品精深加工产业链由常务副省长担任链长，链主企业为松嫩粮油食品集团有限公司，省农业农村厅牵头推进，重点延伸粮食、乳品和肉类加工链条。
航空航天产业链由副省长担任链长，哈尔滨天翼航空装备有限公司为链主企业，省国防科工办牵头推进。
生物医药产业链由副省长担任链长，龙江生物制药股份有限公司和牡丹江药业有限公司共同担任链主企业，省药监局牵头推进，重点发展北药和生物制品。
新能源装备产业链由副省长担任链长，齐齐哈尔重型风电装备有限公司为链主企业，省发展改革委牵头推进。
冰雪装备产业链由副省长担任链长，省体育局牵头推进，链主企业待遴选后另行公布。
石油化工产业链由副省长担任链长，大庆新石化有限公司为链主企业，省工业和信息化厅牵头推进，重点推动“减油增化”。
各链长要尽快组织召开产业链首次专题会议，各牵头单位于每季度末向省政府报送产业链运行情况。
> 黑龙江省人民政府办公厅
> 2022年4月18日
""",
    ),
    Doc(
        file="湘江新区链长链主链创工作机制.html",
        shape="zoom-gbk",
        title="长沙市湘江新区管理委员会关于推行重点产业链“链长+链主+链创”工作机制的通知",
        issuer="长沙市湘江新区管理委员会",
        doc_number="湘新管发〔2023〕6号",
        written="2023-02-21",
        body="""
湘新管发〔2023〕6号
新区各部门，各园区、各街道：
为提升新区重点产业链竞争力，推动创新链与产业链深度融合，新区决定推行重点产业链“链长+链主+链创”工作机制，即链长统筹、链主引领、链创赋能。现将有关事项通知如下。
一、链长统筹
链长由新区领导担任，负责研究产业链发展重大事项，协调解决企业在用地、用工、融资等方面的困难。
二、链主引领
链主企业发挥龙头作用，牵头组建产业链联盟，带动配套企业在新区集聚。
三、链创赋能
依托新区研究院、创新中心等链创平台，为链上企业提供技术研发、检验检测和成果转化服务。
四、重点产业链分工
| 产业链 | 链长 | 链主企业 | 链创平台 | 责任部门 |
| 智能网联汽车 | 新区党工委书记 | 麓谷智行汽车科技有限公司 | 湘江智能网联测试中心 | 新区产业促进局 |
| 先进储能材料 | 管委会主任 | 岳麓储能材料股份有限公司 | 湘江新区储能材料研究院 | 新区产业促进局 |
| 软件和信息技术服务 | 管委会副主任 | 星城软件集团有限公司 | 长沙软件创新中心 | 新区科技创新局 |
| 生物医药 | 管委会副主任 | 湘江生物医药有限公司 | — | 新区科技创新局 |
> 长沙市湘江新区管理委员会
> 2023年2月21日
""",
    ),
    Doc(
        file="附件：2023年度四川省重点研发计划揭榜挂帅项目榜单.docx",
        shape="docx",
        title="2023年度四川省重点研发计划“揭榜挂帅”项目榜单",
        body="""
# 2023年度四川省重点研发计划“揭榜挂帅”项目榜单
根据《四川省科学技术厅关于开展2023年度重点研发计划“揭榜挂帅”项目揭榜工作的通知》，现发布首批榜单如下。揭榜单位应为在川注册的企业、高校或科研院所，可牵头联合其他单位揭榜。
| 序号 | 榜单名称 | 需求单位 | 攻关内容及指标 | 支持额度 | 揭榜截止日期 |
| 1 | 大功率氢燃料电池电堆 | 蜀能氢动科技有限公司 | 额定功率不低于200千瓦，电堆寿命不少于2万小时 | 2000万元 | 2023年6月30日 |
| 2 | 页岩气井下智能压裂装备 | 川南油气装备股份有限公司 | 实现压裂参数实时监测与自动调节，单井施工效率提升20%以上 | 1.2亿元 | 2023年6月30日 |
| 3 | 高原铁路隧道智能检测机器人 | 蜀道轨道检测技术有限公司 | 适应海拔4000米以上作业环境，衬砌病害自动识别准确率不低于95% | 800万元 | 2023年7月15日 |
| 4 | 白酒酿造微生物菌群调控 | 宜宾酿酒科技有限公司 | 建立酿造菌群功能图谱，优质酒出酒率提高10%以上 | 500万元 | 2023年7月15日 |
| 5 | 钒钛磁铁矿高效选冶 | 攀西钒钛资源开发集团有限公司 | 钛资源综合回收率提高到50%以上，建成万吨级示范线 | 0.6亿元 | 2023年7月31日 |
揭榜单位通过四川省科技管理信息系统在线提交揭榜方案，逾期不予受理。
""",
    ),
    Doc(
        file="山东省重大科技创新工程揭榜挂帅项目管理办法.txt",
        shape="txt",
        title="山东省科学技术厅 山东省财政厅关于印发《山东省重大科技创新工程“揭榜挂帅”项目管理办法》的通知",
        body="""
山东省科学技术厅 山东省财政厅关于印发《山东省重大科技创新工程“揭榜挂帅”项目管理办法》的通知
鲁科字〔2022〕35号
各市科技局、财政局，省直有关部门，各有关单位：
为打破科研项目申报的身份门槛，让有能力的团队承担攻关任务，我们制定了《山东省重大科技创新工程“揭榜挂帅”项目管理办法》，现印发给你们。本年度首批征集并发布企业技术需求62项，请各单位积极组织揭榜。
山东省重大科技创新工程“揭榜挂帅”项目管理办法
一、需求征集
省科技厅每年面向全省规模以上工业企业征集关键技术需求，经专家论证后形成榜单，在省科技厅门户网站公开发布。需求企业须承诺自筹资金不低于项目总投入的75%。
二、揭榜与遴选
揭榜不设学历、职称和单位性质限制，国内外高校、科研院所和企业均可揭榜。需求企业会同省科技厅组织答辩评审，择优确定揭榜团队，必要时可确定两个团队同台竞争。
三、资金支持
省财政资金支持比例原则上不超过项目总投入的25%，单个项目支持额度最高不超过2000万元，按照立项、中期评估和验收三个阶段拨付。
四、验收与激励
项目以需求企业出具的应用证明作为验收主要依据。对按期完成攻关任务、成果在省内转化的团队，在后续省级科技计划立项中予以优先支持。
山东省科学技术厅　山东省财政厅
2022年5月16日
""",
    ),
    Doc(
        file="关于深入推进重大科技工程组织实施的意见.pdf",
        shape="pdf",
        title="科技部关于深入推进重大科技工程组织实施的意见",
        running_header="国科发重〔2023〕41号",
        body="""
# 科技部关于深入推进重大科技工程组织实施的意见
> 国科发重〔2023〕41号
各省、自治区、直辖市及计划单列市科技厅（委、局），国务院有关部门科技司（局）：
为完善关键核心技术攻关的新型举国体制，把政府、市场、社会等各方面力量拧成一股绳，集中力量办大事，提升重大科技工程的组织实施效能，提出如下意见。
一、强化国家层面统筹
重大科技工程由国家统一部署、统一组织，工程总体单位对技术路线和进度负总责，参研单位按照合同分工承担任务。建立部省协同机制，工程所在地省级政府负责落实用地、配套资金和人才保障。
二、形成全国协作攻关网络
实践证明，跨地区、跨部门、跨行业的大协作是重大工程取得成功的关键。深海载人潜水器工程研制过程中，汇聚了全国18个省（区、市）的96家科研院所、高校和企业，近4000名科研人员参与攻关。高速磁浮交通系统工程联合13个省市的140余家单位、1.2万名科技和工程人员协同攻关，形成了完整的自主技术体系。
三、完善工程组织管理
实行总设计师和总指挥“两条线”管理，重大技术方案由总设计师系统负责，计划、经费和条件保障由总指挥系统负责。对关键节点实行里程碑考核。
四、加强保障
中央财政对重大科技工程给予稳定支持，各地区各部门要在人才引进、条件建设等方面加大配套力度。
> 科学技术部
> 2023年8月22日
""",
    ),
    Doc(
        file="t20210820_5129374.html",
        shape="trs",
        title="广西壮族自治区人民政府办公厅关于全面推行林长制的实施意见",
        issuer="广西壮族自治区人民政府办公厅",
        doc_number="桂政办发〔2021〕71号",
        written="2021-08-16",
        body="""
桂政办发〔2021〕71号
各市、县人民政府，自治区人民政府各组成部门、各直属机构：
为全面推行林长制，压实各级党委和政府保护发展森林资源的主体责任，现提出如下实施意见。
一、建立林长组织体系
全区设立自治区、市、县、乡、村五级林长。自治区设总林长，由自治区党委书记、自治区主席共同担任；设副总林长，由自治区分管负责同志担任。各级林长负责组织领导责任区域内森林和草原资源保护发展工作。
二、推行“一长两员”网格化管护
以村级林长、护林员、监管员为主体，构建“一长两员”网格化管护模式，实现山有人管、林有人护、责有人担。
三、主要任务
（一）加强森林资源保护。严格落实林地用途管制，严厉打击乱砍滥伐、乱占林地等违法行为。
（二）加强林业生态修复。科学开展国土绿化，持续推进石漠化综合治理和退化林修复。
（三）加强森林防火和有害生物防治。落实森林防火属地责任，健全松材线虫病等重大林业有害生物联防联治机制。
四、保障措施
各级林长办公室设在同级林业主管部门，承担林长制组织实施的具体工作。自治区林长办每年对市级林长制落实情况进行考核。
> 广西壮族自治区人民政府办公厅
> 2021年8月16日
""",
    ),
    Doc(
        file="T-CHMIA 0217-2022 矿用刮板输送机用高强度圆环链 技术条件.docx",
        shape="docx",
        title="矿用刮板输送机用高强度圆环链 技术条件",
        body="""
# 矿用刮板输送机用高强度圆环链 技术条件
> T/CHMIA 0217—2022
前言
本文件按照GB/T 1.1—2020《标准化工作导则 第1部分：标准化文件的结构和起草规则》的规定起草。本文件由中国重型机械工业协会提出并归口。本文件起草单位：华北矿山机械研究所有限公司、太行链条制造有限公司。
1 范围
本文件规定了矿用刮板输送机用高强度圆环链的型式与尺寸、技术要求、试验方法和检验规则，适用于公称直径22 mm至48 mm的圆环链。
2 术语和定义
2.1 链长：在规定测量力作用下，链条两端链环内侧之间的距离。
2.2 节距：相邻两链环内侧之间的公称距离。
3 技术要求
3.1 链条在0.1倍破断载荷的测量力下，每11环链长的实测值与公称值的偏差应在0至+0.25%之间。
3.2 成对使用的两条链条，链长之差不应大于其公称链长的0.1%。
3.3 链环表面不应有裂纹、折叠和过烧等缺陷，焊接接头应均匀饱满。
4 试验方法
4.1 链长测量应在链条经预拉伸后进行，测量精度不低于0.5 mm。
4.2 破断载荷试验按照GB/T 12718的规定执行。
""",
    ),
    Doc(
        file="关于举办2023年陕西省大学生企业命题揭榜挂帅专项赛的通知.html",
        shape="article",
        title="关于举办2023年陕西省大学生创新创业大赛“企业出题·学生揭榜”专项赛的通知",
        issuer="共青团陕西省委 陕西省教育厅",
        doc_number="陕青联发〔2023〕9号",
        written="2023-04-10",
        body="""
陕青联发〔2023〕9号
各普通高等学校团委、教务处：
为引导青年学生把论文写在祖国大地上，团省委、省教育厅决定在2023年陕西省大学生创新创业大赛中设立“企业出题·学生揭榜”专项赛，采用“揭榜挂帅”方式由企业发布命题、学生团队揭榜作答。现将有关事项通知如下。
一、参赛对象
全省普通高校全日制在校学生均可组队参赛，每支团队不超过5人，指导教师不超过2人。
二、赛程安排
5月上旬发布企业命题，6月15日前各团队提交揭榜作品，7月中旬举行省级决赛。
三、奖励办法
专项赛设一等奖10项、二等奖20项、三等奖30项，命题企业为一等奖团队每队提供奖金2万元，优秀作品推荐参加全国赛。
四、联系方式
团省委学校部，联系电话：029-8xxxxxx。
> 共青团陕西省委　陕西省教育厅
> 2023年4月10日
""",
    ),
    Doc(
        file="河北省体育局关于做好第十五届全运会备战工作的通知.txt",
        shape="txt",
        title="河北省体育局关于做好第十五届全国运动会备战工作的通知",
        body="""
河北省体育局关于做好第十五届全国运动会备战工作的通知
冀体竞〔2023〕12号
各市（含定州、辛集市）体育局，局属各单位：
第十五届全国运动会将于2025年举行。为确保我省在本届全运会上取得优异成绩，现就备战工作通知如下。
一、坚持举国体制与市场机制相结合
充分发挥竞技体育举国体制优势，统筹省、市两级训练资源，鼓励社会力量和企业参与办队，形成“省队市办、省市共建”的备战格局。
二、突出重点项目
集中力量保障射击、举重、摔跤、速度滑冰等优势项目，对有望夺金的重点运动员实行一人一策的保障方案。
三、加强科学训练
依托省体育科学研究所组建科研医疗团队，对重点运动员开展体能监测、伤病防治和营养保障。
四、严格反兴奋剂工作
各单位要落实反兴奋剂主体责任，做到教育、检查和处罚全覆盖，坚决杜绝兴奋剂问题。
河北省体育局
2023年3月2日
""",
    ),
    Doc(
        file="南京市科学技术局2022年工作总结和2023年工作思路.html",
        shape="zoom",
        title="南京市科学技术局2022年工作总结和2023年工作思路",
        issuer="南京市科学技术局",
        written="2023-01-18",
        body="""
2022年，市科技局坚持以科技创新引领高质量发展，各项工作取得积极进展。
一、2022年主要工作
（一）创新主体加快壮大。全年新认定高新技术企业1900余家，新增科技型中小企业评价入库企业5200余家。
（二）创新平台持续完善。新建市级新型研发机构12家，新增省级以上重点实验室8个。
（三）科技项目组织方式不断优化。全年立项市级科技计划项目640项，其中组织实施“揭榜挂帅”项目18项，配合市工信局做好产业链链长制相关工作。
（四）科技金融服务扎实推进。“宁科贷”累计为科技型企业发放贷款46亿元。
二、2023年工作思路
（一）围绕主导产业加快布局一批市级重点实验室。
（二）实施高新技术企业“育苗扶壮”行动，力争高新技术企业总数突破1.1万家。
（三）深化科技人才评价改革，推行以创新价值、能力、贡献为导向的人才评价办法。
（四）优化科技创新券使用范围，降低中小企业研发成本。
> 南京市科学技术局
> 2023年1月18日
""",
    ),
]


# ---------------------------------------------------------------- markup

def blocks(body: str) -> list[tuple[str, object]]:
    """(kind, content) blocks: title, right, para, page, table (list of rows)."""
    out: list[tuple[str, object]] = []
    for line in (raw.strip() for raw in body.strip().splitlines()):
        if not line:
            continue
        if line.startswith("|"):
            row = [cell.strip() for cell in line.strip("|").split("|")]
            if out and out[-1][0] == "table":
                out[-1][1].append(row)
            else:
                out.append(("table", [row]))
        elif line == PAGE_BREAK:
            out.append(("page", ""))
        elif line.startswith("# "):
            out.append(("title", line[2:]))
        elif line.startswith("> "):
            out.append(("right", line[2:]))
        else:
            out.append(("para", line))
    return out


# ---------------------------------------------------------------- HTML

def esc(text: str) -> str:
    return html.escape(text, quote=False)


def body_html(doc: Doc) -> str:
    parts = []
    for kind, content in blocks(doc.body):
        if kind == "table":
            header, *rows = content
            head = "".join(f"<th>{esc(c)}</th>" for c in header)
            trs = "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>" for row in rows)
            parts.append(f'<table border="1" cellspacing="0" cellpadding="4"><tbody><tr>{head}</tr>{trs}</tbody></table>')
        elif kind == "right":
            parts.append(f'<p style="text-align: right;">{esc(content)}</p>')
        elif kind == "title":
            parts.append(f'<p style="text-align: center;"><strong>{esc(content)}</strong></p>')
        elif kind == "para":
            parts.append(f'<p style="text-indent: 2em;">{esc(content)}</p>')
    return "\n".join(parts)


def ucap_page(doc: Doc) -> str:
    """gov.cn policy-library look-alike: metadata table, then the body in #UCAP-CONTENT."""
    meta = (("索  引  号：", doc.index_number), ("主题分类：", "工业、交通\\工业"), ("发文机关：", doc.issuer),
            ("成文日期：", doc.written), ("标　　题：", doc.title), ("发文字号：", doc.doc_number))
    cells = "".join(f"<tr><td class=\"t1\"><b>{k}</b></td><td>{esc(v)}</td></tr>" for k, v in meta)
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{esc(doc.title)}_政府信息公开</title>
<meta name="ArticleTitle" content="{esc(doc.title)}"></head>
<body><div class="header">首页 &gt; 政府信息公开 &gt; 政策文件</div>
<div class="policyLibraryOverview_header"><table class="xxgk-table"><tbody>{cells}</tbody></table></div>
<div class="pages_content" id="UCAP-CONTENT">
{body_html(doc)}
</div>
<div class="footer">主办单位：省人民政府办公厅　网站标识码 4300000000</div>
</body></html>
"""


def trs_page(doc: Doc) -> str:
    """TRS portal detail page: an xxgk block, title in <h1>, body in .TRS_Editor."""
    return f"""<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>{esc(doc.title)}</title>
<meta name="ArticleTitle" content="{esc(doc.title)}">
<meta name="PubDate" content="{doc.written} 09:30">
<meta name="ContentSource" content="{esc(doc.issuer)}"></head>
<body><div class="nav">当前位置：首页 &gt; 政务公开 &gt; 政府文件</div>
<div class="xxgk_top"><ul><li>发布机构：{esc(doc.issuer)}</li><li>文号：{esc(doc.doc_number)}</li>
<li>成文日期：{doc.written}</li></ul></div>
<h1 class="article-title">{esc(doc.title)}</h1>
<div class="article-con"><div class="TRS_Editor">
{body_html(doc)}
</div></div>
<div class="share">【打印本页】【关闭窗口】</div>
</body></html>
"""


def zoom_page(doc: Doc, charset_meta: bool) -> str:
    """A municipal portal page with the body in #zoom; the GBK one declares no charset at all."""
    meta = '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">\n' if charset_meta else ""
    number = f"<span>文号：{esc(doc.doc_number)}</span>" if doc.doc_number else ""
    return f"""<html><head>{meta}<title>{esc(doc.title)}</title></head>
<body><div class="location">您当前的位置：首页 &gt; 信息公开 &gt; 通知公告</div>
<div class="detail"><h2 class="title">{esc(doc.title)}</h2>
<div class="info"><span>来源：{esc(doc.issuer)}</span><span>发布时间：{doc.written}</span>{number}</div>
<div id="zoom">
{body_html(doc)}
</div></div>
</body></html>
"""


def article_page(doc: Doc) -> str:
    """A league/university site with no portal conventions: body in <div class="article">."""
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="UTF-8"><title>{esc(doc.title)} - 通知公告</title></head>
<body><header><nav>首页 | 通知公告 | 青年创新 | 联系我们</nav></header>
<main><h3>{esc(doc.title)}</h3><p class="date">{doc.written}　浏览次数：1287</p>
<div class="article">
{body_html(doc)}
</div></main>
<footer>版权所有 © 2023</footer>
</body></html>
"""


# ---------------------------------------------------------------- PDF

def pdf_bytes(doc: Doc) -> bytes:
    from reportlab import rl_config
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    rl_config.invariant = 1  # no creation date / random id: the same text gives the same bytes
    if FONT_NAME not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT_NAME, str(FONT_FILE), subfontIndex=0))
    body = ParagraphStyle("body", fontName=FONT_NAME, fontSize=12, leading=20, firstLineIndent=24, wordWrap="CJK")
    title = ParagraphStyle("title", parent=body, fontSize=16, leading=26, alignment=TA_CENTER, firstLineIndent=0,
                           spaceBefore=6, spaceAfter=10)
    right = ParagraphStyle("right", parent=body, alignment=TA_RIGHT, firstLineIndent=0)
    cell = ParagraphStyle("cell", parent=body, fontSize=10.5, leading=15, firstLineIndent=0)

    flow = []
    for kind, content in blocks(doc.body):
        if kind == "title":
            flow.append(Paragraph(esc(content), title))
        elif kind == "right":
            flow.append(Paragraph(esc(content), right))
        elif kind == "para":
            flow.append(Paragraph(esc(content), body))
        elif kind == "page":
            flow.append(PageBreak())
        elif kind == "table":
            width = (A4[0] - 50 * mm) / len(content[0])
            table = Table([[Paragraph(esc(c), cell) for c in row] for row in content], colWidths=[width] * len(content[0]),
                          repeatRows=1)
            table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.6, colors.black),
                                       ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
            flow += [Spacer(1, 4), table, Spacer(1, 8)]

    def decorate(canvas, template):
        canvas.saveState()
        canvas.setFont(FONT_NAME, 9)
        if doc.running_header:
            canvas.drawString(25 * mm, A4[1] - 15 * mm, doc.running_header)
        canvas.drawCentredString(A4[0] / 2, 12 * mm, f"— {template.page} —")
        canvas.restoreState()

    buffer = io.BytesIO()
    template = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=25 * mm, rightMargin=25 * mm, topMargin=25 * mm,
                                 bottomMargin=22 * mm, title=doc.title, author="", creator="", producer="")
    template.build(flow, onFirstPage=decorate, onLaterPages=decorate)
    return buffer.getvalue()


# ---------------------------------------------------------------- DOCX

def docx_bytes(doc: Doc) -> bytes:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn

    document = docx.Document()
    style = document.styles["Normal"]
    style.font.name = "仿宋"
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "仿宋")
    document.core_properties.created = FIXED_TIME
    document.core_properties.modified = FIXED_TIME
    document.core_properties.title = doc.title
    for kind, content in blocks(doc.body):
        if kind == "table":
            table = document.add_table(rows=len(content), cols=len(content[0]))
            table.style = "Table Grid"
            for row, values in zip(table.rows, content):
                for cell, value in zip(row.cells, values):
                    cell.text = value
        elif kind == "title":
            paragraph = document.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            paragraph.add_run(content).bold = True
        elif kind == "right":
            document.add_paragraph(content).alignment = WD_ALIGN_PARAGRAPH.RIGHT
        elif kind == "para":
            document.add_paragraph(content)
    buffer = io.BytesIO()
    document.save(buffer)
    return fixed_zip_times(buffer.getvalue())


def fixed_zip_times(data: bytes) -> bytes:
    """Rewrite a zip with constant member timestamps, so a rebuild is byte-identical."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            member.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(member, src.read(info))
    return out.getvalue()


# ---------------------------------------------------------------- driver

def render(doc: Doc) -> bytes:
    if doc.shape == "ucap":
        return ucap_page(doc).encode("utf-8")
    if doc.shape == "trs":
        return trs_page(doc).encode("utf-8")
    if doc.shape == "zoom":
        return zoom_page(doc, charset_meta=True).encode("utf-8")
    if doc.shape == "zoom-gbk":
        return zoom_page(doc, charset_meta=False).encode("gbk")
    if doc.shape == "article":
        return article_page(doc).encode("utf-8")
    if doc.shape == "pdf":
        return pdf_bytes(doc)
    if doc.shape == "docx":
        return docx_bytes(doc)
    if doc.shape == "txt":
        return "\n".join(text for kind, text in blocks(doc.body) if kind in ("para", "title", "right")).encode("utf-8") + b"\n"
    raise ValueError(f"unknown document shape {doc.shape!r}")


def main() -> None:
    DOCS.mkdir(parents=True, exist_ok=True)
    wanted = {doc.file for doc in DOCUMENTS}
    for stale in DOCS.iterdir():
        if stale.name not in wanted:
            stale.unlink()
    for doc in DOCUMENTS:
        (DOCS / doc.file).write_bytes(render(doc))
    print(f"wrote {len(DOCUMENTS)} documents to {DOCS}")


if __name__ == "__main__":
    main()
