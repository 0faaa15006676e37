"""report.html: one self-contained page (no network) with the Table 1 rendition, the adoption timeline, a
province map, documents per mode per year, and the evidence behind every cell and point.

Everything is drawn here as HTML and inline SVG; the page's script (report.js,
inlined) only sorts tables and opens the evidence panel.  Every clickable cell
or point carries ``data-ev``: indices into the evidence list embedded as JSON
(sentence, title, date, issuer, 文号, URL or file, attachment and PDF page).
The province outlines come from pipeline/exports/vendor/china-provinces.geojson
(simplified from Apache ECharts 4.9.0's china.json, Apache-2.0).
"""

from __future__ import annotations

import html
import json
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

import pandas as pd

from pipeline.models import MODES, Evidence
from pipeline.regions import region_fields

ASSETS = Path(__file__).parent
GEOMETRY = ASSETS / "vendor" / "china-provinces.geojson"
MODE_NAMES = {"national_system": "新型举国体制", "chain_leader": "链长制", "open_competition": "揭榜挂帅"}
MODE_COLOURS = {"national_system": "#8e44ad", "chain_leader": "#c0392b", "open_competition": "#2471a3"}
YEAR_COLOURS = ("#67000d", "#cb181d", "#fb6a4a", "#fc9272", "#fcbba1", "#fdd9c9")  # earliest adopters darkest


def esc(value: object) -> str:
    return html.escape("" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value))


class EvidenceIndex:
    """Evidence made readable once, referred to by index from every cell and point."""

    def __init__(self, findings) -> None:
        self._findings = findings
        self.items: list[dict] = []
        self._seen: dict[tuple, int] = {}

    def add(self, evidences: Iterable[Evidence]) -> list[int]:
        ids = []
        for evidence in evidences:
            key = (evidence.doc_id, evidence.sentence, evidence.locator, evidence.text)
            if key not in self._seen:
                self._seen[key] = len(self.items)
                self.items.append(self._findings.evidence(evidence))
            ids.append(self._seen[key])
        return ids

    def document(self, doc_id: str, mode: str | None = None) -> list[int]:
        """A document's evidence for ``mode`` (its best sentence), or just its citation when there is none."""
        result = self._findings.results.get(doc_id)
        if mode and result and result.classification:
            found = result.classification.result(mode).evidence[:1]
            if found:
                return self.add(found)
        return self.add([Evidence(doc_id, "")])


def attr(ids: Iterable[int]) -> str:
    return f' data-ev="{",".join(map(str, ids))}" tabindex="0"'


def write_report(findings, manifest: Mapping[str, object], path: Path) -> Path:
    """Write report.html (``findings`` is a pipeline.export.Findings)."""
    path.write_text(render_report(findings, manifest), encoding="utf-8")
    return path


def render_report(findings, manifest: Mapping[str, object]) -> str:
    index = EvidenceIndex(findings)
    documents = findings.documents.fillna("")
    adoption = _adoption(documents)
    sections = [
        _header(manifest, documents),
        _table1(findings, index),
        _timeline(adoption, index),
        _map(documents, adoption, index),
        _per_year(documents, index),
    ]
    data = json.dumps({"evidence": index.items}, ensure_ascii=False).replace("</", "<\\/")
    return (f"<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
            f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<link rel=\"icon\" href=\"data:,\"><title>policy-miner report</title>"
            f"<style>{(ASSETS / 'report.css').read_text(encoding='utf-8')}</style></head><body>"
            f"<main>{''.join(sections)}</main>"
            f"<aside id=\"evidence\" aria-live=\"polite\"><button id=\"close\" type=\"button\">×</button>"
            f"<h2>Evidence</h2><p class=\"hint\">Click a cell, point or bar to see the sentences behind it.</p>"
            f"<div id=\"items\"></div></aside>"
            f"<script type=\"application/json\" id=\"data\">{data}</script>"
            f"<script>{(ASSETS / 'report.js').read_text(encoding='utf-8')}</script></body></html>\n")


def _header(manifest: Mapping[str, object], documents: pd.DataFrame) -> str:
    counts = manifest.get("counts", {}) if isinstance(manifest.get("counts"), dict) else {}
    store = manifest.get("store", {}) if isinstance(manifest.get("store"), dict) else {}
    facts = [("pipeline", manifest.get("pipeline_version")), ("code", manifest.get("code_digest")),
             ("model", manifest.get("model_digest")), ("lexicon", manifest.get("lexicon_digest")),
             ("exported", manifest.get("finished_at") or manifest.get("started_at")),
             ("input", manifest.get("input_dir") or ", ".join(manifest.get("sources", [])) or store.get("path")),
             ("store content hash", str(store.get("content_hash", ""))[:16]),
             ("Prefect flow run", manifest.get("flow_run_id") or "—")]
    modes = {m: int(documents.modes.str.split(";").map(lambda ms, m=m: m in ms).sum()) for m in MODES}
    return ("<header><h1>政策创新模式 · policy-miner report</h1>"
            f"<p class=\"lead\">{len(documents)} documents · "
            + " · ".join(f"<span class=\"mode {m}\">{MODE_NAMES[m]}</span> {n}" for m, n in modes.items())
            + "</p><details><summary>Run manifest</summary><table class=\"manifest\">"
            + "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in facts)
            + "".join(f"<tr><th>rows: {esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in counts.items())
            + "</table></details></header>")


def _table1(findings, index: EvidenceIndex) -> str:
    table = findings.chain_leader_table.fillna("").set_index("region", drop=False)
    rows = []
    for scheme in findings.schemes:
        row = table.loc[scheme.region] if scheme.region in table.index else None
        if isinstance(row, pd.DataFrame):
            row = row.iloc[0]
        every = index.add(e for items in scheme.evidence.values() for e in items) or \
            [i for d in scheme.doc_ids for i in index.document(d, "chain_leader")]

        def cell(name: str, text: str, every=every, scheme=scheme) -> str:
            ids = index.add(scheme.evidence.get(name, ())) or every
            return f"<td{attr(ids)}>{esc(text)}</td>"

        first_date = row["first_date"] if row is not None else ""
        rows.append("<tr>" + f"<td class=\"region\"{attr(every)}>{esc(scheme.region)}</td>"
                    + f"<td>{esc(row['province'] if row is not None else '')}</td>"
                    + f"<td{attr(every)}>{esc(first_date)}</td>"
                    + cell("concept", scheme.concept) + cell("model", "、".join(scheme.model))
                    + cell("key_chains", "、".join(scheme.key_chains)) + "</tr>")
    return ("<section id=\"table1\"><h2>Table 1 · 链长制 by region</h2>"
            "<p class=\"hint\">Click a column head to sort; click a cell for its evidence.</p>"
            "<table class=\"sortable\"><thead><tr><th>地区 region</th><th>省 province</th><th>first document</th>"
            "<th>发展理念 concept</th><th>发展模式 model</th><th>重点产业链方向 key chains</th></tr></thead><tbody>"
            + "".join(rows) + "</tbody></table></section>")


@dataclass(frozen=True)
class Adoption:
    region: str
    province: str
    date: str
    doc_id: str
    title: str


def _adoption(documents: pd.DataFrame) -> list[Adoption]:
    """Per region, its first 链长制 document (by date): the policy-diffusion curve's points."""
    chain = documents[documents.modes.str.split(";").map(lambda ms: "chain_leader" in ms)
                      & (documents.region != "") & (documents.date != "")]
    first = chain.sort_values(["date", "doc_id"]).drop_duplicates("region")
    return [Adoption(r.region, region_fields(r.region)["province"], r.date, r.doc_id, r.title)
            for r in first.itertuples()]


def _to_day(text: str) -> int:
    try:
        return date.fromisoformat(text[:10]).toordinal()
    except ValueError:
        return 0


def _timeline(adoption: list[Adoption], index: EvidenceIndex) -> str:
    if not adoption:
        return "<section id=\"timeline\"><h2>Adoption of 链长制</h2><p>No 链长制 document with a date.</p></section>"
    width, height, pad = 760, 260, 48
    days = [_to_day(a.date) for a in adoption]
    start, end = min(days) - 30, max(days) + 30

    def x(day: int) -> float:
        return pad + (day - start) / max(1, end - start) * (width - 2 * pad)

    def y(count: int) -> float:
        return height - pad - count / len(adoption) * (height - 2 * pad)

    steps, points, labels = [f"M{x(start):.1f},{y(0):.1f}"], [], []
    for count, (item, day) in enumerate(zip(adoption, days, strict=True), start=1):
        steps += [f"H{x(day):.1f}", f"V{y(count):.1f}"]
        ids = index.document(item.doc_id, "chain_leader")
        points.append(f"<circle class=\"point\" cx=\"{x(day):.1f}\" cy=\"{y(count):.1f}\" r=\"5\"{attr(ids)}>"
                      f"<title>{esc(item.region)} {esc(item.date)}</title></circle>")
        right_half = x(day) > width / 2  # labels on the right half point left, so none runs off the chart
        labels.append(f"<text x=\"{x(day) + (-8 if right_half else 8):.1f}\" y=\"{y(count) + 4:.1f}\" "
                      f"text-anchor=\"{'end' if right_half else 'start'}\">{esc(item.region)}</text>")
    steps.append(f"H{x(end):.1f}")
    years = range(date.fromordinal(start).year + 1, date.fromordinal(end).year + 1)
    ticks = "".join(f"<line class=\"tick\" x1=\"{x(date(yr, 1, 1).toordinal()):.1f}\" y1=\"{pad}\" "
                    f"x2=\"{x(date(yr, 1, 1).toordinal()):.1f}\" y2=\"{height - pad}\"/>"
                    f"<text class=\"axis\" x=\"{x(date(yr, 1, 1).toordinal()):.1f}\" y=\"{height - pad + 18}\">{yr}</text>"
                    for yr in years)
    axis = (f"<line class=\"axisline\" x1=\"{pad}\" y1=\"{height - pad}\" x2=\"{width - pad}\" y2=\"{height - pad}\"/>"
            f"<text class=\"axis\" x=\"{pad - 8}\" y=\"{y(len(adoption)) + 4:.1f}\" text-anchor=\"end\">{len(adoption)}</text>"
            f"<text class=\"axis\" x=\"{pad - 8}\" y=\"{y(0) + 4:.1f}\" text-anchor=\"end\">0</text>")
    chart = (f"<svg class=\"chart\" viewBox=\"0 0 {width} {height}\" role=\"img\" "
             f"aria-label=\"regions adopting 链长制 over time\">{ticks}{axis}"
             f"<path class=\"curve\" d=\"{''.join(steps)}\"/>{''.join(points)}{''.join(labels)}</svg>")
    items = "".join(f"<li{attr(index.document(a.doc_id, 'chain_leader'))}><time>{esc(a.date)}</time> "
                    f"<b>{esc(a.region)}</b> {esc(a.title)}</li>" for a in adoption)
    return ("<section id=\"timeline\"><h2>Adoption of 链长制: each region's first document</h2>"
            f"{chart}<ol class=\"dated\">{items}</ol></section>")


@cache
def _geometry() -> dict:
    return json.loads(GEOMETRY.read_text(encoding="utf-8"))


def _map(documents: pd.DataFrame, adoption: list[Adoption], index: EvidenceIndex) -> str:
    provinces = documents.province if "province" in documents else documents.region.map(
        lambda r: region_fields(r)["province"] if r else "")
    counts: dict[str, dict[str, list[str]]] = defaultdict(lambda: {m: [] for m in MODES})
    for province, doc_id, modes in zip(provinces, documents.doc_id, documents.modes, strict=True):
        for mode in filter(None, modes.split(";")):
            if province:
                counts[province][mode].append(doc_id)
    first: dict[str, Adoption] = {}
    for item in adoption:
        if item.province and item.province not in first:
            first[item.province] = item
    years = sorted({int(a.date[:4]) for a in first.values()})
    colour = {year: YEAR_COLOURS[min(i, len(YEAR_COLOURS) - 1)] for i, year in enumerate(years)}
    width, height = 620, 450
    shapes = []
    for feature in _geometry()["features"]:
        name = region_fields(feature["properties"]["name"])["region"] or feature["properties"]["name"]
        adopted = first.get(name)
        fill = colour[int(adopted.date[:4])] if adopted else ("#d6e4f0" if name in counts else "#eeeeee")
        mode_counts = counts.get(name, {m: [] for m in MODES})
        ids = index.document(adopted.doc_id, "chain_leader") if adopted else \
            [i for m in MODES for d in mode_counts[m] for i in index.document(d, m)]
        tip = f"{name}: " + ("first 链长制 document " + adopted.date if adopted else "no 链长制 document") + \
            "; " + ", ".join(f"{MODE_NAMES[m]} {len(mode_counts[m])}" for m in MODES)
        path = "".join(_ring_path(ring, width, height) for polygon in feature["geometry"]["coordinates"]
                       for ring in polygon)
        shapes.append(f"<path class=\"province{' adopted' if adopted else ''}\" data-name=\"{esc(name)}\" "
                      f"fill=\"{fill}\" d=\"{path}\"{attr(ids) if ids else ''}><title>{esc(tip)}</title></path>")
    legend = "".join(f"<span><i style=\"background:{colour[y]}\"></i>{y}</span>" for y in years) + \
        "<span><i style=\"background:#d6e4f0\"></i>documents, no 链长制</span>" + \
        "<span><i style=\"background:#eeeeee\"></i>no documents</span>"
    rows = []
    for province in sorted(counts, key=lambda p: (first[p].date if p in first else "9999", p)):
        cells = "".join(
            f"<td{attr([i for d in counts[province][m] for i in index.document(d, m)]) if counts[province][m] else ''}>"
            f"{len(counts[province][m])}</td>" for m in MODES)
        adopted = first.get(province)
        rows.append(f"<tr><td>{esc(province)}</td><td>{esc(adopted.date if adopted else '')}</td>{cells}</tr>")
    heads = "".join(f"<th>{MODE_NAMES[m]}</th>" for m in MODES)
    return ("<section id=\"map\"><h2>Provinces by year of their first 链长制 document</h2>"
            f"<div class=\"maprow\"><svg class=\"chart map\" viewBox=\"0 0 {width} {height}\" role=\"img\" "
            f"aria-label=\"map of China's provinces coloured by adoption\">{''.join(shapes)}</svg>"
            f"<div><p class=\"legend\">{legend}</p><table class=\"sortable\"><thead><tr><th>province</th>"
            f"<th>first 链长制</th>{heads}</tr></thead><tbody>{''.join(rows)}</tbody></table></div></div></section>")


def _ring_path(ring: list[list[float]], width: int, height: int) -> str:
    """Equirectangular projection scaled at 35°N: enough for a choropleth of China's provinces."""
    west, east, north, south = 73.0, 135.5, 54.0, 17.5
    scale = min(width / ((east - west) * math.cos(math.radians(35))), height / (north - south))
    points = [((lon - west) * math.cos(math.radians(35)) * scale, (north - lat) * scale) for lon, lat in ring]
    return "M" + "L".join(f"{px:.0f},{py:.0f}" for px, py in points) + "Z"


def _per_year(documents: pd.DataFrame, index: EvidenceIndex) -> str:
    dated = documents[documents.date.str.match(r"\d{4}")]
    by_year: dict[int, dict[str, list[str]]] = defaultdict(lambda: {m: [] for m in MODES})
    for year, doc_id, modes in zip(dated.date.str[:4].astype(int), dated.doc_id, dated.modes, strict=True):
        for mode in filter(None, modes.split(";")):
            by_year[year][mode].append(doc_id)
    if not by_year:
        return "<section id=\"per-year\"><h2>Documents per mode per year</h2><p>No dated documents.</p></section>"
    years = list(range(min(by_year), max(by_year) + 1))
    width, height, pad = 760, 240, 40
    top = max(len(docs) for counts in by_year.values() for docs in counts.values()) or 1
    slot = (width - 2 * pad) / len(years)
    bar = slot / (len(MODES) + 1)
    bars, labels = [], []
    for i, year in enumerate(years):
        labels.append(f"<text class=\"axis\" x=\"{pad + i * slot + slot / 2:.1f}\" y=\"{height - pad + 16}\" "
                      f"text-anchor=\"middle\">{year}</text>")
        for j, mode in enumerate(MODES):
            docs = by_year.get(year, {}).get(mode, [])
            if not docs:
                continue
            h = len(docs) / top * (height - 2 * pad)
            ids = [k for d in docs for k in index.document(d, mode)]
            bars.append(f"<rect class=\"bar\" x=\"{pad + i * slot + (j + 0.5) * bar:.1f}\" y=\"{height - pad - h:.1f}\" "
                        f"width=\"{bar * 0.9:.1f}\" height=\"{h:.1f}\" fill=\"{MODE_COLOURS[mode]}\"{attr(ids)}>"
                        f"<title>{year} {MODE_NAMES[mode]}: {len(docs)}</title></rect>")
    legend = "".join(f"<span><i style=\"background:{MODE_COLOURS[m]}\"></i>{MODE_NAMES[m]}</span>" for m in MODES)
    return ("<section id=\"per-year\"><h2>Documents per mode per year</h2>"
            f"<p class=\"legend\">{legend} (tallest bar: {top})</p>"
            f"<svg class=\"chart\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"documents per mode per year\">"
            f"<line class=\"axisline\" x1=\"{pad}\" y1=\"{height - pad}\" x2=\"{width - pad}\" y2=\"{height - pad}\"/>"
            f"{''.join(bars)}{''.join(labels)}</svg></section>")
