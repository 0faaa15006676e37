"""report.html in a real headless Chromium (Debian's package, driven over CDP on loopback): it renders from
the file alone (no request leaves file://), shows every region of the chain-leader table, logs no console
error, and a click on a cell shows its evidence.  The screenshot is kept in build/test-artifacts/."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pipeline.export import collect_findings, write_findings
from pipeline.store import CorpusStore
from tests.chromium import chromium_binary, chromium_page

PROJECT_ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = PROJECT_ROOT / "build" / "test-artifacts"

pytestmark = pytest.mark.skipif(chromium_binary() is None, reason="Debian's chromium is not installed (make test "
                                                                  "installs it)")


@pytest.fixture(scope="module")
def report(sample_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report") / "out"
    with CorpusStore(sample_store) as store:
        write_findings(collect_findings(store), out, ["html"])
    return out


def test_report_is_one_self_contained_file(report: Path) -> None:
    page = (report / "report.html").read_text(encoding="utf-8")
    assert "<script src" not in page and "<link rel=\"stylesheet\"" not in page and "@import" not in page
    assert "http://" not in page.split("<script type=\"application/json\"")[0].replace("http://www.w3", "")


def test_report_renders_offline_with_every_region_and_no_console_error(report: Path, tmp_path: Path) -> None:
    regions = set(pd.read_csv(report / "chain_leader_table.csv", encoding="utf-8-sig", dtype=str).region)
    with chromium_page(tmp_path / "profile", height=2600) as page:
        page.call("Page.navigate", url=(report / "report.html").resolve().as_uri())
        page.wait_for("Page.loadEventFired")
        shown = page.evaluate("Array.from(document.querySelectorAll('#table1 tbody td.region'))"
                              ".map(td => td.textContent)")
        provinces = page.evaluate("document.querySelectorAll('#map path.province').length")
        adopted = page.evaluate("document.querySelectorAll('#map path.province.adopted').length")
        points = page.evaluate("document.querySelectorAll('#timeline circle.point').length")
        bars = page.evaluate("document.querySelectorAll('#per-year rect.bar').length")
        # click a region cell: the evidence panel lists the sentence and its document
        page.evaluate("document.querySelector('#table1 td.region').click()")
        evidence = page.evaluate("Array.from(document.querySelectorAll('#items .ev')).map(e => e.textContent)")
        # sort by region descending and back: the table keeps every row
        page.evaluate("document.querySelector('#table1 th').click(); document.querySelector('#table1 th').click()")
        after_sort = page.evaluate("document.querySelectorAll('#table1 tbody tr').length")
        shot = page.screenshot(ARTIFACTS / "report.png")
        problems, requests = page.problems(), page.requests()
    assert sorted(shown) == sorted(regions)
    assert provinces >= 31 and adopted >= 1 and points >= len({r for r in regions}) - 2 and bars >= 3
    assert evidence and any("title" in e and "date" in e for e in evidence)
    assert after_sort == len(regions)
    assert not problems, problems
    assert all(url.startswith(("file:", "data:", "about:")) for url in requests), requests
    assert shot.stat().st_size > 20_000
