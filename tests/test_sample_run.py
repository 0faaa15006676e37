"""`make run`'s job, through the real engine: crawl the sample site via the local mirror, process, export,
and compare the findings with the sample corpus's ground truth (corpora/sample/expected/)."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from flows.run import run_flow
from pipeline.config import SAMPLE_DIR
from pipeline.extract import score_tables
from pipeline.models import ChainLeaderScheme
from pipeline.store import CorpusStore

EXPECTED = SAMPLE_DIR / "expected"
SITE_CITED = "corpora/sample/site/"


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory, prefect_server: str) -> Path:
    root = tmp_path_factory.mktemp("sample-run")
    run_flow(out_dir=str(root / "out"), store_root=str(root / "store"), formats=["csv", "parquet", "md"])
    # a second run finds nothing new: the store neither grows nor changes
    with CorpusStore(root / "store") as store:
        before = [(d.doc_id, d.content_key) for d in store.documents()]
    run_flow(out_dir=str(root / "out2"), store_root=str(root / "store"))
    with CorpusStore(root / "store") as store:
        assert [(d.doc_id, d.content_key) for d in store.documents()] == before
    return root / "out"


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, encoding="utf-8-sig", keep_default_na=False, dtype=str)


def _expected(name: str) -> list[dict[str, str]]:
    with (EXPECTED / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _site_path(url: str) -> str:
    """A sample document is cited by its path in the checkout (corpora/sample/site/zj/…), never by the mirror."""
    return url.removeprefix(SITE_CITED)


def _expected_documents() -> list[dict[str, str]]:
    """The sample's items that are documents: the empty detail page (a metadata table, no body text, no
    attachment) yields no text at all, so it is listed in fetch_errors, not in the findings.  The .rar and the
    corrupt PDF are attachments of pages that have text: those pages are documents, with the attachment's error."""
    return [row for row in _expected("documents.csv") if "empty detail page" not in row["note"]]


def test_every_sample_document_is_stored_once(outputs: Path) -> None:
    documents = _read(outputs / "documents.csv")
    assert sorted(documents.source_url.map(_site_path)) == sorted(row["path"] for row in _expected_documents())


def test_an_item_without_text_is_an_error_not_a_document(outputs: Path) -> None:
    errors = _read(outputs / "fetch_errors.csv")
    parse_errors = dict(zip(errors[errors.stage == "parse"].url.map(_site_path),
                            errors[errors.stage == "parse"].message, strict=True))
    empty = [row["path"] for row in _expected("documents.csv") if "empty detail page" in row["note"]]
    assert empty and set(parse_errors) == set(empty)
    assert all("empty page: no body text found" in parse_errors[path] for path in empty)


def test_bad_inputs_carry_clear_errors_and_good_ones_none(outputs: Path) -> None:
    documents = _read(outputs / "documents.csv").set_index(_read(outputs / "documents.csv").source_url.map(_site_path))
    for row in _expected_documents():
        error = documents.loc[row["path"], "error"]
        if row["note"].startswith("bad input") or "empty page" in row["note"]:
            assert error, f"{row['path']} ({row['note']}) has no error"
    assert (documents.error == "").sum() >= len(documents) - 4


def test_modes_match_the_ground_truth(outputs: Path) -> None:
    documents = _read(outputs / "documents.csv")
    predicted = dict(zip(documents.source_url.map(_site_path), documents.modes, strict=True))
    wrong = {row["path"]: (predicted[row["path"]], row["modes"]) for row in _expected_documents()
             if set(filter(None, predicted[row["path"]].split(";"))) != set(filter(None, row["modes"].split(";")))}
    assert not wrong, wrong


def test_metadata_of_crawled_pages(outputs: Path) -> None:
    documents = _read(outputs / "documents.csv").set_index(_read(outputs / "documents.csv").source_url.map(_site_path))
    for row in _expected_documents():
        got = documents.loc[row["path"]]
        assert (got.title, got.doc_number, got.date) == (row["title"], row["doc_number"], row["written_date"]), row["path"]
        assert got.region == row["region"], row["path"]


def test_chain_leader_table_matches_table_one_ground_truth(outputs: Path) -> None:
    table = _read(outputs / "chain_leader_table.csv")
    schemes = [ChainLeaderScheme(region=r.region, concept=r.concept, model=tuple(filter(None, r.model.split("、"))),
                                 key_chains=tuple(filter(None, r.key_chains.split("、")))) for r in table.itertuples()]
    score = score_tables(schemes, EXPECTED / "chain_leader_table.csv")
    assert score.f1 >= 0.9, score
    markdown = (outputs / "chain_leader_table.md").read_text(encoding="utf-8")
    assert markdown.count("\n") == len(table) + 2


def test_chains_rows_trace_to_documents(outputs: Path) -> None:
    chains = _read(outputs / "chains.csv")
    expected = {(row["region"], row["chain"]) for row in _expected("chains.csv")}
    found = set(zip(chains.region, chains.chain))
    assert len(expected & found) / len(expected) >= 0.9
    assert (chains.doc_id != "").all() and (chains.evidence != "").all()


def test_open_competition_items_and_projects(outputs: Path) -> None:
    items = _read(outputs / "open_competition_items.csv")
    expected_titles = {row["title"] for row in _expected("open_competition_items.csv")}
    assert len(expected_titles & set(items.title)) / len(expected_titles) >= 0.8
    projects = _read(outputs / "national_system_projects.csv")
    figures = set(zip(projects.project, projects.provinces, projects.organisations, projects.people))
    assert {(r["project"], r["provinces"], r["organisations"], r["people"])
            for r in _expected("national_system_projects.csv")} <= figures


def test_document_facts(outputs: Path) -> None:
    facts = _read(outputs / "document_facts.csv")
    found = set(zip(facts.kind, facts.value))
    assert {(row["kind"], row["value"]) for row in _expected("facts.csv")} <= found
