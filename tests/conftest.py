"""Fixtures shared across the test suite."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

# Prefect keeps its database and result cache under PREFECT_HOME: keep test runs out of the user's home.
os.environ["PREFECT_HOME"] = tempfile.mkdtemp(prefix="policy-miner-prefect-")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

import pytest

from pipeline.store import CorpusStore

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = PROJECT_ROOT.parent / "shared"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The real-document corpora beside the clone (read-only); tests needing it skip without it."""
    if not (SHARED_DIR / "corpora").is_dir():
        pytest.skip("../shared/corpora is not present beside the checkout")
    return SHARED_DIR


@pytest.fixture(scope="session")
def prefect_server() -> str:
    """ONE real Prefect API server for the whole test run (a uvicorn subprocess on 127.0.0.1, own database).

    Tests that run flows request it (``pytestmark = pytest.mark.usefixtures("prefect_server")``); its start-up
    wait is generous because the machine may be saturated.  Yields the API URL, for subprocesses.
    """
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=600):
        yield PREFECT_API_URL.value()


@pytest.fixture
def store(tmp_path: Path) -> CorpusStore:
    with CorpusStore(tmp_path / "store") as corpus:
        yield corpus


@pytest.fixture(scope="session")
def sample_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled sample site crawled through the loopback mirror and processed, once per session.

    Read-only for tests: copy it (shutil.copytree) before recording anything in it."""
    from pipeline.crawl import refresh_source
    from pipeline.mirror import serve_sample_site
    from pipeline.process import process_store
    from pipeline.sources import load_sources

    root = tmp_path_factory.mktemp("sample-store") / "store"
    with serve_sample_site() as mirror, CorpusStore(root) as corpus:
        for source in load_sources(names=["sample"], overrides={"mirror": mirror}):
            refresh_source(corpus, source)
        process_store(corpus)
    return root
