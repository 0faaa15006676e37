"""HTML bodies and page metadata on pages written here in the shape of gov.cn, TRS/xxgk and gkmlpt templates."""

from __future__ import annotations

import json

from pipeline.formats import HTML
from pipeline.models import RawPart
from pipeline.parse import parse_part

NAV = """<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li>
<li><a href="/map">网站地图</a></li></ul></div><header><a href="/">无障碍</a></header>"""
FOOTER = """<footer><p>主办单位：示范市人民政府办公厅 版权所有</p><p>网站标识码 0000000000 ICP备00000000号</p></footer>
<script>var trackingCode = "首页统计";</script>"""


def parse(html: str | bytes, url: str = "https://www.gov.cn/zhengce/content/2023-06/20/content_1.htm"):
    data = html.encode("utf-8") if isinstance(html, str) else html
    return parse_part(data, RawPart(role="page", url=url, sha256="", media_type=HTML))


def test_gbk_page_without_charset_is_decoded():
    html = ("<html><head><title>通知</title></head><body><div id='zoom'><p>各区科技局：</p>"
            "<p>现将揭榜挂帅项目榜单予以发布，请认真组织申报。</p></div></body></html>")
    part = parse(html.encode("gbk"))
    assert part.text == "各区科技局：\n现将揭榜挂帅项目榜单予以发布，请认真组织申报。"


GOVCN = """<!DOCTYPE html><html><head><meta charset="utf-8">
<meta name="firstpublishedtime" content="2023-06-20-10:30:00"><title>示范意见_国务院_中国政府网</title></head>
<body>""" + NAV + """
<table class="bd1"><tbody>
<tr><td><b>索 引 号：</b></td><td>000014349/2023-00042</td><td><b>主题分类：</b></td><td>科技、教育\\科技</td></tr>
<tr><td><b>发文机关：</b></td><td>国务院办公厅</td><td><b>成文日期 ：</b></td><td>2023年06月14日</td></tr>
<tr><td><b>标　　题：</b></td><td colspan="3">国务院办公厅关于深化科技成果转化机制改革的意见</td></tr>
<tr><td><b>发文字号：</b></td><td>国办发[2023]18号</td><td><b>发布日期：</b></td><td>2023.06.20</td></tr>
</tbody></table>
<table><tr><td><table><tr><td id="UCAP-CONTENT">
<p style="text-align:center"><span>国务院办公厅关于深化</span><br><span>科技成果转化机制改革的意见</span></p>
<p>国办发〔2023〕18号</p>
<p style="text-indent:2em">各省、自治区、直辖市人民政府，国务院各部委、各直属机构：</p>
<p style="text-indent:2em">　　科技成果转化是创新链与产业链<span>深度融合</span>的关键环节。现提出如下意见。</p>
<table border="1"><tr><td>任务</td><td>牵头单位</td></tr><tr><td>建设概念验证中心</td><td>科技部</td></tr></table>
<p style="text-align:right">国务院办公厅</p><p style="text-align:right">2023年6月14日</p>
</td></tr></table></td></tr></table>""" + FOOTER + "</body></html>"


def test_govcn_page_metadata_table_and_body():
    part = parse(GOVCN)
    assert part.error == ""
    meta = part.meta
    assert meta.index_number == "000014349/2023-00042"
    assert meta.category == "科技、教育\\科技"
    assert meta.issuer == "国务院办公厅"
    assert meta.written_date == "2023-06-14"
    assert meta.publish_date == "2023-06-20"
    assert meta.title == "国务院办公厅关于深化科技成果转化机制改革的意见"
    assert meta.doc_number == "国办发〔2023〕18号"
    paragraphs = part.text.split("\n")
    assert paragraphs[:2] == ["国务院办公厅关于深化", "科技成果转化机制改革的意见"]  # <br> splits the title
    assert "科技成果转化是创新链与产业链深度融合的关键环节。现提出如下意见。" in paragraphs
    assert part.tables[0].rows == (("任务", "牵头单位"), ("建设概念验证中心", "科技部"))
    assert "概念验证中心" not in part.text
    for chrome in ("首页", "网站地图", "版权所有", "索引号", "首页统计", "无障碍"):
        assert chrome not in part.text


TRS = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<meta name="ArticleTitle" content="示范省科技厅关于印发重点产业链揭榜挂帅实施办法的通知">
<meta name="PubDate" content="2023-08-25 09:00"><meta name="ContentSource" content="示范省科学技术厅"></head><body>
""" + NAV + """<div class="xxgk"><ul>
<li><span>索引号：</span>11330000002482028A/2023-76543</li>
<li><span>发布机构：</span>浙江省科学技术厅</li>
<li>文件编号：浙科发(2023)27号</li>
<li><span>生成日期：</span>2023年8月21日</li>
</ul></div>
<div id="zoom"><div class="TRS_Editor"><p>各设区市科技局：</p>
<p>现将《重点产业链揭榜挂帅实施办法》印发给你们,请认真贯彻执行。</p>
<p>附件：重点产业链揭榜挂帅实施办法</p></div></div>""" + FOOTER + "</body></html>"


def test_trs_page_xxgk_labels_meta_tags_and_gb2312():
    part = parse(TRS.encode("gb18030"), url="https://kjt.zj.gov.cn/art/2023/8/25/art_1229_1.html")
    assert part.error == ""
    assert part.text.split("\n") == ["各设区市科技局：", "现将《重点产业链揭榜挂帅实施办法》印发给你们，请认真贯彻执行。",
                                     "附件：重点产业链揭榜挂帅实施办法"]
    meta = part.meta
    assert meta.index_number == "11330000002482028A/2023-76543"
    assert meta.issuer == "浙江省科学技术厅"  # labelled field beats the <meta> ContentSource
    assert meta.doc_number == "浙科发〔2023〕27号"
    assert meta.written_date == "2023-08-21"
    assert meta.publish_date == "2023-08-25"
    assert meta.title == "示范省科技厅关于印发重点产业链揭榜挂帅实施办法的通知"


def _gkmlpt_page() -> str:
    body = ("<p style=\"text-align: center;\">穗科函〔2024〕12号</p><p>各有关单位：</p>"
            "<p>为推动链主企业牵头攻关，现就有关事项通知如下。</p>"
            "<table><tr><td>产业链</td><td>链主企业</td></tr><tr><td>智能网联汽车</td><td>示范汽车集团</td></tr></table>")
    detail = {"id": 1, "title": "示范市科技局关于组织链主企业开展联合攻关的通知", "content": body,
              "identifier": "007482848/2024-00123", "document_number": "穗科函〔2024〕12号",
              "publisher": "示范市科学技术局", "date": 1714492800}
    escaped = json.dumps(detail, ensure_ascii=True).replace("<", "\\u003C").replace(">", "\\u003E").replace("/", "\\/")
    return ("<html><head><meta name=\"ArticleTitle\" content=\"示范市科技局关于组织链主企业开展联合攻关的通知\">"
            "<meta name=\"PubDate\" content=\"2024-05-06 10:00\"></head><body>" + NAV +
            "<div class=\"table\"><span>标题：</span><span class=\"td-value\"></span></div>"
            "<div id=\"app\"></div><script>window._CONFIG = {\n ACTION: 'content',\n SID: '200001',\n"
            " DETAIL: " + escaped + ",\n TREE: []\n};</script>" + FOOTER + "</body></html>")


def test_gkmlpt_page_body_from_script_config():
    part = parse(_gkmlpt_page(), url="http://kjj.gz.gov.cn/gkmlpt/content/9/9000/post_9000001.html")
    assert part.error == ""
    assert part.text.split("\n") == ["穗科函〔2024〕12号", "各有关单位：", "为推动链主企业牵头攻关，现就有关事项通知如下。"]
    assert part.tables[0].rows == (("产业链", "链主企业"), ("智能网联汽车", "示范汽车集团"))
    meta = part.meta
    assert meta.title == "示范市科技局关于组织链主企业开展联合攻关的通知"
    assert meta.doc_number == "穗科函〔2024〕12号"
    assert meta.issuer == "示范市科学技术局"
    assert meta.index_number == "007482848/2024-00123"
    assert meta.written_date == "2024-05-01"  # unix seconds read in China time
    assert meta.publish_date == "2024-05-06"


def test_unknown_template_falls_back_to_densest_block():
    links = "".join(f"<li><a href='/c{i}'>栏目{i}</a></li>" for i in range(40))
    html = (f"<html><body><div class='menu'><ul>{links}</ul></div><div class='main'><div class='wrap'>"
            "<p>第一条为促进科技成果转化，制定本规定。</p><p>第二条本规定适用于本市行政区域内的科技成果转化活动。</p>"
            "<p>第三条市科技行政部门负责统筹协调。</p></div></div></body></html>")
    part = parse(html)
    assert part.text.split("\n") == ["第一条为促进科技成果转化，制定本规定。", "第二条本规定适用于本市行政区域内的科技成果转化活动。",
                                     "第三条市科技行政部门负责统筹协调。"]


def test_page_without_body_gives_error():
    part = parse("<html><head><title>404</title></head><body><script>location.href='/'</script></body></html>")
    assert part.error == "empty page: no body text found"


def test_empty_body_container_is_an_empty_page_that_keeps_its_metadata():
    html = ("<html><body><table><tr><td>发文机关：</td><td>国务院办公厅</td><td>发文字号：</td><td>国办发〔2022〕39号</td></tr>"
            "<tr><td>标题：</td><td>国务院办公厅关于做好能源保供工作的通知</td></tr></table>"
            "<div id='UCAP-CONTENT'></div><div class='footer'><p>主办单位：示例网站。网站标识码：0000000000，"
            "联系我们，网站地图，版权所有，未经许可不得转载。</p></div></body></html>")
    part = parse(html)
    assert part.error == "empty page: no body text found"
    assert part.text == ""
    assert (part.meta.issuer, part.meta.doc_number) == ("国务院办公厅", "国办发〔2022〕39号")
