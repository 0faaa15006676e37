"""The cue terms of the three modes and their roles: one list that segmentation, rules, extraction and exports share.

Why one module: the same words decide token boundaries (segment), label
sentences (classify/extract) and are counted in mentions.csv (export); kept
apart they drift, and a researcher could not say which words a table means.
"""

from __future__ import annotations

ROLE_TERMS: tuple[str, ...] = (
    "总链长", "副总链长", "链长", "副链长", "链主", "链主企业", "链长办", "工作专班", "牵头单位", "牵头部门",
    "发榜方", "揭榜方", "需求单位", "总河长", "河长")
"""Roles named in schemes (河长 kept so that river-chief notices are recognised, and kept out)."""

MODE_TERMS: tuple[str, ...] = (
    "链长制", "揭榜挂帅", "新型举国体制", "举国体制", "集中力量办大事", "张榜", "发榜", "揭榜", "榜单",
    "河长制", "湖长制", "林长制")
"""Names of mechanisms, including the look-alike 河长制/湖长制/林长制 the classifier must tell apart."""

KEY_TERMS: dict[str, tuple[str, ...]] = {
    "national_system": ("新型举国体制", "举国体制", "集中力量办大事"),
    "chain_leader": ("链长制", "总链长", "链长", "链主", "链主企业"),
    "open_competition": ("揭榜挂帅", "揭榜", "发榜", "张榜", "榜单"),
}
"""Per mode, the terms whose every occurrence mentions.csv lists (keyword in context)."""
