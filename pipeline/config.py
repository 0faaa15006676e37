"""Where things live.  Every path can be overridden by an environment variable
so that tests, benchmarks and notebooks can point the pipeline elsewhere
without touching the checkout."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def _path(env: str, default: Path) -> Path:
    return Path(os.environ[env]).expanduser() if os.environ.get(env) else default


CORPORA_DIR = PROJECT_ROOT / "corpora"
LEXICON_DIR = _path("POLICY_MINER_LEXICON", CORPORA_DIR / "lexicon")
SAMPLE_DIR = CORPORA_DIR / "sample"
SOURCES_FILE = _path("POLICY_MINER_SOURCES", CORPORA_DIR / "sources.toml")
DEFAULT_STORE = _path("POLICY_MINER_STORE", CORPORA_DIR / "store")
MODELS_DIR = _path("POLICY_MINER_MODELS", PROJECT_ROOT / "models")
OUTPUTS_DIR = _path("POLICY_MINER_OUTPUTS", PROJECT_ROOT / "outputs")
