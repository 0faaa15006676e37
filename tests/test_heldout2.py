"""Second, independent held-out set (tests/heldout2/): the real library on a researcher's download folder.

Written apart from the sample corpus, the stage fixtures and the first held-out set, in other regions and
wordings, so that its scores measure generalisation.  Do not tune the pipeline on it (docs/evaluation.md).
The pipeline runs as a folder run does, without Prefect: ingest_folder → process_store → collect_findings.
Run with ``-s`` to see the score report.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path, PurePath
from types import ModuleType

import pandas as pd
import pytest
from scripts import load_script

from pipeline.metrics import Counts
from pipeline.export import Findings, collect_findings
from pipeline.extract import TableScore, score_tables
from pipeline.extract.regions import canonical_region
from pipeline.chain_names import normalise_chain
from pipeline.ingest import ingest_folder
from pipeline.models import MODES, ChainLeaderScheme
from pipeline.process import process_store
from pipeline.store import CorpusStore

HELDOUT = Path(__file__).resolve().parent / "heldout2"
DOCS = HELDOUT / "docs"
EXPECTED = HELDOUT / "expected"
LIST_JOIN = "、"


def _expected(name: str) -> list[dict[str, str]]:
    with (EXPECTED / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _split(cell: str, sep: str = LIST_JOIN) -> list[str]:
    return [part.strip() for part in (cell or "").split(sep) if part.strip()]


@cache
def _load_build_script() -> ModuleType:
    """tests/heldout2/build.py as a module (it is a script, not part of a package)."""
    return load_script(HELDOUT / "build.py", "heldout2_build")


def prf(predicted: Iterable, expected: Iterable) -> Counts:
    """Precision/recall/F1 counts of a predicted set against an expected set."""
    counts = Counts()
    counts.add(expected, predicted)
    return counts


@dataclass(frozen=True)
class Run:
    findings: Findings
    file_of: dict[str, str]  # doc_id → file name


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    with CorpusStore(tmp_path_factory.mktemp("heldout2") / "store") as store:
        ingest_folder(store, DOCS)
        process_store(store)
        findings = collect_findings(store)
    file_of = {row.doc_id: PurePath(row.source_url).name for row in findings.documents.itertuples()}
    return Run(findings, file_of)


# ----------------------------------------------------------------------------------------------- scoring


def mode_scores(run: Run) -> dict[str, Counts]:
    """Per mode, which files carry it: key vs pipeline."""
    predicted = {run.file_of[row.doc_id]: set(_split(row.modes, ";")) for row in run.findings.documents.itertuples()}
    expected = {row["file"]: set(_split(row["modes"], ";")) for row in _expected("documents.csv")}
    return {mode: prf((f for f, modes in predicted.items() if mode in modes),
                         (f for f, modes in expected.items() if mode in modes)) for mode in MODES}


def mode_differences(run: Run) -> list[str]:
    """Files whose modes differ from the key, for the report."""
    expected = {row["file"]: set(_split(row["modes"], ";")) for row in _expected("documents.csv")}
    out = []
    for row in run.findings.documents.fillna("").itertuples():
        name, got = run.file_of[row.doc_id], set(_split(row.modes, ";"))
        if got != expected[name]:
            out.append(f"{name}: got {sorted(got)}, key {sorted(expected[name])}")
    return out


def predicted_schemes(run: Run) -> list[ChainLeaderScheme]:
    """The exported chain-leader table read back as schemes, as a researcher's script would."""
    return [ChainLeaderScheme(region=row.region, concept=row.concept or "", model=tuple(_split(row.model)),
                              key_chains=tuple(_split(row.key_chains)))
            for row in run.findings.chain_leader_table.fillna("").itertuples()]


def table_score(run: Run) -> TableScore:
    return score_tables(predicted_schemes(run), EXPECTED / "chain_leader_table.csv")


def _chain_key(region: str, chain: str) -> tuple[str, str]:
    """Rows are matched as score_tables matches regions: canonical region name, normalised chain name."""
    return canonical_region(region) or region.strip(), normalise_chain(chain)


def chain_scores(run: Run) -> tuple[Counts, dict[str, float], list[str]]:
    """(region, chain) F1; over matched rows the share of chain_leader / chain_owner / lead_unit cells right;
    the differences, for the report."""
    got = {_chain_key(row.region, row.chain): row for row in run.findings.chains.fillna("").itertuples()}
    want = {_chain_key(row["region"], row["chain"]): row for row in _expected("chains.csv")}
    matched = set(got) & set(want)
    fields: dict[str, Callable[[str], object]] = {"chain_leader": str.strip, "chain_owner": lambda s: set(_split(s)),
                                                  "lead_unit": str.strip}
    accuracy = {name: (sum(norm(getattr(got[k], name)) == norm(want[k][name]) for k in matched) / len(matched)
                       if matched else 0.0) for name, norm in fields.items()}
    differences = [f"extra {k}" for k in sorted(set(got) - set(want))] + \
        [f"missing {k}" for k in sorted(set(want) - set(got))] + \
        [f"{k} {name}: {getattr(got[k], name)!r}, key {want[k][name]!r}" for k in sorted(matched)
         for name, norm in fields.items() if norm(getattr(got[k], name)) != norm(want[k][name])]
    return prf(got, want), accuracy, differences


def item_scores(run: Run) -> tuple[Counts, dict[str, float]]:
    """榜单 items matched on title; field accuracy of issuer, funding (万元) and deadline over matched items."""
    got = {row.title.strip(): row for row in run.findings.open_competition_items.fillna("").itertuples()}
    want = {row["title"]: row for row in _expected("open_competition_items.csv")}
    matched = set(got) & set(want)

    def same_funding(a: object, b: str) -> bool:
        try:
            return abs(float(a) - float(b)) < 1e-6
        except (TypeError, ValueError):
            return False

    accuracy = {
        "issuer": sum(got[t].issuer == want[t]["issuer"] for t in matched),
        "funding_wan": sum(same_funding(got[t].funding_wan, want[t]["funding_wan"]) for t in matched),
        "deadline": sum(str(got[t].deadline) == want[t]["deadline"] for t in matched),
    }
    return prf(got, want), {k: v / len(matched) if matched else 0.0 for k, v in accuracy.items()}


def project_scores(run: Run) -> tuple[Counts, float]:
    """National projects matched on name; share of the three participation figures right."""
    got = {row.project: row for row in run.findings.national_system_projects.itertuples()}
    want = {row["project"]: row for row in _expected("national_system_projects.csv")}
    matched = set(got) & set(want)
    figures = ("provinces", "organisations", "people")
    right = sum(pd.notna(getattr(got[p], f)) and int(getattr(got[p], f)) == int(want[p][f])
                for p in matched for f in figures)
    return prf(got, want), right / (len(want) * len(figures))


def fact_scores(run: Run) -> Counts:
    facts = run.findings.document_facts
    got = {(row.mode, row.kind, str(row.value), run.file_of[row.doc_id]) for row in facts.itertuples()}
    return prf(got, {(r["mode"], r["kind"], r["value"], r["file"]) for r in _expected("facts.csv")})


def report(run: Run) -> str:
    lines = ["", "== second held-out set (tests/heldout2) =="]
    documents = run.findings.documents.fillna("")
    lines += [f"files {len(documents)}; with errors: "
              + (", ".join(f"{run.file_of[r.doc_id]}: {r.error}" for r in documents.itertuples() if r.error) or "none")]
    regions = {r["file"]: r["region"] for r in _expected("documents.csv")}
    region_right = sum(canonical_region(r.region) == canonical_region(regions[run.file_of[r.doc_id]])
                       for r in documents.itertuples())
    lines.append(f"document regions right: {region_right}/{len(documents)}")
    lines += [f"  region {run.file_of[r.doc_id]}: {r.region!r}, key {regions[run.file_of[r.doc_id]]!r}"
              for r in documents.itertuples()
              if canonical_region(r.region) != canonical_region(regions[run.file_of[r.doc_id]])]
    lines += [f"documents {mode:<17} {score}" for mode, score in mode_scores(run).items()]
    lines += [f"  {line}" for line in mode_differences(run)]
    table = table_score(run)
    for cell, counts in table.per_cell.items():
        lines.append(f"table {cell:<21} {counts}")
    lines.append(f"table all cells            {Counts(table.tp, table.fp, table.fn)}")
    folded = {r["region"]: canonical_region(r["region"]) for r in _expected("chain_leader_table.csv")
              if canonical_region(r["region"]) not in ("", r["region"])}
    lines += [f"  note: the scorer reads key region {k} as {v} (not in the lexicon), so a row filed under {v} matches"
              for k, v in folded.items()]
    lines += [f"  {error}" for error in table.errors]
    chains, chain_fields, chain_differences = chain_scores(run)
    lines.append(f"chains (region, chain)     {chains}")
    lines.append("  field accuracy: " + ", ".join(f"{k} {v:.2f}" for k, v in chain_fields.items()))
    lines += [f"  {line}" for line in chain_differences]
    items, item_fields = item_scores(run)
    lines.append(f"榜单 items by title         {items}")
    lines.append("  field accuracy: " + ", ".join(f"{k} {v:.2f}" for k, v in item_fields.items()))
    projects, figures = project_scores(run)
    lines.append(f"national projects          {projects}; figures right {figures:.2f}")
    lines += [f"  got {row.project} {row.provinces}/{row.organisations}/{row.people}"
              for row in run.findings.national_system_projects.itertuples()]
    lines.append(f"facts                      {fact_scores(run)}")
    return "\n".join(lines)


# ----------------------------------------------------------------------------------------------- tests


def test_print_report(run: Run) -> None:
    print(report(run))
    assert sorted(run.file_of.values()) == sorted(p.name for p in DOCS.iterdir())


def test_every_file_is_read_without_error(run: Run) -> None:
    documents = run.findings.documents.fillna("")
    failures = {run.file_of[r.doc_id]: r.error for r in documents.itertuples() if r.error}
    assert not failures


@pytest.mark.parametrize("mode", MODES)
def test_document_modes(run: Run, mode: str) -> None:
    score = mode_scores(run)[mode]
    assert score.f1 >= 0.9, f"{mode}: {score}"


def test_chain_leader_table(run: Run) -> None:
    score = table_score(run)
    assert score.f1 >= 0.9, f"cell F1 {score.f1:.2f}: " + "; ".join(score.errors)


def test_chains(run: Run) -> None:
    score, fields, differences = chain_scores(run)
    assert score.f1 >= 0.8, f"(region, chain) {score}; field accuracy {fields}; " + "; ".join(differences)


# ----------------------------------------------------------------------------------------------- the key


def test_every_expected_string_is_written_in_its_file() -> None:
    """The key only asks for what the documents say (regions excepted: they are full official names)."""
    texts = _load_build_script().source_texts()
    assert set(texts) == {p.name for p in DOCS.iterdir()}
    wanted: list[tuple[str, str]] = []
    for row in _expected("chain_leader_table.csv"):  # a split scheme's cells may come from any of its files
        joined = "\n".join(texts[name] for name in _split(row["files"], ";"))
        missing = [s for s in [row["concept"], *_split(row["model"]), *_split(row["key_chains"])] if s not in joined]
        assert not missing, f"{row['region']}: {missing}"
    for row in _expected("chains.csv"):
        wanted += [(row["file"], row["chain"]), (row["file"], row["chain_leader"]), (row["file"], row["lead_unit"])]
        wanted += [(row["file"], firm) for firm in _split(row["chain_owner"])]
    for row in _expected("open_competition_items.csv"):
        wanted += [(row["file"], row[k]) for k in ("title", "issuer", "requirement")]
    for row in _expected("national_system_projects.csv"):
        wanted += [(row["file"], row["project"]), (row["file"], f"{row['provinces']}个省")]
    for row in _expected("facts.csv"):
        wanted.append((row["file"], row["value"]))
    missing = [(name, text) for name, text in wanted if text and text not in texts[name]]
    assert not missing


def test_key_covers_every_file_and_concepts_are_as_written() -> None:
    files = {row["file"] for row in _expected("documents.csv")}
    assert files == {p.name for p in DOCS.iterdir()}
    for row in _expected("chain_leader_table.csv"):
        assert set(_split(row["files"], ";")) <= files
        assert row["concept"].startswith("“") and not row["concept"].endswith("”"), row["concept"]  # head noun kept
    chain_regions = {row["region"] for row in _expected("chains.csv")}
    assert chain_regions == {row["region"] for row in _expected("chain_leader_table.csv")}


def test_committed_files_are_what_build_renders() -> None:
    rendered = _load_build_script().render_all()
    assert {name: (DOCS / name).read_bytes() == data for name, data in rendered.items()} == \
        {name: True for name in rendered}
