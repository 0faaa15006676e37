"""Portal hosts → regions (pipeline.regions.site_division) on the real division list and pypinyin's real readings.

The hosts are made up here in the pattern government portals follow (the pinyin or initials of the unit's name,
department labels before it); none is looked up on the internet."""

from __future__ import annotations

import pytest

from pipeline.models import DocumentMeta
from pipeline.parse.metadata import complete
from pipeline.regions import (Evidence, _gov_host_unit, _portal_domains, host_key_coverage, resolve_region,
                              site_division)


def _name(site: str) -> str | None:
    unit = site_division(site)
    return unit.full_name if unit else None


@pytest.mark.parametrize(("host", "unit"), [
    ("https://www.rudongxian.gov.cn/art/1.html", "南通市如东县"),  # the name's full pinyin, suffix included
    ("www.lvliang.gov.cn", "吕梁市"),  # ü spelled v
    ("www.changzhi.gov.cn", "长治市"),  # 长 read chang: pypinyin reads the name zhangzhi
    ("www.bd.gov.cn", "保定市"),  # a prefecture-level city's initials, unique
    ("fgw.bd.gov.cn", "保定市"),  # a department's label before it changes nothing
    ("www.fuliang.jdz.gov.cn", "景德镇市浮梁县"),  # a county inside the city the outer label names
    ("www.rudong.jdz.gov.cn", "景德镇市"),  # 如东 is not in 景德镇: that label is taken as a department's
    ("www.xiaoshan.hz.gov.cn", "杭州市萧山区"),  # hz is six cities; only 杭州 holds a 萧山
    ("www.jstongzhou.gov.cn", "南通市通州区"),  # a province's initials before a unit's pinyin
    ("www.bjtongzhou.gov.cn", "北京市通州区"),
    ("www.zjyiwu.gov.cn", "金华市义乌市"),
    ("www.yiwu.zj.gov.cn", "金华市义乌市"),  # inside the unit of a portal-table row
    ("kjt.zj.gov.cn", "浙江省"),
    ("www.changsha.gov.cn", "长沙市"),  # 长沙市 and its own 长沙县: the unit holding the other
])
def test_gov_hosts_are_read_from_the_pinyin_of_division_names(host, unit):
    assert _name(host) == unit


@pytest.mark.parametrize("host", [
    "www.yiwu.gov.cn",  # 义乌市 and 伊吾县 read alike
    "www.tongzhou.gov.cn",  # 北京 and 南通 both have a 通州区
    "www.changning.gov.cn",  # 长宁区, 常宁市, 长宁县, 昌宁县
    "www.luliang.gov.cn",  # 吕梁 with ü as u is also 陆良县
    "www.hz.gov.cn",  # 杭州, 湖州, 惠州, 菏泽 …
    "www.jsyiwu.gov.cn",  # neither 义乌 nor 伊吾 is in 江苏
    "www.rd.gov.cn",  # a county's initials are not read: too many counties share them
    "www.gov.cn", "www.miit.gov.cn", "www.ndrc.gov.cn", "www.most.gov.cn", "www.samr.gov.cn",  # central portals
    "www.rudong.com.cn", "https://news.hangzhou.com.cn/a.html",  # not a gov.cn host: a news site's name says nothing
])
def test_ambiguous_central_and_non_government_hosts_name_no_region(host):
    assert site_division(host) is None


def test_the_portal_table_breaks_ties_the_pinyin_leaves_and_keeps_nothing_the_pinyin_gives():
    assert _name("www.sz.gov.cn") == "深圳市" and _name("rsj.gz.gov.cn") == "广州市"  # sz, gz: several cities
    assert _name("www.shaanxi.gov.cn") == "陕西省" and _name("www.shanxi.gov.cn") == "山西省"
    rows = _portal_domains()
    assert rows
    for suffix, unit in rows:  # every row is there because the labels alone would not give its unit
        labels = suffix.removesuffix(".gov.cn").split(".")[::-1]
        assert _gov_host_unit(labels, None) != unit, suffix


def test_most_units_have_a_key_of_their_own():
    coverage = host_key_coverage()
    for level, (alone, units) in coverage.items():
        assert 0 < alone < units, level  # some keys are shared (shanxi, sz), most are not
    assert coverage["county"][0] / coverage["county"][1] > 0.8
    assert coverage["city"][0] / coverage["city"][1] > 0.9


def test_a_county_portal_decides_a_notice_that_names_no_place():
    site = ("https://www.rudongxian.gov.cn/zwgk/1.html",)
    assert resolve_region(Evidence(site=site, body="我县召开产业链链长工作会议。")).name == "南通市如东县"
    assert resolve_region(Evidence(site=site, body="我县召开会议。")).decided_by == "site"
    meta = complete(DocumentMeta(title="关于建立重点产业链链长制的通知"), ["http://www.fuliang.jdz.gov.cn/art/1.html"])
    assert (meta.region, meta.province, meta.admin_code) == ("景德镇市浮梁县", "江西省", "360222")
