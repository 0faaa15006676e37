"""The command line as a person meets it: one summary line, refusals in one line with exit 2, failing sources
exit 1, one process run per store at a time, three runs at once on a saturated machine."""

from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[1]
CHAIN_NOTICE = """关于推行重点产业链链长制的通知
市政府决定在全市实行重点产业链“链长制”，由市领导担任链长，建立“一条产业链、一位链长、一个工作专班”的工作机制。
首批重点产业链为新能源汽车、集成电路和生物医药。
"""
TIMEOUT = 1800  # seconds: generous, the machine may be saturated (no timing is asserted)


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """`policy-miner ARGS` in a fresh process, as a person runs it (library mode: no Prefect server)."""
    environment = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"} | (env or {})
    return subprocess.run([sys.executable, "-m", "flows.cli", "--no-progress", *args], cwd=PROJECT_ROOT,
                          env=environment, capture_output=True, text=True, timeout=TIMEOUT, check=False)


def start_cli(*args: str) -> subprocess.Popen:
    environment = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    return subprocess.Popen([sys.executable, "-m", "flows.cli", "--no-progress", *args], cwd=PROJECT_ROOT,
                            env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "chain.txt").write_text(CHAIN_NOTICE, encoding="utf-8")
    (docs / "notice.html").write_text(f"<html><body><h1>通知</h1><p>{CHAIN_NOTICE}</p></body></html>",
                                      encoding="utf-8")
    return docs


def _burn() -> None:
    while True:
        pass


@pytest.fixture
def cpu_burner() -> Iterator[None]:
    """Saturate every core while the test runs, as seven other jobs on this machine do."""
    burners = [multiprocessing.Process(target=_burn, daemon=True) for _ in range(os.cpu_count() or 2)]
    for burner in burners:
        burner.start()
    try:
        yield
    finally:
        for burner in burners:
            burner.kill()
            burner.join()


def test_refusals_are_one_line_exit_2_and_create_nothing(tmp_path: Path, folder: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    missing_store = tmp_path / "no-such-store"
    cases = {
        "empty input folder": cli("run", "--input", str(empty), "--store", str(tmp_path / "s"), "--out",
                                  str(tmp_path / "o")),
        "unknown source": cli("refresh", "-s", "nosuch", "--store", str(tmp_path / "s")),
        "unknown format": cli("run", "--input", str(folder), "--format", "docx", "--store", str(tmp_path / "s")),
        "missing store (export)": cli("export", "--store", str(missing_store), "--out", str(tmp_path / "o")),
        "missing store (process)": cli("process", "--store", str(missing_store)),
        "missing store (status)": cli("status", "--store", str(missing_store)),
    }
    for case, result in cases.items():
        assert result.returncode == 2, (case, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "Traceback" not in result.stderr, (case, result.stderr)
    assert "nosuch" in cases["unknown source"].stderr
    assert "docx" in cases["unknown format"].stderr
    assert not missing_store.exists() and not (tmp_path / "o").exists() and not (tmp_path / "s").exists()


def test_a_failing_source_exits_1_with_the_summary(tmp_path: Path) -> None:
    import socket

    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    registry = tmp_path / "sources.toml"
    registry.write_text(f'''[[sources]]
name = "dead-portal"
kind = "trs"
base_url = "http://127.0.0.1:{port}/"
delay = 0.0
retries = 0
respect_robots = false
''', encoding="utf-8")
    result = cli("refresh", "-s", "dead-portal", "--store", str(tmp_path / "s"),
                 env={"POLICY_MINER_SOURCES": str(registry)})
    assert result.returncode == 1, result.stderr
    assert "sources failed: dead-portal" in result.stdout.strip().splitlines()[-1]
    assert "Traceback" not in result.stderr


def test_run_ends_with_one_summary_line_and_records_bad_files(tmp_path: Path, folder: Path) -> None:
    (folder / "junk.html").write_bytes(os.urandom(4096))
    result = cli("run", "--input", str(folder), "--store", str(tmp_path / "s"), "--out", str(tmp_path / "o"))
    assert result.returncode == 0, result.stderr
    last = result.stdout.strip().splitlines()[-1]
    assert last.startswith("3 items:") and "2 documents (0 failed), 1 not a document" in last, last
    assert "policy-miner status" in last, last
    assert (tmp_path / "o" / "documents.csv").is_file()
    status = cli("status", "--store", str(tmp_path / "s"))
    assert status.returncode == 0 and "junk.html" in status.stdout
    unknown = cli("export", "-s", "nosuch", "--store", str(tmp_path / "s"), "--out", str(tmp_path / "o2"))
    assert unknown.returncode == 2 and "nosuch" in unknown.stderr and not (tmp_path / "o2").exists()


def test_files_that_are_not_what_their_name_says_are_errors_not_documents(tmp_path: Path, folder: Path) -> None:
    (folder / "notice.html").unlink()
    (folder / "scan.txt").write_bytes(bytes(range(256)) * 16)  # no text encoding reads these bytes
    (folder / "policy.doc").write_text("plain words, not a Word file", encoding="ascii")
    result = cli("run", "--input", str(folder), "--store", str(tmp_path / "s"), "--out", str(tmp_path / "o"))
    assert result.returncode == 0, result.stderr
    last = result.stdout.strip().splitlines()[-1]
    assert last.startswith("3 items: 3 new, 3 processed; 1 document (0 failed), 2 not documents ("), last
    assert "not text" in last and "not a DOC file" in last and "policy-miner status" in last, last
    documents = pd.read_csv(tmp_path / "o" / "documents.csv", encoding="utf-8-sig", keep_default_na=False)
    assert list(documents.source_url) == ["chain.txt"] and list(documents.error) == [""]
    errors = pd.read_csv(tmp_path / "o" / "fetch_errors.csv", encoding="utf-8-sig", keep_default_na=False)
    reasons = dict(zip(errors.url, errors.stage + " " + errors.message, strict=True))
    assert reasons["scan.txt"].startswith("parse not text:"), reasons
    assert reasons["policy.doc"].startswith("parse not a DOC file:"), reasons
    corpus = pd.read_csv(tmp_path / "o" / "mentions.csv", encoding="utf-8-sig", keep_default_na=False)
    assert set(corpus.doc_id) == set(documents.doc_id)
    status = cli("status", "--store", str(tmp_path / "s"))  # the store keeps them, and says why
    assert status.returncode == 0, status.stderr
    lines = status.stdout.strip().splitlines()
    # counted apart from the documents, as the run's summary counts them, and listed as fetch_errors lists them
    assert lines[-1].endswith(": 3 items, 3 processed; 1 document (0 failed), 2 not documents (not a DOC file, "
                              "not text); 0 problems recorded"), lines
    assert lines[0].endswith(": 1 (and 2 not documents)"), lines
    assert any(line.strip().startswith("[parse] scan.txt: not text:") for line in lines), lines
    assert any(line.strip().startswith("[parse] policy.doc: not a DOC file:") for line in lines), lines


def test_two_process_commands_on_one_store_do_the_work_once(tmp_path: Path, folder: Path) -> None:
    for index in range(6):
        (folder / f"copy{index}.txt").write_text(CHAIN_NOTICE + f"\n第{index}号", encoding="utf-8")
    assert cli("ingest", str(folder), "--store", str(tmp_path / "s")).returncode == 0
    runs = [start_cli("process", "--store", str(tmp_path / "s")) for _ in range(2)]
    outputs = [run.communicate(timeout=TIMEOUT) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    lines = sorted(out.strip().splitlines()[-1] for out, _ in outputs)
    # one run processed all 8 documents; the other waited for the lock and found them done
    assert lines == ["8 documents: 8 processed, 0 failed", "8 documents: 8 unchanged, 0 failed"], outputs


def test_three_runs_at_once_on_separate_stores_while_the_cpu_is_saturated(tmp_path: Path, folder: Path,
                                                                          cpu_burner: None) -> None:
    runs = [start_cli("run", "--input", str(folder), "--store", str(tmp_path / f"store{i}"), "--out",
                      str(tmp_path / f"out{i}")) for i in range(3)]
    outputs = [run.communicate(timeout=TIMEOUT) for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0], outputs
    for index, (stdout, _) in enumerate(outputs):
        assert stdout.strip().splitlines()[-1].startswith("2 documents: 2 new, 2 processed, 0 failed"), stdout
        assert (tmp_path / f"out{index}" / "documents.csv").is_file()


def test_run_from_manifest_reproduces_the_same_tables(tmp_path: Path, folder: Path) -> None:
    first = cli("run", "--input", str(folder), "--store", str(tmp_path / "s"), "--out", str(tmp_path / "o1"),
                "--format", "md")
    assert first.returncode == 0, first.stderr
    (folder / "later.txt").write_text(CHAIN_NOTICE + "\n后来加入的文件", encoding="utf-8")  # not in the first run
    assert cli("ingest", str(folder), "--store", str(tmp_path / "s")).returncode == 0
    again = cli("run", "--from-manifest", str(tmp_path / "o1" / "manifest.json"), "--out", str(tmp_path / "o2"))
    assert again.returncode == 0, again.stderr
    for name in ("documents.csv", "chain_leader_table.csv", "chains.csv", "chain_leader_table.md"):
        assert (tmp_path / "o2" / name).read_bytes() == (tmp_path / "o1" / name).read_bytes(), name
    manifest = json.loads((tmp_path / "o2" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["command"] == "run --from-manifest" and len(manifest["doc_ids"]) == 2


@pytest.mark.skipif(not (PROJECT_ROOT.parent / "shared" / "corpora" / "real-excerpts").is_dir(),
                    reason="../shared real excerpts not available")
def test_train_rebuilds_the_shipped_models_byte_for_byte(tmp_path: Path) -> None:
    """`policy-miner train` remakes every file of models/ from the labels and annotations in this commit: the shipped
    models are what this code gives, so a change that moves a weight must ship the retrained model with it."""
    done = cli("train", "--models", str(tmp_path))
    assert done.returncode == 0, done.stderr
    shipped = sorted((PROJECT_ROOT / "models").iterdir())
    assert [f.name for f in shipped] == sorted(f.name for f in tmp_path.iterdir())
    for file in shipped:
        assert (tmp_path / file.name).read_bytes() == file.read_bytes(), f"models/{file.name} is not what `train` makes"
