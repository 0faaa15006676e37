"""Rebuild china-provinces.geojson from Apache ECharts 4.9.0's map/json/china.json (Apache-2.0).

    npm pack echarts@4.9.0 && tar xzf echarts-4.9.0.tgz package/map/json/china.json
    python pipeline/exports/vendor/build_china_provinces.py package/map/json/china.json \
        pipeline/exports/vendor/china-provinces.geojson

ECharts stores coordinates delta- and zigzag-encoded in characters; this
decodes them (as ECharts' parseGeoJson does), rounds to 0.1 degree and drops
points closer than 0.25 degree to the last one kept: a province map a few
hundred pixels wide needs no more, and the report stays light (~50 KB).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

PRECISION = 1  # decimals kept
MIN_STEP = 0.25  # degrees (|dx| + |dy|) between kept points


def decode_ring(encoded: str, offset: list[int], scale: float) -> list[list[float]]:
    x_prev, y_prev = offset
    points = []
    for i in range(0, len(encoded), 2):
        x, y = ord(encoded[i]) - 64, ord(encoded[i + 1]) - 64
        x, y = (x >> 1) ^ -(x & 1), (y >> 1) ^ -(y & 1)
        x_prev, y_prev = x + x_prev, y + y_prev
        points.append([round(x_prev / scale, PRECISION), round(y_prev / scale, PRECISION)])
    kept = [points[0]]
    for point in points[1:-1]:
        if abs(point[0] - kept[-1][0]) + abs(point[1] - kept[-1][1]) >= MIN_STEP:
            kept.append(point)
    return [*kept, points[-1]]


def convert(source: dict) -> dict:
    scale = source.get("UTF8Scale") or 1024
    features = []
    for feature in source["features"]:
        geometry, offsets = feature["geometry"], feature["geometry"]["encodeOffsets"]
        polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        polygon_offsets = [offsets] if geometry["type"] == "Polygon" else offsets
        decoded = [[ring for ring in (decode_ring(r, o, scale) for r, o in zip(polygon, ring_offsets, strict=True))
                    if len(ring) >= 4] for polygon, ring_offsets in zip(polygons, polygon_offsets, strict=True)]
        features.append({"type": "Feature",
                         "properties": {"adcode": feature["properties"]["id"], "name": feature["properties"]["name"]},
                         "geometry": {"type": "MultiPolygon", "coordinates": [p for p in decoded if p]}})
    return {"type": "FeatureCollection", "features": features}


if __name__ == "__main__":
    source, target = map(Path, sys.argv[1:3])
    geojson = convert(json.loads(source.read_text(encoding="utf-8")))
    target.write_text(json.dumps(geojson, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
