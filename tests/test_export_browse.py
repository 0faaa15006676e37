"""`policy-miner browse`: the database Datasette serves, tested over HTTP on loopback.

The command runs as a real subprocess on a free port (it execs Datasette); readiness is polled
generously.  A full-text query for 链主 must return exactly the documents whose
title or text contains 链主 — through the documents table's search box and
through the ``search`` query that segments Chinese with jieba.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from pipeline.export import collect_findings
from pipeline.exports.browse import DATABASE_NAME
from pipeline.store import CorpusStore

PROJECT_ROOT = Path(__file__).resolve().parents[1]

READY_TIMEOUT_S = 300


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(base: str, path: str, **params: str) -> dict | list:
    url = f"{base}{path}?{urllib.parse.urlencode(params)}" if params else f"{base}{path}"
    with urllib.request.urlopen(url, timeout=120) as response:
        return json.load(response)


@pytest.fixture(scope="module")
def served(sample_store: Path, tmp_path_factory: pytest.TempPathFactory):
    """`policy-miner browse` itself, as a user starts it (it builds the database, then becomes Datasette)."""
    with CorpusStore(sample_store) as store:
        findings = collect_findings(store)
    port = _free_port()
    folder = tmp_path_factory.mktemp("browse")
    server = subprocess.Popen([sys.executable, "-m", "flows.cli", "--no-progress", "browse", "--store",
                               str(sample_store), "--dir", str(folder), "--port", str(port)],
                              cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + READY_TIMEOUT_S
    while True:
        try:
            _get(base, "/-/versions.json")
            break
        except OSError:
            if server.poll() is not None:
                pytest.fail(f"datasette exited: {server.stderr.read()}")
            if time.monotonic() > deadline:
                server.kill()
                pytest.fail(f"datasette not ready within {READY_TIMEOUT_S} s")
            time.sleep(0.5)
    try:
        yield base, findings
    finally:
        server.terminate()
        server.wait(timeout=60)


def _containing(findings, word: str) -> set[str]:
    corpus = findings.corpus()
    return set(corpus.doc_id[corpus.title.str.contains(word) | corpus.text.str.contains(word)])


def test_full_text_search_for_链主_returns_the_right_documents(served) -> None:
    base, findings = served
    expected = _containing(findings, "链主")
    assert expected, "the sample has documents naming 链主 enterprises"
    rows = _get(base, f"/{DATABASE_NAME}/documents.json", _search="链主", _shape="array", _col="doc_id", _size="max")
    assert {row["doc_id"] for row in rows} == expected
    rows = _get(base, f"/{DATABASE_NAME}/search.json", q="链主", _shape="array")
    assert {row["doc_id"] for row in rows} == expected
    assert all("链主" in row["context"] for row in rows)


def test_query_is_segmented_like_the_index(served) -> None:
    base, findings = served
    rows = _get(base, f"/{DATABASE_NAME}/search.json", q="揭榜挂帅榜单", _shape="array")
    both = _containing(findings, "揭榜挂帅") & _containing(findings, "榜单")
    assert both and {row["doc_id"] for row in rows} == both


def test_documents_have_facets_and_the_manifest(served) -> None:
    base, findings = served
    page = _get(base, f"/{DATABASE_NAME}/documents.json", _size="0", _extra="facet_results")
    assert {"region", "province", "mode", "year", "issuer"} <= set(page["facet_results"])
    modes = {r["value"] for r in page["facet_results"]["mode"]["results"]}
    assert {"chain_leader", "open_competition", "national_system"} <= modes
    tables = {t["name"] for t in _get(base, f"/{DATABASE_NAME}.json")["tables"]}
    assert {"documents", "chain_leader_table", "chains", "mentions", "manifest"} <= tables
    metadata = _get(base, "/-/metadata.json")
    assert "pipeline" in metadata["description"] and len(findings.documents) == len(
        _get(base, f"/{DATABASE_NAME}/documents.json", _shape="array", _size="max", _col="doc_id"))
